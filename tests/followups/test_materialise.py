"""followups.services.materialise_due / materialise_plans: up to the horizon, once, set-based."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from followups import services
from followups.models import FollowUp, FollowUpPlan
from tests.concurrency import run_at_once, skip_on_sqlite
from tests.factories import CustomerFactory, FollowUpPlanFactory, RepFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
WEEK = datetime.timedelta(days=7)


def _rows(plan=None) -> list[tuple[int, datetime.date]]:
    followups = FollowUp.objects.all() if plan is None else FollowUp.objects.filter(plan=plan)
    return list(followups.order_by("plan_id", "scheduled_on").values_list("plan_id", "scheduled_on"))


def test_materialise_creates_every_occurrence_up_to_today_plus_the_horizon():
    today = timezone.localdate()
    plan = FollowUpPlanFactory(every=1, unit=FollowUpPlan.Unit.DAYS, starts_on=today)

    created = services.materialise_due(today=today)

    assert created == 8  # today and the 7 days of the horizon
    assert [due for _plan, due in _rows(plan)] == [today + n * DAY for n in range(8)]
    plan.refresh_from_db()
    assert (plan.next_index, plan.next_due_on) == (8, today + 8 * DAY)


def test_the_horizon_comes_from_settings(settings):
    settings.PEYGIR_FOLLOWUP_HORIZON_DAYS = 2
    today = timezone.localdate()
    plan = FollowUpPlanFactory(every=1, unit=FollowUpPlan.Unit.DAYS, starts_on=today)

    assert services.materialise_due(today=today) == 3
    assert max(due for _plan, due in _rows(plan)) == today + 2 * DAY


def test_a_materialised_follow_up_copies_the_plan():
    today = timezone.localdate()
    rep = RepFactory()
    plan = FollowUpPlanFactory(
        customer=CustomerFactory(owner=rep), unit=FollowUpPlan.Unit.WEEKS, channel="visit", purpose="بازدید"
    )

    services.materialise_due(today=today)

    followup = FollowUp.objects.get(plan=plan, scheduled_on=today)
    assert followup.customer == plan.customer
    assert followup.assignee == rep
    assert (followup.reason, followup.channel, followup.purpose) == (FollowUp.Reason.PERIODIC, "visit", "بازدید")
    assert (followup.status, followup.due_on) == (FollowUp.Status.OPEN, today)


def test_materialise_twice_makes_the_same_rows_and_the_second_run_creates_nothing():
    today = timezone.localdate()
    FollowUpPlanFactory.create_batch(3, unit=FollowUpPlan.Unit.WEEKS, starts_on=today - 2 * DAY)
    first = services.materialise_due(today=today)
    rows = _rows()

    assert first == len(rows) == 6
    assert services.materialise_due(today=today) == 0
    assert _rows() == rows


def test_a_plan_three_occurrences_behind_gets_each_missed_one_exactly_once():
    """The beat was down for three weeks: the missed calls appear (overdue), once."""
    today = timezone.localdate()
    plan = FollowUpPlanFactory(unit=FollowUpPlan.Unit.WEEKS, starts_on=today - 3 * WEEK)
    assert plan.next_due_on == today - 3 * WEEK

    services.materialise_due(today=today)
    services.materialise_due(today=today)

    expected = [today - 3 * WEEK, today - 2 * WEEK, today - WEEK, today, today + WEEK]
    assert [due for _plan, due in _rows(plan)] == expected


def test_catching_up_resumes_after_the_last_materialised_occurrence():
    today = timezone.localdate()
    plan = FollowUpPlanFactory(unit=FollowUpPlan.Unit.WEEKS, starts_on=today)
    services.materialise_due(today=today)

    assert services.materialise_due(today=today + 2 * WEEK) == 2  # only weeks 2 and 3 are new
    assert [due for _plan, due in _rows(plan)] == [today + n * WEEK for n in range(4)]


def test_a_plan_reset_to_an_older_index_never_duplicates_a_follow_up():
    today = timezone.localdate()
    plan = FollowUpPlanFactory(unit=FollowUpPlan.Unit.WEEKS, starts_on=today - 2 * WEEK)
    services.materialise_due(today=today)
    rows = _rows(plan)
    FollowUp.objects.filter(plan=plan, scheduled_on=today - 2 * WEEK).update(status=FollowUp.Status.DONE)
    FollowUpPlan.objects.filter(pk=plan.pk).update(next_index=0, next_due_on=today - 2 * WEEK)

    services.materialise_due(today=today)

    assert _rows(plan) == rows
    assert FollowUp.objects.get(plan=plan, scheduled_on=today - 2 * WEEK).status == FollowUp.Status.DONE
    plan.refresh_from_db()
    assert plan.next_index == len(rows)


def test_inactive_plans_create_nothing():
    today = timezone.localdate()
    plan = FollowUpPlanFactory(unit=FollowUpPlan.Unit.DAYS, starts_on=today - WEEK, active=False)

    assert services.materialise_due(today=today) == 0
    assert not FollowUp.objects.exists()
    plan.refresh_from_db()
    assert plan.next_index == 0


def test_plans_whose_next_occurrence_is_beyond_the_horizon_are_left_alone():
    today = timezone.localdate()
    plan = FollowUpPlanFactory(every=6, starts_on=today + 30 * DAY)

    assert services.materialise_due(today=today) == 0
    plan.refresh_from_db()
    assert (plan.next_index, plan.next_due_on) == (0, today + 30 * DAY)


def test_materialise_plans_limited_to_some_plans_leaves_the_others(settings):
    today = timezone.localdate()
    chosen, other = FollowUpPlanFactory.create_batch(2, unit=FollowUpPlan.Unit.WEEKS, starts_on=today)

    services.materialise_plans(until=today, plan_ids=[chosen.pk])

    assert _rows() == [(chosen.pk, today)]
    other.refresh_from_db()
    assert other.next_index == 0


def test_due_dates_on_a_friday_move_to_saturday_and_the_rhythm_stays_on_fridays(settings):
    settings.PEYGIR_WEEKEND_DAYS = [4]
    today = timezone.localdate()
    friday = today - datetime.timedelta(days=(today.weekday() - 4) % 7) - 2 * WEEK
    assert friday.weekday() == 4
    plan = FollowUpPlanFactory(unit=FollowUpPlan.Unit.WEEKS, starts_on=friday)

    services.materialise_due(today=today)

    dues = [due for _plan, due in _rows(plan)]
    assert dues[:3] == [friday + DAY, friday + WEEK + DAY, friday + 2 * WEEK + DAY]
    assert all(due.weekday() == 5 for due in dues)


def test_materialise_issues_the_same_number_of_queries_for_5_or_40_plans(settings, django_assert_max_num_queries):
    """One SELECT, one INSERT, one UPDATE: never a query per plan (the rows travel as one JSON
    parameter per table, so neither database's parameter limit splits a chunk; see also
    test_materialise_set_based)."""
    settings.PEYGIR_FOLLOWUP_HORIZON_DAYS = 0
    today = timezone.localdate()
    FollowUpPlanFactory.create_batch(5, unit=FollowUpPlan.Unit.WEEKS, starts_on=today)
    with CaptureQueriesContext(connection) as five:
        assert services.materialise_due(today=today) == 5

    FollowUpPlanFactory.create_batch(40, unit=FollowUpPlan.Unit.WEEKS, starts_on=today)
    with django_assert_max_num_queries(len(five.captured_queries)):
        assert services.materialise_due(today=today) == 40
    assert FollowUp.objects.count() == 45


def _materialise_in_threads(today: datetime.date, count: int = 4) -> list[int]:
    return run_at_once(lambda: services.materialise_due(today=today), count)


@pytest.mark.django_db(transaction=True)
def test_concurrent_materialisations_never_duplicate_a_follow_up():
    """Beat runs (or workers) at once: SKIP LOCKED shares the plans, the constraint has the last word."""
    skip_on_sqlite()
    today = timezone.localdate()
    owner = RepFactory()
    plans = [
        FollowUpPlanFactory(customer=CustomerFactory(owner=owner), unit=FollowUpPlan.Unit.WEEKS, starts_on=start)
        for start in [today - 3 * WEEK + n * DAY for n in range(7)] * 30
    ]

    results = _materialise_in_threads(today)

    rows = _rows()
    assert len(rows) == len(set(rows)) == 30 * (5 + 6 * 4)  # from 3 weeks ago to next week: 5 or 4 weeks
    for plan in plans:
        plan.refresh_from_db()
        expected = [plan.anchor_on + n * WEEK for n in range(plan.next_index)]
        assert [due for _plan, due in _rows(plan)] == expected
        assert expected[-1] <= today + WEEK < plan.next_due_on
    assert sum(results) == len(rows)  # SKIP LOCKED: no plan was worked twice

    # Every plan forgets what it made (a restored backup, a bad migration): the racing
    # inserts now all collide, and ON CONFLICT DO NOTHING keeps exactly one of each.
    for plan in plans:
        FollowUpPlan.objects.filter(pk=plan.pk).update(next_index=0, next_due_on=plan.anchor_on)
    _materialise_in_threads(today)

    assert _rows() == rows
