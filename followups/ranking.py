"""The one ranking of the calls-due list: money at risk, with urgency on top.

    score = value × risk × (1 + overdue days / 7)          overdue days: 0 to 28

- **value**: the customer's expected yearly value (``customers.selectors.customer_value_expression``);
  a customer who has not bought yet counts as the shop's typical (median) customer, so a
  referral or a newcomer is not ranked as worthless.
- **risk**: the share of that value the call's reason puts at stake (``followups.reasons``):
  a detractor 50%, a silent customer 40%, a contract ending 35% ... a periodic call 10%.
- **urgency**: each week a call is overdue adds its stake once more, up to four weeks (×5);
  a call not yet due counts as due today.

Periodic, win-back, detractor and renewal calls are thus ordered in one list by one number;
``RankExplanation`` says how a row got its place ("why this rank").
"""

import datetime
import functools
from dataclasses import dataclass

from django.db.models import Case, F, FloatField, QuerySet, Value, When
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, Greatest, Least, NullIf
from django.db.models.sql import Query

from core.db import DaysBetween, as_float, queryset_of
from customers.selectors import customer_value_expression, typical_customer_value
from followups.models import FollowUp
from followups.reasons import REASONS

URGENCY_DAYS = 7  # a week overdue doubles the stake
URGENCY_CAP_DAYS = 28

_SCORE = F("rank_value") * F("rank_risk") * (1 + as_float(F("rank_overdue_days")) / URGENCY_DAYS)


def ranked(followups: QuerySet[FollowUp], *, day: datetime.date) -> QuerySet[FollowUp]:
    """``followups`` with ``rank_value``, ``rank_risk``, ``rank_overdue_days`` and ``rank_score`` (higher first)."""
    return _ranked(followups, day=day, unknown=typical_customer_value(day=day))


def ranked_followups(*, day: datetime.date) -> QuerySet[FollowUp]:
    """Every follow-up, ranked for ``day`` as ``ranked`` ranks them: filter it to the rows wanted.

    The calls-due page asks for the ranking in several queries on every load; resolving it into a
    query costs more than the page's Python otherwise does (a Case per reason, each a filter). So
    it is resolved once per day and process, and each queryset starts from a copy of that query.
    """
    return queryset_of(_ranked_query(day, typical_customer_value(day=day)))


@functools.lru_cache(maxsize=8)
def _ranked_query(day: datetime.date, unknown: float) -> Query:
    """Never evaluated nor changed: ``ranked_followups`` hands out copies (``chain``) only."""
    return _ranked(FollowUp.objects.all(), day=day, unknown=unknown).query


def _ranked(followups: QuerySet[FollowUp], *, day: datetime.date, unknown: float) -> QuerySet[FollowUp]:
    return followups.annotate(**_rank_figures(day, unknown)).annotate(rank_score=_SCORE)


@functools.lru_cache(maxsize=8)
def _rank_figures(day: datetime.date, unknown: float) -> dict:
    """The ranking's figures as expressions, built once a day (``annotate`` resolves a copy of each)."""
    value = customer_value_expression(day=day, prefix="customer__", unknown=unknown)
    # A points call's stake is what the expiring points are worth (``value_rial``, newer calls): its
    # risk is that share of the customer's value, so value × risk is that money.
    points_value = Cast(KT("facts__value_rial"), FloatField())
    points_risk = Coalesce(
        points_value / NullIf(value, Value(0.0)), Value(REASONS[FollowUp.Reason.POINTS_EXPIRING].risk)
    )
    risk = Case(
        When(reason=FollowUp.Reason.POINTS_EXPIRING, facts__has_key="value_rial", then=points_risk),
        *(When(reason=reason, then=Value(rule.risk)) for reason, rule in REASONS.items()),
        default=Value(0.0),
        output_field=FloatField(),
    )
    overdue = Least(Greatest(DaysBetween(Value(day), F("due_on")), 0), URGENCY_CAP_DAYS)
    return {"rank_value": value, "rank_risk": risk, "rank_overdue_days": overdue}


@dataclass(frozen=True)
class RankExplanation:
    """How one row got its score, from the numbers the ranking query computed for it."""

    value: float
    risk: float
    overdue_days: int
    score: float

    @classmethod
    def of(cls, followup: FollowUp) -> "RankExplanation":
        return cls(followup.rank_value, followup.rank_risk, followup.rank_overdue_days, followup.rank_score)

    @property
    def at_stake(self) -> float:
        return self.value * self.risk

    @property
    def risk_percent(self) -> float:
        return round(self.risk * 100, 1)

    @property
    def urgency(self) -> float:
        """The urgency multiplier, to two places (1, 1.43, 5)."""
        return round(1 + self.overdue_days / URGENCY_DAYS, 2)
