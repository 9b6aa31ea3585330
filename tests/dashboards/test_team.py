"""The team week by week (dashboards.team), on calls worked out by hand.

Today is Thursday 10 Jul 2025; the Persian page's three Saturday weeks: W1 21-27 Jun, W2 28 Jun -
4 Jul, W3 5-11 Jul (in progress: its "end" for overdue is the end of 9 Jul). Times are Tehran's,
at noon unless said.

    call  assignee  due     now / closed                           counts in
    a1    rep       22 Jun  done 22 Jun, reached                   W1 due, W1 done reached
    a2    rep       23 Jun  done 30 Jun, no answer                 W1 due overdue, W2 done
    a3    rep       27 Jun  open                                   W1 due overdue
    a4    rep       27 Jun  skipped 28 Jun 09:00                   W1 due overdue (closed after the week)
    a5    rep       25 Jun  skipped 25 Jun                         W1 due
    a6    rep       3 Jul   rescheduled (pending)                  W2 due overdue
    a7    rep       2 Jul   done 4 Jul 23:50, call back later,     W2 due, W2 done reached
                            reached
    a8    rep       3 Jul   done 5 Jul 00:10 (4 Jul in UTC),       W2 due overdue, W3 done reached
                            reached
    a9    rep       8 Jul   open                                   W3 due overdue
    a10   rep       10 Jul  open (due today)                       W3 due
    a11   rep       11 Jul  open (later this week)                 W3 due
    a12   rep       7 Jul   done today 09:00, wrong number         W3 due overdue, W3 done
    a13   rep       15 Jun  done 24 Jun, bought again (no one       W1 done
                            reached them)
    s1    rep       1 Jun   done 10 Jun, saved 24 Jun by rep       W1 save
    s2    other     1 Jun   done 1 Jun, saved 9 Jul by rep         rep's W3 save (saved_by, not the assignee)
    b1    other     28 Jun  done 28 Jun, reached                   W2 due, W2 done reached
    b2    other     28 Jun  done 29 Jun, not interested, reached   W2 due, W2 done reached
    b3    nobody    28 Jun  open                                   nothing (no assignee)
    b4    other     20 Jun  open                                   nothing (before W1)
    s3    other     1 Jun   done 1 Jun, saved 5 Jul by other       other's W3 save

    rep    week  due  done  overdue  reached  reached rate  saves
    rep    W1    5    2     3        1        1/2           1
    rep    W2    3    2     2        1        1/2           0
    rep    W3    4    2     2        1        1/2           1
    other  W1    0    0     0        0        None          0
    other  W2    2    2     0        2        1             0
    other  W3    0    0     0        0        None          1

The manager is on the sales team too, with zeros.
"""

import datetime
import random

import pytest
from django.utils import timezone

from customers.selectors import sales_team
from dashboards.team import team_weeks, weeks_back
from followups.models import FollowUp
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2025, 7, 10)
SATURDAY, MONDAY = 5, 0
WEEKS = [(D(2025, 6, 21), D(2025, 6, 27)), (D(2025, 6, 28), D(2025, 7, 4)), (D(2025, 7, 5), D(2025, 7, 11))]
FIGURES = ("due", "done", "overdue", "reached", "saves")
Status, Outcome = FollowUp.Status, FollowUp.Outcome


def _at(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


# name, assignee, due, status, closed (day, hour, minute), outcome, reached, saved (day, by); as in the table above
CALLS = [
    ("a1", "rep", D(2025, 6, 22), "done", (D(2025, 6, 22), 10), "reached", True, None),
    ("a2", "rep", D(2025, 6, 23), "done", (D(2025, 6, 30),), "no_answer", False, None),
    ("a3", "rep", D(2025, 6, 27), "open", None, "", False, None),
    ("a4", "rep", D(2025, 6, 27), "skipped", (D(2025, 6, 28), 9), "", False, None),
    ("a5", "rep", D(2025, 6, 25), "skipped", (D(2025, 6, 25),), "", False, None),
    ("a6", "rep", D(2025, 7, 3), "rescheduled", None, "", False, None),
    ("a7", "rep", D(2025, 7, 2), "done", (D(2025, 7, 4), 23, 50), "call_back_later", True, None),
    ("a8", "rep", D(2025, 7, 3), "done", (D(2025, 7, 5), 0, 10), "reached", True, None),
    ("a9", "rep", D(2025, 7, 8), "open", None, "", False, None),
    ("a10", "rep", D(2025, 7, 10), "open", None, "", False, None),
    ("a11", "rep", D(2025, 7, 11), "open", None, "", False, None),
    ("a12", "rep", D(2025, 7, 7), "done", (TODAY, 9), "wrong_number", False, None),
    ("a13", "rep", D(2025, 6, 15), "done", (D(2025, 6, 24),), "bought_again", False, None),
    ("s1", "rep", D(2025, 6, 1), "done", (D(2025, 6, 10),), "reached", True, (D(2025, 6, 24), "rep")),
    ("s2", "other", D(2025, 6, 1), "done", (D(2025, 6, 1),), "reached", True, (D(2025, 7, 9), "rep")),
    ("b1", "other", D(2025, 6, 28), "done", (D(2025, 6, 28),), "reached", True, None),
    ("b2", "other", D(2025, 6, 28), "done", (D(2025, 6, 29),), "not_interested", True, None),
    ("b3", None, D(2025, 6, 28), "open", None, "", False, None),
    ("b4", "other", D(2025, 6, 20), "open", None, "", False, None),
    ("s3", "other", D(2025, 6, 1), "done", (D(2025, 6, 1),), "reached", True, (D(2025, 7, 5), "other")),
]


def _call(customer, assignee, due, *, status=Status.OPEN, closed=None, outcome="", reached=False, saved=None):
    """``saved`` is (day, rep)."""
    return FollowUp(
        customer=customer,
        assignee=assignee,
        reason=FollowUp.Reason.ONE_OFF,
        scheduled_on=due,
        due_on=due,
        status=status,
        completed_at=closed,
        outcome=outcome,
        reached_at=closed if reached else None,
        saved_on=saved and saved[0],
        saved_by=saved and saved[1],
    )


@pytest.fixture
def calls(rep, other_rep, manager):
    people = {"rep": rep, "other": other_rep, None: None}
    customers = {"rep": CustomerFactory(owner=rep), "other": CustomerFactory(owner=other_rep)}
    customers[None] = customers["other"]  # b3: the other rep's customer, its call given to nobody
    FollowUp.objects.bulk_create(
        _call(
            customers[assignee],
            people[assignee],
            due,
            status=status,
            closed=closed and _at(*closed),
            outcome=outcome,
            reached=reached,
            saved=saved and (saved[0], people[saved[1]]),
        )
        for _name, assignee, due, status, closed, outcome, reached, saved in CALLS
    )


def _table(rows) -> dict:
    return {(row.rep.pk, row.starts_on): tuple(getattr(row, name) for name in FIGURES) for row in rows}


def test_the_weeks_of_each_page():
    assert weeks_back(TODAY, 3, SATURDAY) == WEEKS
    assert weeks_back(TODAY, 2, MONDAY) == [(D(2025, 6, 30), D(2025, 7, 6)), (D(2025, 7, 7), D(2025, 7, 13))]
    assert weeks_back(D(2025, 7, 5), 1, SATURDAY) == [(D(2025, 7, 5), D(2025, 7, 11))]  # a Saturday starts its week
    assert weeks_back(D(2025, 7, 4), 1, SATURDAY) == [(D(2025, 6, 28), D(2025, 7, 4))]  # a Friday ends it


def test_each_reps_weeks(calls, rep, other_rep, manager, django_assert_num_queries):
    with django_assert_num_queries(3):  # the sales team, the calls, the saves
        rows = team_weeks(weeks=WEEKS, today=TODAY)
    assert [row.rep.pk for row in rows[::3]] == [user.pk for user in sales_team()]
    assert {row.rep.pk for row in rows} == {rep.pk, other_rep.pk, manager.pk}
    (w1, _), (w2, _), (w3, _) = WEEKS
    assert _table(rows) == {
        (rep.pk, w1): (5, 2, 3, 1, 1),
        (rep.pk, w2): (3, 2, 2, 1, 0),
        (rep.pk, w3): (4, 2, 2, 1, 1),
        (other_rep.pk, w1): (0, 0, 0, 0, 0),
        (other_rep.pk, w2): (2, 2, 0, 2, 0),
        (other_rep.pk, w3): (0, 0, 0, 0, 1),
        (manager.pk, w1): (0, 0, 0, 0, 0),
        (manager.pk, w2): (0, 0, 0, 0, 0),
        (manager.pk, w3): (0, 0, 0, 0, 0),
    }
    rates = {(row.rep.pk, row.starts_on): row.reached_rate for row in rows}
    assert [rates[rep.pk, week] for week in (w1, w2, w3)] == [0.5, 0.5, 0.5]
    assert [rates[other_rep.pk, week] for week in (w1, w2, w3)] == [None, 1, None]
    assert [(row.starts_on, row.ends_on) for row in rows[:3]] == WEEKS


def test_chosen_reps_only(calls, rep, django_assert_num_queries):
    with django_assert_num_queries(2):
        rows = team_weeks(weeks=WEEKS[1:], reps=[rep], today=TODAY)
    assert [tuple(getattr(row, name) for name in FIGURES) for row in rows] == [(3, 2, 2, 1, 0), (4, 2, 2, 1, 1)]


def test_a_week_that_is_over_counts_every_late_call(calls, rep):
    """Once W3 is over (today 17 Jul) a9, a10 and a11, still open, are overdue; a12, done on 10 Jul
    inside the week, no longer is."""
    (row,) = team_weeks(weeks=WEEKS[2:], reps=[rep], today=D(2025, 7, 17))
    assert (row.due, row.done, row.overdue) == (4, 2, 3)


def test_nothing_to_count(rep, other_rep):
    assert team_weeks(weeks=[], today=TODAY) == []
    rows = team_weeks(weeks=WEEKS, today=TODAY)
    assert {tuple(getattr(row, name) for name in FIGURES) for row in rows} == {(0, 0, 0, 0, 0)}
    assert {row.reached_rate for row in rows} == {None}
    assert team_weeks(weeks=WEEKS, reps=[], today=TODAY) == []


# --- against a plain-Python count on random calls ---------------------------------------------------------


def _expected(calls: list[FollowUp], rep, first, last, today) -> dict:
    figures = dict.fromkeys(FIGURES, 0)
    cutoff = min(last, today - datetime.timedelta(days=1))
    for call in calls:
        closed_on = call.completed_at and timezone.localdate(call.completed_at)
        if call.assignee_id == rep.pk:
            figures["due"] += first <= call.due_on <= last
            late = call.status in FollowUp.PENDING or (closed_on is not None and closed_on > cutoff)
            figures["overdue"] += first <= call.due_on <= cutoff and late
            done = call.status == Status.DONE and first <= closed_on <= last
            figures["done"] += done
            figures["reached"] += done and call.reached_at is not None
        figures["saves"] += call.saved_by_id == rep.pk and first <= call.saved_on <= last
    return figures


@pytest.mark.parametrize("first_weekday", [SATURDAY, MONDAY])
def test_random_calls_against_python(rep, other_rep, manager, first_weekday):
    rng = random.Random(first_weekday)
    today = D(2025, 7, 10)
    people = [rep, other_rep, manager, None]
    customers = [CustomerFactory(owner=rng.choice(people[:3])) for _ in range(10)]
    made = []
    for _ in range(400):
        due = today - datetime.timedelta(days=rng.randrange(-10, 60))
        status = rng.choice([Status.OPEN, Status.RESCHEDULED, Status.DONE, Status.DONE, Status.SKIPPED])
        closed = None
        if status in (Status.DONE, Status.SKIPPED):
            day = due + datetime.timedelta(days=rng.randrange(-3, 12))
            closed = timezone.make_aware(
                datetime.datetime.combine(min(day, today), datetime.time(rng.randrange(24), rng.randrange(60)))
            )
        saved = None
        if status == Status.DONE and rng.random() < 0.2:
            saved = (timezone.localdate(closed) + datetime.timedelta(days=rng.randrange(20)), rng.choice(people))
        made.append(
            _call(
                rng.choice(customers),
                rng.choice(people),
                due,
                status=status,
                closed=closed,
                outcome=rng.choice(list(Outcome.values)) if status == Status.DONE else "",
                reached=status == Status.DONE and rng.random() < 0.6,
                saved=saved,
            )
        )
    FollowUp.objects.bulk_create(made)
    weeks = weeks_back(today, 8, first_weekday)
    rows = team_weeks(weeks=weeks, today=today)
    assert len(rows) == 3 * 8
    for row in rows:
        expected = _expected(made, row.rep, row.starts_on, row.ends_on, today)
        assert {name: getattr(row, name) for name in FIGURES} == expected, (row.rep, row.starts_on)
    assert sum(row.due for row in rows) > 100 and sum(row.overdue for row in rows) > 20
    assert sum(row.saves for row in rows) > 5
