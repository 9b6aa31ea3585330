"""followups.services: completing, skipping and rescheduling a follow-up."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from customers.models import Interaction
from followups import cadence, services
from followups.models import FollowUp, FollowUpPlan
from tests.factories import CustomerFactory, FollowUpFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
WEEK = datetime.timedelta(days=7)
Outcome = FollowUp.Outcome


def _plan(rep, *, starts_on=None, every=1, unit=FollowUpPlan.Unit.WEEKS, **fields) -> FollowUpPlan:
    return services.plan_create(
        customer=CustomerFactory(owner=rep),
        every=every,
        unit=unit,
        starts_on=starts_on or timezone.localdate(),
        **fields,
    )


def _pending(plan) -> list[datetime.date]:
    return list(plan.followups.filter(status__in=FollowUp.PENDING).order_by("due_on").values_list("due_on", flat=True))


# --- complete -------------------------------------------------------------------------


def test_completing_logs_an_interaction_of_the_plans_channel_on_the_timeline(rep):
    plan = _plan(rep, channel="visit")
    followup = plan.followups.get(due_on=timezone.localdate())

    done = services.followup_complete(followup=followup, outcome=Outcome.REACHED, note="سفارش جدید داد", by=rep)

    interaction = Interaction.objects.get(customer=plan.customer)
    assert done.interaction == interaction
    assert (interaction.kind, interaction.outcome, interaction.summary) == ("visit", "reached", "سفارش جدید داد")
    assert interaction.created_by == rep


def test_completing_without_a_note_puts_only_the_outcome_code_on_the_timeline(rep):
    followup = FollowUpFactory(customer=CustomerFactory(owner=rep))

    services.followup_complete(followup=followup, outcome=Outcome.NOT_INTERESTED, by=rep)

    interaction = Interaction.objects.get()
    assert (interaction.kind, interaction.outcome) == ("call", "not_interested")
    assert interaction.summary == ""  # the label is written in the reader's language when shown


def test_completing_sets_the_status_outcome_and_who_and_when(rep):
    followup = FollowUpFactory(customer=CustomerFactory(owner=rep))
    before = timezone.now()

    services.followup_complete(followup=followup, outcome=Outcome.CALL_BACK_LATER, note="هفته بعد", by=rep)

    followup.refresh_from_db()
    assert (followup.status, followup.outcome, followup.note) == ("done", "call_back_later", "هفته بعد")
    assert followup.completed_by == rep
    assert before <= followup.completed_at <= timezone.now()
    assert not followup.is_pending


@pytest.mark.parametrize(
    ("outcome", "counts_as_contact"),
    [
        (Outcome.REACHED, True),
        (Outcome.CALL_BACK_LATER, True),
        (Outcome.NOT_INTERESTED, True),
        (Outcome.NO_ANSWER, False),
        (Outcome.WRONG_NUMBER, False),
    ],
)
def test_completing_moves_the_last_contact_unless_nobody_was_reached(rep, outcome, counts_as_contact):
    long_ago = timezone.localdate() - 200 * DAY
    customer = CustomerFactory(owner=rep, last_contact_on=long_ago)
    followup = FollowUpFactory(customer=customer)

    services.followup_complete(followup=followup, outcome=outcome, by=rep)

    customer.refresh_from_db()
    assert customer.last_contact_on == (timezone.localdate() if counts_as_contact else long_ago)
    assert Interaction.objects.filter(customer=customer, outcome=outcome).count() == 1


def test_completing_the_only_follow_up_of_a_six_month_plan_creates_the_next_beyond_the_horizon(rep):
    today = timezone.localdate()
    plan = _plan(rep, every=6, unit=FollowUpPlan.Unit.MONTHS)
    assert _pending(plan) == [today]

    services.followup_complete(followup=plan.followups.get(), outcome=Outcome.REACHED, by=rep)

    in_six_months = cadence.add_months(today, 6)
    assert _pending(plan) == [in_six_months]
    plan.refresh_from_db()
    assert plan.next_index == 2
    assert plan.next_due_on == cadence.add_months(today, 12)


def test_completing_an_old_follow_up_does_not_add_more_when_the_next_ones_exist(rep):
    today = timezone.localdate()
    plan = _plan(rep, starts_on=today - WEEK)
    assert _pending(plan) == [today - WEEK, today, today + WEEK]

    services.followup_complete(followup=plan.followups.get(due_on=today - WEEK), outcome=Outcome.REACHED, by=rep)

    assert _pending(plan) == [today, today + WEEK]


def test_counting_from_completion_re_anchors_on_the_completion_day_and_drops_the_old_rhythm(rep):
    today = timezone.localdate()
    plan = _plan(rep, starts_on=today - 3 * DAY, count_from=FollowUpPlan.CountFrom.COMPLETION)
    assert _pending(plan) == [today - 3 * DAY, today + 4 * DAY]

    services.followup_complete(followup=plan.followups.get(due_on=today - 3 * DAY), outcome=Outcome.REACHED, by=rep)

    assert _pending(plan) == [today + WEEK]  # a week after the call, not after the old date
    plan.refresh_from_db()
    assert (plan.anchor_on, plan.next_index, plan.next_due_on) == (today, 2, today + 2 * WEEK)
    assert plan.followups.filter(status=FollowUp.Status.DONE).count() == 1


def test_a_fixed_rhythm_plan_keeps_its_dates_whenever_the_call_is_made(rep):
    today = timezone.localdate()
    plan = _plan(rep, starts_on=today - 3 * DAY)

    services.followup_complete(followup=plan.followups.get(due_on=today - 3 * DAY), outcome=Outcome.REACHED, by=rep)

    assert _pending(plan) == [today + 4 * DAY]


def test_completing_twice_is_refused(rep):
    followup = FollowUpFactory(customer=CustomerFactory(owner=rep))
    services.followup_complete(followup=followup, outcome=Outcome.REACHED, by=rep)

    with pytest.raises(ValidationError) as error:
        services.followup_complete(followup=followup, outcome=Outcome.NO_ANSWER, by=rep)

    assert error.value.code == "closed"
    followup.refresh_from_db()
    assert followup.outcome == Outcome.REACHED
    assert Interaction.objects.count() == 1


def test_an_unknown_outcome_is_refused_and_nothing_is_logged(rep):
    followup = FollowUpFactory(customer=CustomerFactory(owner=rep))

    with pytest.raises(ValidationError):
        services.followup_complete(followup=followup, outcome="maybe", by=rep)

    followup.refresh_from_db()
    assert followup.status == FollowUp.Status.OPEN
    assert not Interaction.objects.exists()


def test_completing_a_one_off_follow_up_schedules_nothing(rep):
    followup = FollowUpFactory(customer=CustomerFactory(owner=rep))

    services.followup_complete(followup=followup, outcome=Outcome.REACHED, by=rep)

    assert FollowUp.objects.count() == 1


# --- skip -------------------------------------------------------------------------------


def test_skipping_closes_without_a_contact_and_keeps_the_rhythm(rep):
    today = timezone.localdate()
    plan = _plan(rep, every=6, unit=FollowUpPlan.Unit.MONTHS)
    followup = plan.followups.get()

    services.followup_skip(followup=followup, note="در سفر است", by=rep)

    followup.refresh_from_db()
    assert (followup.status, followup.note, followup.completed_by) == ("skipped", "در سفر است", rep)
    assert followup.completed_at is not None
    assert not Interaction.objects.exists()
    plan.customer.refresh_from_db()
    assert plan.customer.last_contact_on is None
    assert _pending(plan) == [cadence.add_months(today, 6)]


def test_skipping_a_closed_follow_up_is_refused(rep):
    followup = FollowUpFactory(customer=CustomerFactory(owner=rep))
    services.followup_skip(followup=followup, by=rep)

    with pytest.raises(ValidationError):
        services.followup_skip(followup=followup, by=rep)


# --- reschedule -----------------------------------------------------------------------------


def test_snoozing_moves_the_due_date_but_not_the_scheduled_date(rep):
    today = timezone.localdate()
    followup = FollowUpFactory(customer=CustomerFactory(owner=rep), scheduled_on=today - DAY)

    services.followup_reschedule(followup=followup, to=today + 3 * DAY, reason="مسافرت", by=rep)

    followup.refresh_from_db()
    assert (followup.due_on, followup.scheduled_on) == (today + 3 * DAY, today - DAY)
    assert (followup.status, followup.snooze_count, followup.snooze_reason) == ("rescheduled", 1, "مسافرت")
    assert not Interaction.objects.exists()


def test_snoozing_onto_a_friday_moves_it_to_saturday(settings, rep):
    settings.PEYGIR_WEEKEND_DAYS = [4]
    today = timezone.localdate()
    friday = today + datetime.timedelta(days=(4 - today.weekday()) % 7 or 7)
    followup = FollowUpFactory(customer=CustomerFactory(owner=rep))

    services.followup_reschedule(followup=followup, to=friday, by=rep)

    followup.refresh_from_db()
    assert followup.due_on == friday + DAY


def test_snoozing_again_counts_each_time(rep):
    today = timezone.localdate()
    followup = FollowUpFactory(customer=CustomerFactory(owner=rep))

    services.followup_reschedule(followup=followup, to=today + DAY, by=rep)
    services.followup_reschedule(followup=followup, to=today + 2 * DAY, by=rep)

    followup.refresh_from_db()
    assert (followup.snooze_count, followup.due_on, followup.status) == (2, today + 2 * DAY, "rescheduled")


def test_snoozing_a_plans_follow_up_keeps_the_plans_rhythm(rep):
    today = timezone.localdate()
    plan = _plan(rep)
    followup = plan.followups.get(due_on=today)

    services.followup_reschedule(followup=followup, to=today + 3 * DAY, by=rep)
    services.materialise_due(today=today + WEEK)

    assert _pending(plan) == [today + 3 * DAY, today + WEEK, today + 2 * WEEK]
    assert sorted(plan.followups.values_list("scheduled_on", flat=True)) == [today, today + WEEK, today + 2 * WEEK]


def test_a_no_answer_retry_logs_the_attempt_and_moves_the_call(rep):
    today = timezone.localdate()
    customer = CustomerFactory(owner=rep)
    followup = FollowUpFactory(customer=customer)

    services.followup_reschedule(followup=followup, to=today + DAY, outcome=Outcome.NO_ANSWER, note="خاموش بود", by=rep)

    followup.refresh_from_db()
    interaction = Interaction.objects.get(customer=customer)
    assert (interaction.kind, interaction.outcome, interaction.summary) == ("call", "no_answer", "خاموش بود")
    assert followup.interaction == interaction
    assert (followup.status, followup.due_on, followup.snooze_count) == ("rescheduled", today + DAY, 1)
    assert followup.snooze_reason == ""  # nothing typed; the attempt's outcome is on the timeline
    customer.refresh_from_db()
    assert customer.last_contact_on is None  # nobody answered


def test_a_call_back_later_retry_counts_as_a_contact(rep):
    customer = CustomerFactory(owner=rep)
    followup = FollowUpFactory(customer=customer)

    services.followup_reschedule(
        followup=followup, to=timezone.localdate() + DAY, outcome=Outcome.CALL_BACK_LATER, by=rep
    )

    customer.refresh_from_db()
    assert customer.last_contact_on == timezone.localdate()


@pytest.mark.parametrize("days_from_today", [0, -1, -30])
def test_rescheduling_to_today_or_the_past_is_refused(rep, days_from_today):
    followup = FollowUpFactory(customer=CustomerFactory(owner=rep))

    with pytest.raises(ValidationError) as error:
        services.followup_reschedule(
            followup=followup, to=timezone.localdate() + days_from_today * DAY, outcome=Outcome.NO_ANSWER, by=rep
        )

    assert error.value.code == "past"
    followup.refresh_from_db()
    assert (followup.status, followup.snooze_count) == ("open", 0)
    assert not Interaction.objects.exists()


@pytest.mark.parametrize("outcome", [Outcome.REACHED, Outcome.WRONG_NUMBER, Outcome.NOT_INTERESTED])
def test_only_no_answer_and_call_back_later_can_be_tried_again(rep, outcome):
    followup = FollowUpFactory(customer=CustomerFactory(owner=rep))

    with pytest.raises(ValidationError) as error:
        services.followup_reschedule(followup=followup, to=timezone.localdate() + DAY, outcome=outcome, by=rep)

    assert error.value.code == "outcome"
    followup.refresh_from_db()
    assert (followup.status, followup.due_on) == ("open", timezone.localdate())
    assert not Interaction.objects.exists()


def test_a_closed_follow_up_cannot_be_rescheduled(rep):
    followup = FollowUpFactory(customer=CustomerFactory(owner=rep))
    services.followup_complete(followup=followup, outcome=Outcome.REACHED, by=rep)

    with pytest.raises(ValidationError):
        services.followup_reschedule(followup=followup, to=timezone.localdate() + DAY, by=rep)


def test_a_rescheduled_follow_up_can_still_be_completed(rep):
    followup = FollowUpFactory(customer=CustomerFactory(owner=rep))
    services.followup_reschedule(followup=followup, to=timezone.localdate() + DAY, by=rep)

    services.followup_complete(followup=followup, outcome=Outcome.REACHED, by=rep)

    followup.refresh_from_db()
    assert followup.status == FollowUp.Status.DONE
