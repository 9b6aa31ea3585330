"""followups/selectors.py: who sees what, the calls-due sections and order, escalation, workload."""

import datetime
from decimal import Decimal

import pytest
from django.http import Http404
from django.utils import timezone

from customers.services import purchase_add
from followups import selectors, services
from followups.models import FollowUp
from tests.factories import CustomerFactory, FollowUpFactory, FollowUpPlanFactory, RepFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
# Sun 22 ... Sun 29 Sep 2024 (Friday = 27).
SUN, MON, TUE, WED, THU, FRI, SAT, NEXT_SUN = (datetime.date(2024, 9, d) for d in range(22, 30))


@pytest.fixture
def fridays_off(settings):
    settings.PEYGIR_WEEKEND_DAYS = [4]
    settings.PEYGIR_ESCALATE_AFTER_WORKING_DAYS = 3


def _due(rep, day, **fields) -> FollowUp:
    return FollowUpFactory(customer=CustomerFactory(owner=rep), scheduled_on=day, due_on=day, **fields)


# --- visibility ------------------------------------------------------------------------


def test_a_rep_sees_only_their_follow_ups_and_a_manager_sees_all(rep, other_rep, manager):
    mine, theirs = _due(rep, timezone.localdate()), _due(other_rep, timezone.localdate())

    assert list(selectors.followups_visible_to(rep)) == [mine]
    assert set(selectors.followups_visible_to(manager)) == {mine, theirs}


def test_a_rep_cannot_get_another_reps_follow_up_or_plan(rep, other_rep, manager):
    theirs = _due(other_rep, timezone.localdate())
    plan = FollowUpPlanFactory(customer=CustomerFactory(owner=other_rep))

    with pytest.raises(Http404):
        selectors.followup_get_for(user=rep, pk=theirs.pk)
    with pytest.raises(Http404):
        selectors.plan_get_for(user=rep, pk=plan.pk)
    assert selectors.followup_get_for(user=manager, pk=theirs.pk) == theirs
    assert selectors.plan_get_for(user=manager, pk=plan.pk) == plan
    assert selectors.plan_get_for(user=other_rep, pk=plan.pk) == plan


# --- calls due ---------------------------------------------------------------------------


def _rows(calls, section):
    return calls.pages[section].rows


def test_due_now_holds_overdue_and_today_and_upcoming_the_next_horizon_days(rep):
    day = WED
    overdue, today = _due(rep, day - 10 * DAY), _due(rep, day)
    soon, last = _due(rep, day + DAY), _due(rep, day + 7 * DAY)
    _due(rep, day + 8 * DAY)  # beyond the horizon
    _due(rep, day - DAY, status=FollowUp.Status.DONE)

    calls = selectors.calls_due_for(day=day, rep=rep)

    assert set(_rows(calls, "due")) == {overdue, today}
    assert _rows(calls, "upcoming") == [soon, last]
    assert (calls.overdue, calls.today, calls.due, calls.upcoming, calls.done) == (1, 1, 2, 2, 0)
    assert (calls.section_of(overdue), calls.section_of(today), calls.section_of(last)) == ("due", "due", "upcoming")


def test_the_horizon_setting_decides_how_far_the_upcoming_section_looks(rep, settings):
    settings.PEYGIR_FOLLOWUP_HORIZON_DAYS = 3
    inside, outside = _due(rep, WED + 3 * DAY), _due(rep, WED + 4 * DAY)

    calls = selectors.calls_due_for(day=WED, rep=rep)

    assert (_rows(calls, "upcoming"), calls.upcoming, calls.horizon_days) == ([inside], 1, 3)
    assert outside not in _rows(calls, "upcoming")


def test_calls_due_for_a_rep_leaves_out_other_reps_and_none_means_the_whole_team(rep, other_rep):
    mine, theirs = _due(rep, WED), _due(other_rep, WED)

    assert _rows(selectors.calls_due_for(day=WED, rep=rep), "due") == [mine]
    assert set(_rows(selectors.calls_due_for(day=WED), "due")) == {mine, theirs}


def test_due_now_is_one_list_by_rank_and_upcoming_goes_by_day_then_rank(rep):
    def due(spent, day=WED, reason="one_off"):
        customer = CustomerFactory(owner=rep)
        purchase_add(customer=customer, purchased_on=WED - 400 * DAY, amount=Decimal(spent))
        return FollowUpFactory(customer=customer, scheduled_on=day, due_on=day, reason=reason)

    small, big = due(1_000), due(90_000_000)
    detractor_small = due(10_000, reason="detractor")
    week_overdue = due(600, day=WED - 7 * DAY)  # a week late doubles its stake: above ``small``
    later_big, tomorrow_small = due(99_000_000, day=WED + 2 * DAY), due(1, day=WED + DAY)
    tomorrow_bigger = due(2_000, day=WED + DAY)

    calls = selectors.calls_due_for(day=WED, rep=rep)

    assert _rows(calls, "due") == [big, detractor_small, week_overdue, small]
    assert _rows(calls, "upcoming") == [tomorrow_bigger, tomorrow_small, later_big]


def test_calls_due_lists_what_was_closed_that_day(rep, other_rep):
    today = timezone.localdate()
    done = _due(rep, today)
    services.followup_complete(followup=done, outcome=FollowUp.Outcome.REACHED, by=rep)
    skipped = _due(rep, today - DAY)
    services.followup_skip(followup=skipped, by=rep)
    services.followup_complete(followup=_due(other_rep, today), outcome=FollowUp.Outcome.REACHED, by=other_rep)

    calls = selectors.calls_due_for(day=today, rep=rep)

    assert set(_rows(calls, "done")) == {done, skipped}
    assert _rows(calls, "due") == []
    assert (calls.due, calls.done) == (0, 2)
    assert _rows(selectors.calls_due_for(day=today - DAY, rep=rep), "done") == []


def test_calls_due_carries_the_last_contact_in_the_same_queries(rep, django_assert_max_num_queries):
    customer = CustomerFactory(owner=rep)
    services.followup_complete(followup=_due(rep, WED - DAY), outcome=FollowUp.Outcome.NO_ANSWER, by=rep)
    FollowUpFactory(customer=customer, scheduled_on=WED, due_on=WED)
    first = FollowUp.objects.get(status="done").customer
    FollowUpFactory(customer=first, scheduled_on=WED, due_on=WED)
    selectors.calls_due_for(day=WED, rep=rep)  # the typical customer's value is cached from here on

    with django_assert_max_num_queries(8):  # two for the counts, two per section (rank, read; none if empty)
        calls = selectors.calls_due_for(day=WED, rep=rep)
        rows = [(f.customer.name, f.plan, f.assignee, f.last_contact_outcome) for f in _rows(calls, "due")]

    assert (first.name, None, rep, "no_answer") in rows


def test_a_day_with_no_call_takes_only_the_two_counts(rep, django_assert_num_queries):
    FollowUpFactory(scheduled_on=WED, due_on=WED)  # someone else's

    with django_assert_num_queries(2):
        calls = selectors.calls_due_for(day=WED, rep=rep)

    assert (calls.due, calls.upcoming, calls.done) == (0, 0, 0)
    assert all(page.rows == [] and page.next_cursor is None for page in calls.pages.values())


# --- escalation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "cutoff"),
    [
        (WED, SUN),  # Tue, Mon, Sun
        (SAT, TUE),  # Thu, Wed, Tue: Friday is not a working day
        (NEXT_SUN, WED),  # Sat, Thu, Wed
        (FRI, MON),  # today is Friday: Thu, Wed, Tue are the 3 allowed days, so Mon is still fine
    ],
)
def test_the_escalation_cutoff_counts_working_days_only(fridays_off, day, cutoff):
    assert [d.weekday() for d in (SUN, FRI, SAT)] == [6, 4, 5]
    assert services.escalation_cutoff(day) == cutoff


def test_a_follow_up_overdue_by_more_than_the_allowed_working_days_is_escalated(fridays_off, rep):
    """On Saturday, a call due on Tuesday is 4 calendar days late but only 3 working days."""
    due_monday, due_tuesday = _due(rep, MON), _due(rep, TUE)
    _due(rep, MON, status=FollowUp.Status.DONE)

    assert list(selectors.escalated_followups(day=SAT)) == [due_monday]
    assert due_tuesday not in selectors.escalated_followups(day=SAT)
    assert set(selectors.escalated_followups(day=NEXT_SUN)) == {due_monday, due_tuesday}


def test_on_a_friday_the_friday_itself_does_not_count_as_an_overdue_working_day(fridays_off, rep):
    due_sunday, due_monday = _due(rep, SUN), _due(rep, MON)

    assert list(selectors.escalated_followups(day=FRI)) == [due_sunday]
    assert due_monday not in selectors.escalated_followups(day=FRI)


def test_the_escalation_threshold_comes_from_settings(fridays_off, settings, rep):
    settings.PEYGIR_ESCALATE_AFTER_WORKING_DAYS = 1
    due_tuesday = _due(rep, TUE)

    assert list(selectors.escalated_followups(day=THU)) == [due_tuesday]


def test_team_workload_counts_open_overdue_escalated_and_done_per_rep(fridays_off, rep, other_rep, manager):
    day = timezone.localdate()
    escalation_day = services.escalation_cutoff(day) - DAY
    _due(rep, escalation_day)
    _due(rep, day - DAY)
    _due(rep, day)
    _due(rep, day + DAY)  # not open yet on this day
    services.followup_complete(followup=_due(rep, day), outcome=FollowUp.Outcome.REACHED, by=rep)
    _due(other_rep, day)
    idle = RepFactory(first_name="zz")
    UserFactory(first_name="not on the team")

    workload = {row.rep: row for row in selectors.team_workload(day=day)}

    assert set(workload) == {rep, other_rep, manager, idle}
    assert (workload[rep].open, workload[rep].overdue, workload[rep].escalated, workload[rep].done_today) == (
        3,
        2,
        1,
        1,
    )
    assert (workload[other_rep].open, workload[other_rep].overdue, workload[other_rep].escalated) == (1, 0, 0)
    assert (workload[idle].open, workload[idle].done_today) == (0, 0)


def test_team_workload_is_one_query_whatever_the_team_size(rep, django_assert_num_queries):
    for _ in range(5):
        _due(RepFactory(), timezone.localdate())

    with django_assert_num_queries(1):
        selectors.team_workload(day=timezone.localdate())


# --- who gets a digest --------------------------------------------------------------------------


def test_reps_with_calls_are_the_active_people_with_something_due_by_the_day(rep, other_rep):
    day = timezone.localdate()
    _due(rep, day)
    _due(rep, day - 3 * DAY)
    _due(other_rep, day + DAY)  # nothing due yet
    gone = RepFactory(is_active=False)
    _due(gone, day)
    done_only = RepFactory()
    _due(done_only, day, status=FollowUp.Status.DONE)

    assert list(selectors.reps_with_calls(day=day)) == [rep]
