"""NPS over time, by segment and by rep: the surveys' figures (``surveys.selectors.nps_summary``'s
words and scoping) counted per period in one statement.

- **Responses** of a period: the confirmed answers given in it (``SurveyResponse.answered_at``, a
  day in Tehran), sorted into the bands of ``surveys.nps`` (0-6 detractors, 7-8 passives, 9-10
  promoters) by their stored category.
- **NPS** = % promoters - % detractors of those responses, from -100 to 100 (not rounded: the page
  rounds); None without responses.
- **Invitations** of a period: those sent in it (``sent_at``).
- **Response rate** = of the invitations sent in the period, the share answered by now (whenever the
  answer came), so a period's rate is about its own invitations: an answer given in this period to
  an invitation of an earlier one counts in this period's responses and in the earlier period's
  rate. None without invitations.

A customer's segment and rep are theirs now (the survey page's filters read them the same way).
One aggregate query per call: each invitation, with its response beside it (one at most), falls in
the period it was sent in and the period it was answered in (``CASE`` over the periods' bounds),
and the counts are grouped by that pair; Python folds the pairs into periods.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, fields

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Case, Count, IntegerField, Q, Value, When

from customers.models import Segment
from dashboards.definitions import rate
from dashboards.periods import Period
from followups.selectors import _local_day_bounds
from surveys import nps
from surveys.models import SurveyInvitation
from surveys.selectors import _scoped


@dataclass(frozen=True, kw_only=True)
class NpsFigures:
    responses: int = 0
    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    invitations: int = 0  # sent in the period
    answered: int = 0  # of them, answered by now

    @property
    def nps(self) -> float | None:
        share = rate(self.promoters - self.detractors, self.responses)
        return None if share is None else 100 * share

    @property
    def response_rate(self) -> float | None:
        return rate(self.answered, self.invitations)


@dataclass(frozen=True, kw_only=True)
class NpsPoint(NpsFigures):
    period: Period


@dataclass(frozen=True, kw_only=True)
class NpsBySegment(NpsFigures):
    segment: Segment | None  # None: customers without a segment


@dataclass(frozen=True, kw_only=True)
class NpsByRep(NpsFigures):
    rep: AbstractBaseUser | None  # None: customers nobody owns; only the name fields are loaded


_COUNTS = tuple(field.name for field in fields(NpsFigures))
_REP_FIELDS = ("id", "username", "first_name", "last_name")


def _bucket(path: str, bounds: list[tuple[datetime.datetime, datetime.datetime]]) -> Case:
    """The index of the span of ``bounds`` that ``path`` falls in, else NULL."""
    return Case(
        *[
            When(**{f"{path}__gte": low, f"{path}__lt": high}, then=Value(index))
            for index, (low, high) in enumerate(bounds)
        ],
        default=None,
        output_field=IntegerField(),
    )


def _counted(spans: list[tuple[datetime.date, datetime.date]], *, by: tuple[str, ...], owner, segment) -> dict:
    """{(*by values, span index): figures as a dict} for the non-overlapping whole-day ``spans``."""
    bounds = [(_local_day_bounds(first)[0], _local_day_bounds(last)[1]) for first, last in spans]
    low, high = min(bound[0] for bound in bounds), max(bound[1] for bound in bounds)
    invitations = _scoped(SurveyInvitation.objects.all(), "customer", segment=segment, rep=owner)
    rows = (
        invitations.filter(
            Q(sent_at__gte=low, sent_at__lt=high) | Q(response__answered_at__gte=low, response__answered_at__lt=high)
        )
        .annotate(sent_in=_bucket("sent_at", bounds), answered_in=_bucket("response__answered_at", bounds))
        .order_by()
        .values(*by, "sent_in", "answered_in")
        .annotate(
            count=Count("pk"),
            with_answer=Count("response"),
            promoters=Count("pk", filter=Q(response__category=nps.PROMOTER)),
            passives=Count("pk", filter=Q(response__category=nps.PASSIVE)),
            detractors=Count("pk", filter=Q(response__category=nps.DETRACTOR)),
        )
    )
    figures: dict = defaultdict(lambda: dict.fromkeys(_COUNTS, 0))
    for row in rows:
        key = tuple(row[name] for name in by)
        if row["sent_in"] is not None:
            sent = figures[(*key, row["sent_in"])]
            sent["invitations"] += row["count"]
            sent["answered"] += row["with_answer"]
        if row["answered_in"] is not None:
            answered = figures[(*key, row["answered_in"])]
            answered["responses"] += row["count"]
            for band in ("promoters", "passives", "detractors"):
                answered[band] += row[band]
    return figures


def nps_by_period(*, periods: list[Period], owner=None, segment=None) -> list[NpsPoint]:
    """Each of ``periods`` (in their order, zeros where nobody was asked or answered), for everyone,
    one owner's customers or one segment's."""
    if not periods:
        return []
    figures = _counted([(each.starts_on, each.ends_on) for each in periods], by=(), owner=owner, segment=segment)
    return [NpsPoint(period=each, **figures.get((index,), {})) for index, each in enumerate(periods)]


def nps_by_segment(*, start: datetime.date, end: datetime.date, owner=None) -> list[NpsBySegment]:
    """The days ``start`` to ``end`` (inclusive) per segment the customers are in, by name, those
    without a segment last; only segments with an invitation or a response in the days."""
    figures = _counted(
        [(start, end)], by=("customer__segment_id", "customer__segment__name"), owner=owner, segment=None
    )
    rows = [
        NpsBySegment(
            segment=None if pk is None else Segment.from_db(DEFAULT_DB_ALIAS, ["id", "name"], [pk, name]), **counts
        )
        for (pk, name, _span), counts in figures.items()
    ]
    return sorted(rows, key=lambda row: (row.segment is None, row.segment.name if row.segment else ""))


def nps_by_rep(*, start: datetime.date, end: datetime.date, segment=None) -> list[NpsByRep]:
    """The days ``start`` to ``end`` (inclusive) per rep owning the customers, by name, customers
    nobody owns last; only reps with an invitation or a response in the days."""
    user = get_user_model()
    by = tuple(f"customer__owner__{name}" for name in _REP_FIELDS)
    figures = _counted([(start, end)], by=by, owner=None, segment=segment)
    rows = [
        NpsByRep(
            rep=None if values[0] is None else user.from_db(DEFAULT_DB_ALIAS, list(_REP_FIELDS), list(values)), **counts
        )
        for (*values, _span), counts in figures.items()
    ]
    return sorted(rows, key=_rep_order)


def _rep_order(row: NpsByRep) -> tuple:
    if row.rep is None:
        return (True, "", "", "")
    return (False, row.rep.first_name, row.rep.last_name, row.rep.username)
