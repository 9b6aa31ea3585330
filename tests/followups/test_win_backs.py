"""followups.win_backs: one win-back per silence episode, closed by a purchase, and saves for the rep."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from core import dates
from customers.models import Customer, PurchaseRhythm
from customers.services import customers_refresh_rhythm, purchase_add
from followups import selectors, services, win_backs
from followups.models import FollowUp
from followups.reasons import explain
from tests.concurrency import run_at_once, skip_on_sqlite
from tests.factories import CustomerFactory, FollowUpFactory, RepFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _today():
    return timezone.localdate()


def _buy(customer, days_ago, amount=1_000_000):
    purchase_add(customer=customer, purchased_on=_today() - days_ago * DAY, amount=Decimal(amount))


@pytest.fixture
def silent(rep):
    """A monthly buyer, silent for 100 days (and a steady one, not silent)."""
    customer = CustomerFactory(name="فروشگاه آفتاب", owner=rep)
    for days in (190, 160, 130, 100):
        _buy(customer, days)
    steady = CustomerFactory(owner=rep)
    for days in (70, 40, 10):
        _buy(steady, days)
    customers_refresh_rhythm()
    customer.refresh_from_db()
    return customer


def _win_backs(customer=None):
    calls = FollowUp.objects.filter(reason=FollowUp.Reason.WIN_BACK)
    return calls.filter(customer=customer) if customer else calls


def test_the_nightly_refresh_raises_one_win_back_for_the_owner_with_its_reason(silent, rep):
    call = _win_backs().get()

    assert (call.customer, call.assignee, call.status, call.due_on) == (silent, rep, "open", _today())
    assert call.source_key == win_backs.source_key(silent.pk, silent.last_purchase_on)
    with translation.override("fa"):
        assert explain(call, day=_today()) == "معمولاً هر ۳۰ روز خرید می‌کند؛ ۱۰۰ روز است خرید نکرده (۳٫۳ برابر)"
    with translation.override("en"):
        assert explain(call, day=_today()) == "usually buys every 30 days; silent for 100 days (3.3×)"


def test_the_win_back_becomes_the_customer_s_next_call(silent):
    assert silent.next_call_on == _today()


def test_a_sooner_call_stays_the_next_call_when_the_win_back_is_raised(rep):
    customer = CustomerFactory(owner=rep)
    for days in (190, 160, 130, 100):
        _buy(customer, days)
    sooner = FollowUpFactory(customer=customer, assignee=rep, due_on=_today() - 3 * DAY)
    services.customers_refresh_next_call([customer.pk])

    customers_refresh_rhythm()

    customer.refresh_from_db()
    assert _win_backs(customer).exists()
    assert customer.next_call_on == sooner.due_on


def test_the_nightly_job_writes_the_next_call_only_of_the_customers_it_gave_a_call(silent, rep):
    """Every silent customer's row was rewritten each night before; now only the newly silent's.
    The customer called last night is given a wrong next call, which a rewrite would put right."""
    _win_backs(silent).update(due_on=_today() - DAY)
    already_called = Customer.objects.filter(pk=silent.pk)
    already_called.update(next_call_on=None)
    newly_silent = CustomerFactory(owner=rep)
    for days in (190, 160, 130, 100):
        _buy(newly_silent, days)

    customers_refresh_rhythm()

    assert _win_backs(newly_silent).get().due_on == Customer.objects.get(pk=newly_silent.pk).next_call_on
    assert already_called.get().next_call_on is None


def test_running_the_nightly_job_again_raises_nothing_more(silent):
    customers_refresh_rhythm()
    customers_refresh_rhythm(customer_ids=[silent.pk])
    win_backs.win_backs_raise(as_of=_today())

    assert _win_backs().count() == 1


def test_a_closed_win_back_is_not_raised_again_in_the_same_episode(silent, rep):
    services.followup_complete(followup=_win_backs().get(), outcome=FollowUp.Outcome.NOT_INTERESTED, by=rep)

    customers_refresh_rhythm()

    assert _win_backs().count() == 1


def test_a_purchase_closes_the_open_win_back_as_bought_again_without_a_save_when_nobody_called(silent):
    _buy(silent, 0)

    call = _win_backs().get()
    assert (call.status, call.outcome, call.saved_on) == (FollowUp.Status.DONE, FollowUp.Outcome.BOUGHT_AGAIN, None)
    assert PurchaseRhythm.objects.get(customer=silent).silent_since is None


def test_a_purchase_after_the_rep_reached_the_customer_is_a_save_for_that_rep(silent, rep):
    services.followup_complete(followup=_win_backs().get(), outcome=FollowUp.Outcome.REACHED, by=rep)

    _buy(silent, 0)

    call = _win_backs().get()
    assert (call.saved_on, call.saved_by, call.outcome) == (_today(), rep, FollowUp.Outcome.REACHED)
    workload = {row.rep: row for row in selectors.team_workload(day=_today())}
    assert workload[rep].saves == 1


def test_a_call_back_later_reached_the_customer_too_so_the_purchase_closes_and_saves(silent, rep):
    call = _win_backs().get()
    services.followup_reschedule(followup=call, to=_today() + 3 * DAY, outcome="call_back_later", by=rep)

    _buy(silent, 0)

    call.refresh_from_db()
    assert (call.status, call.outcome, call.saved_on, call.saved_by) == ("done", "bought_again", _today(), rep)


def test_no_answer_is_not_reaching_the_customer_so_no_save(silent, rep):
    call = _win_backs().get()
    services.followup_reschedule(followup=call, to=_today() + 3 * DAY, outcome="no_answer", by=rep)

    _buy(silent, 0)

    call.refresh_from_db()
    assert (call.status, call.outcome, call.saved_on) == ("done", "bought_again", None)


def test_a_purchase_long_after_the_call_is_no_save(silent, rep, settings):
    settings.PEYGIR_SAVE_WINDOW_DAYS = 90
    call = _win_backs().get()
    services.followup_complete(followup=call, outcome=FollowUp.Outcome.REACHED, by=rep)
    FollowUp.objects.filter(pk=call.pk).update(reached_at=timezone.now() - 91 * DAY)

    _buy(silent, 0)

    call.refresh_from_db()
    assert call.saved_on is None


def test_an_older_purchase_imported_late_does_not_end_the_episode(silent):
    _buy(silent, 150)  # between purchases the customer already had: history, not a return

    call = _win_backs().get()
    assert call.is_pending


def test_silent_again_after_buying_is_a_new_episode_and_a_new_call(silent, rep):
    _buy(silent, 0)

    # 100 days later the customer is silent again: the nightly job of that day
    later = _today() + 100 * DAY
    customers_refresh_rhythm(as_of=later)

    assert _win_backs(silent).count() == 2
    new = _win_backs(silent).get(status=FollowUp.Status.OPEN)
    assert new.facts["last_purchase_on"] == _today().isoformat()


def test_a_customer_without_an_owner_gets_an_unassigned_win_back():
    customer = CustomerFactory(owner=None)
    for days in (190, 160, 130, 100):
        _buy(customer, days)
    customers_refresh_rhythm()

    assert _win_backs(customer).get().assignee is None


def test_a_one_time_buyer_is_judged_against_how_soon_others_come_back(rep):
    for _ in range(5):
        regular = CustomerFactory(owner=rep)
        for days in (80, 60, 40, 20):
            _buy(regular, days)
    once = CustomerFactory(owner=rep)
    _buy(once, 45)

    customers_refresh_rhythm()

    call = _win_backs(once).get()
    with translation.override("en"):
        assert explain(call, day=_today()) == (
            f"one purchase, on {dates.format_date(_today() - 45 * DAY, 'en')}; "
            "80% of returning customers are back within 20 days; silent for 45 days"
        )


def test_the_team_page_shows_each_reps_saves(manager_client, silent, rep):
    services.followup_complete(followup=_win_backs().get(), outcome=FollowUp.Outcome.REACHED, by=rep)
    _buy(silent, 0)

    html = manager_client.get(reverse("followups:team")).content.decode()

    assert 'data-testid="saves">۱<' in html
    assert "بازگشت‌ها، ۳۰ روز اخیر" in html


def test_bought_again_is_not_an_outcome_a_rep_can_log(rep_client, silent):
    call = _win_backs().get()
    response = rep_client.post(reverse("followups:complete", args=[call.pk]), {"outcome": "bought_again"})

    call.refresh_from_db()
    assert call.is_pending
    assert response.status_code == 302


@pytest.mark.django_db(transaction=True)
def test_two_nightly_jobs_at_once_raise_one_win_back():
    skip_on_sqlite()
    customer = CustomerFactory(owner=RepFactory())
    for days in (190, 160, 130, 100):
        _buy(customer, days)
    customers_refresh_rhythm()
    FollowUp.objects.all().delete()

    run_at_once(lambda: win_backs.win_backs_raise(as_of=_today()))

    assert _win_backs(customer).count() == 1
