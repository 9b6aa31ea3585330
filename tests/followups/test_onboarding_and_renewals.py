"""Onboarding steps and renewal calls: raised once each through the pipeline, in the hourly run."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from core import dates
from customers import csv_io
from customers.models import Contract
from customers.services import interaction_log, purchase_add
from followups import hourly, onboarding, renewals
from followups.models import FollowUp
from followups.reasons import explain
from surveys.models import SurveyInvitation
from surveys.services import onboarding_surveys_send
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _today():
    return timezone.localdate()


def _new_customer(rep, days_ago, **fields):
    customer = CustomerFactory(owner=rep, **fields)
    purchase_add(customer=customer, purchased_on=_today() - days_ago * DAY, amount=Decimal(1_000_000))
    return customer


def _steps(customer):
    calls = FollowUp.objects.filter(customer=customer, reason=FollowUp.Reason.ONBOARDING)
    return {call.facts["step"]: call for call in calls}


# --- onboarding -------------------------------------------------------------------------------


def test_a_new_customer_gets_a_welcome_call_two_working_days_after_the_first_purchase(rep):
    customer = _new_customer(rep, 0)

    hourly.calls_due_bring_up_to_date()

    welcome = _steps(customer)["welcome"]
    assert (welcome.due_on, welcome.assignee, welcome.status) == (_today() + 2 * DAY, rep, "open")
    assert "check_in" not in _steps(customer)  # day 14 is beyond the 7-day horizon yet
    with translation.override("en"):
        assert explain(welcome, day=_today()) == f"new customer since {dates.format_date(_today(), 'en')}: welcome call"


def test_the_welcome_call_skips_the_weekend(rep, settings):
    settings.PEYGIR_WEEKEND_DAYS = [(_today() + DAY).weekday()]

    customer = _new_customer(rep, 0)
    hourly.calls_due_bring_up_to_date()

    assert _steps(customer)["welcome"].due_on == _today() + 3 * DAY


def test_the_check_in_comes_on_day_fourteen_once_the_horizon_reaches_it(rep):
    customer = _new_customer(rep, 10)

    hourly.calls_due_bring_up_to_date()

    assert _steps(customer)["check_in"].due_on == _today() + 4 * DAY


def test_each_step_is_raised_once_however_often_the_job_runs(rep):
    customer = _new_customer(rep, 10)

    for _ in range(3):
        hourly.calls_due_bring_up_to_date()

    assert FollowUp.objects.filter(customer=customer, reason=FollowUp.Reason.ONBOARDING).count() == 2


def test_a_step_is_skipped_and_says_so_when_the_rep_already_reached_the_customer(rep):
    customer = _new_customer(rep, 10)
    moment = timezone.make_aware(datetime.datetime.combine(_today() - 9 * DAY, datetime.time(11)))
    interaction_log(customer=customer, kind="call", summary="خوشامد گفتم", occurred_at=moment, by=rep)

    hourly.calls_due_bring_up_to_date()

    steps = _steps(customer)
    assert steps["welcome"].status == FollowUp.Status.SKIPPED
    assert steps["check_in"].status == FollowUp.Status.OPEN  # the call was before its window
    with translation.override("fa"):
        assert "لازم نشد: در" in explain(steps["welcome"], day=_today())
    with translation.override("en"):
        assert explain(steps["welcome"], day=_today()).endswith(
            f"not needed: already reached on {dates.format_date((_today() - 9 * DAY), 'en')}"
        )


def test_an_unanswered_call_does_not_count_as_reaching_the_customer(rep):
    customer = _new_customer(rep, 1)
    interaction_log(customer=customer, kind="call", outcome="no_answer", by=rep, reached=False)

    hourly.calls_due_bring_up_to_date()

    assert _steps(customer)["welcome"].status == FollowUp.Status.OPEN


def test_an_old_customer_gets_no_onboarding(rep):
    customer = _new_customer(rep, 400)

    hourly.calls_due_bring_up_to_date()

    assert _steps(customer) == {}


def test_the_steps_come_from_the_setting(settings):
    settings.PEYGIR_ONBOARDING = ["check_in:10", "welcome:1w", "survey:45", "nonsense:3", "welcome:x"]

    steps = onboarding.onboarding_steps()

    assert [(step.name, step.days, step.working_days) for step in steps] == [
        ("welcome", 1, True),
        ("check_in", 10, False),
        ("survey", 45, False),
    ]


def test_no_steps_no_calls(rep, settings):
    settings.PEYGIR_ONBOARDING = []
    customer = _new_customer(rep, 0)

    hourly.calls_due_bring_up_to_date()

    assert _steps(customer) == {}


def test_the_onboarding_survey_goes_on_day_thirty_once(rep, settings):
    settings.PEYGIR_WEEKEND_DAYS = []
    customer = _new_customer(rep, 30, email="new@example.com")
    too_early = _new_customer(rep, 20, email="early@example.com")

    assert onboarding_surveys_send() == 1
    assert onboarding_surveys_send() == 0

    invitation = SurveyInvitation.objects.get(customer=customer)
    assert invitation.occasion == SurveyInvitation.Occasion.ONBOARDING
    assert not SurveyInvitation.objects.filter(customer=too_early).exists()


def test_the_onboarding_survey_respects_opt_outs_and_missing_emails(rep, settings):
    settings.PEYGIR_WEEKEND_DAYS = []
    _new_customer(rep, 30, email="no@example.com", email_opt_out=True)
    _new_customer(rep, 30, email="")

    assert onboarding_surveys_send() == 0
    assert not SurveyInvitation.objects.exists()


# --- renewals --------------------------------------------------------------------------------


def _contract(customer, ends_in, **fields):
    return Contract.objects.create(customer=customer, ends_on=_today() + ends_in * DAY, **fields)


def _renewals(customer):
    return FollowUp.objects.filter(customer=customer, reason=FollowUp.Reason.RENEWAL)


def test_a_renewal_call_comes_thirty_days_before_the_end_with_the_offer(rep):
    customer = CustomerFactory(owner=rep)
    contract = _contract(customer, 35, offer="ده درصد تخفیف برای دو سال")

    hourly.calls_due_bring_up_to_date()

    call = _renewals(customer).get()
    assert (call.due_on, call.assignee, call.purpose) == (_today() + 5 * DAY, rep, "ده درصد تخفیف برای دو سال")
    assert call.source_key == renewals.source_key(contract)
    with translation.override("en"):
        assert explain(call, day=_today()) == f"contract ends {dates.format_date(contract.ends_on, 'en')} (in 35 days)"


def test_a_contract_ending_far_ahead_has_no_call_yet(rep):
    customer = CustomerFactory(owner=rep)
    _contract(customer, 60)

    hourly.calls_due_bring_up_to_date()

    assert not _renewals(customer).exists()


def test_a_renewal_is_raised_once_per_term_and_the_next_term_raises_the_next(rep):
    customer = CustomerFactory(owner=rep)
    first = _contract(customer, 20)
    hourly.calls_due_bring_up_to_date()
    hourly.calls_due_bring_up_to_date()
    assert _renewals(customer).count() == 1

    _contract(customer, 20 + 365, starts_on=first.ends_on)
    hourly.calls_due_bring_up_to_date()
    assert _renewals(customer).count() == 1  # the next term's call comes 30 days before its own end


def test_a_term_already_followed_by_the_next_needs_no_call(rep):
    customer = CustomerFactory(owner=rep)
    first = _contract(customer, 10)
    _contract(customer, 375, starts_on=first.ends_on)

    hourly.calls_due_bring_up_to_date()

    assert not _renewals(customer).exists()


def test_a_contract_that_has_ended_raises_nothing(rep):
    customer = CustomerFactory(owner=rep)
    _contract(customer, -1)

    hourly.calls_due_bring_up_to_date()

    assert not _renewals(customer).exists()


def test_the_customer_page_lists_the_steps_including_one_not_needed(rep_client, rep):
    customer = _new_customer(rep, 10)
    moment = timezone.make_aware(datetime.datetime.combine(_today() - 9 * DAY, datetime.time(11)))
    interaction_log(customer=customer, kind="call", summary="خوشامد گفتم", occurred_at=moment, by=rep)
    hourly.calls_due_bring_up_to_date()

    html = rep_client.get(f"/customers/{customer.pk}/").content.decode()

    raised = html.split('data-testid="raised-calls"')[1].split("</ul>")[0]
    assert "تماس احوال‌پرسی" in raised and "تماس خوشامد" in raised
    assert "لازم نشد" in raised


def test_imported_customers_get_the_default_cadence_in_the_next_hourly_run(rep):
    rows = "\n".join(f"وارداتی {n},0912{n:07d}" for n in range(40))
    checked = csv_io.preview_import(kind=csv_io.CUSTOMERS, text=f"name,mobile\n{rows}\n")
    csv_io.apply_import(checked)

    run = hourly.calls_due_bring_up_to_date()

    assert run.given_default_cadence == 40
    assert FollowUp.objects.filter(plan__is_default=True).exists()  # their first calls within the horizon
