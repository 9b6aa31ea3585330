"""The team week by week: per rep, the calls due, done and overdue, how many of the done calls
reached the customer, and the saves. The words are the team page's (``followups.selectors.
team_workload``): a call counts for its assignee, "done" is the status done (a win-back closed by a
purchase included), days are Tehran's.

For a week (whole days, ``start`` to ``end`` inclusive):

- **Due**: the rep's calls whose due day falls in the week (a snoozed call counts in the week it
  is due now).
- **Done**: the rep's calls completed as done in the week.
- **Overdue**: of the calls due in the week, those not closed (done or skipped) by the week's end:
  still pending then, or closed after it. In the week in progress "the week's end" is the end of
  yesterday, so a call due today or later this week is not overdue yet.
- **Reached rate** = reached / done, where a done call reached the customer when an attempt on it
  did (``FollowUp.reached_at``: any outcome but no answer and wrong number). None without done
  calls.
- **Saves**: win-backs saved in the week (``FollowUp.saved_on``) credited to the rep (``saved_by``;
  see ``followups.win_backs``).

Two aggregate queries for every rep and week: the calls grouped by rep, week due and week done
(``CASE`` over the weeks' bounds), and the saves by rep and week.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.utils import timezone

from customers.selectors import sales_team
from dashboards.definitions import rate
from followups.models import FollowUp
from followups.selectors import _local_day_bounds

Week = tuple[datetime.date, datetime.date]  # first and last day, inclusive


def weeks_back(today: datetime.date, count: int, first_weekday: int) -> list[Week]:
    """The ``count`` 7-day weeks up to the one holding ``today``, oldest first; a week starts on
    ``first_weekday`` (``date.weekday()``: 0 Monday ... 5 Saturday, 6 Sunday). The last week runs
    to its seventh day, past today."""
    start = today - datetime.timedelta(days=(today.weekday() - first_weekday) % 7)
    firsts = [start - datetime.timedelta(weeks=back) for back in range(count - 1, -1, -1)]
    return [(first, first + datetime.timedelta(days=6)) for first in firsts]


@dataclass(frozen=True)
class RepWeek:
    rep: AbstractBaseUser
    starts_on: datetime.date
    ends_on: datetime.date
    due: int = 0
    done: int = 0
    overdue: int = 0
    reached: int = 0  # of the done calls
    saves: int = 0

    @property
    def reached_rate(self) -> float | None:
        return rate(self.reached, self.done)


def _week_of(path: str, spans: list[tuple], *, also: Q | None = None) -> Case:
    """The index of the span ``(low, high)`` (``low <= path < high``) that ``path`` falls in, else NULL."""
    return Case(
        *[
            When(Q(**{f"{path}__gte": low, f"{path}__lt": high}) & (also or Q()), then=Value(index))
            for index, (low, high) in enumerate(spans)
        ],
        default=None,
        output_field=IntegerField(),
    )


def team_weeks(*, weeks: list[Week], reps=None, today: datetime.date | None = None) -> list[RepWeek]:
    """Every rep (the sales team unless ``reps`` are given, in their order) and every week (in the
    given order, non-overlapping), zeros included."""
    reps = list(sales_team() if reps is None else reps)
    if not weeks or not reps:
        return []
    today = today or timezone.localdate()
    rep_ids = [rep.pk for rep in reps]
    next_days = [(first, last + datetime.timedelta(days=1)) for first, last in weeks]
    moments = [(_local_day_bounds(first)[0], _local_day_bounds(last)[1]) for first, last in weeks]
    first_day, last_day = min(first for first, _ in weeks), max(last for _, last in weeks)
    since, until = _local_day_bounds(first_day)[0], _local_day_bounds(last_day)[1]
    # A week's due calls are late once not closed by its end; in the week in progress, by yesterday's end.
    cutoffs = [min(last, today - datetime.timedelta(days=1)) for _first, last in weeks]
    late = [
        When(
            Q(due_on__gte=first, due_on__lte=cutoff)
            & (Q(status__in=FollowUp.PENDING) | Q(completed_at__gte=_local_day_bounds(cutoff)[1])),
            then=Value(1),
        )
        for (first, _last), cutoff in zip(weeks, cutoffs, strict=True)
        if cutoff >= first
    ]
    done = Q(status=FollowUp.Status.DONE)
    calls = (
        FollowUp.objects.filter(assignee_id__in=rep_ids)
        .filter(
            Q(due_on__gte=first_day, due_on__lte=last_day) | (done & Q(completed_at__gte=since, completed_at__lt=until))
        )
        .annotate(
            due_in=_week_of("due_on", next_days),
            done_in=_week_of("completed_at", moments, also=done),
            late=Case(*late, default=Value(0), output_field=IntegerField()),
        )
        .order_by()
        .values("assignee_id", "due_in", "done_in")
        .annotate(calls=Count("pk"), late_calls=Sum("late"), reached=Count("pk", filter=Q(reached_at__isnull=False)))
    )
    figures: dict = defaultdict(lambda: dict.fromkeys(("due", "done", "overdue", "reached", "saves"), 0))
    for row in calls:
        if row["due_in"] is not None:
            week = figures[row["assignee_id"], row["due_in"]]
            week["due"] += row["calls"]
            week["overdue"] += row["late_calls"]
        if row["done_in"] is not None:
            week = figures[row["assignee_id"], row["done_in"]]
            week["done"] += row["calls"]
            week["reached"] += row["reached"]
    saves = (
        FollowUp.objects.filter(saved_by_id__in=rep_ids, saved_on__gte=first_day, saved_on__lte=last_day)
        .annotate(week=_week_of("saved_on", next_days))
        .order_by()
        .values("saved_by_id", "week")
        .annotate(saves=Count("pk"))
    )
    for row in saves:
        if row["week"] is not None:
            figures[row["saved_by_id"], row["week"]]["saves"] += row["saves"]
    return [
        RepWeek(rep, first, last, **figures.get((rep.pk, index), {}))
        for rep in reps
        for index, (first, last) in enumerate(weeks)
    ]
