"""Reads for the manager's loyalty page (``loyalty:program``): the program's figures, set-based.

Every figure is one aggregate query however many customers there are; nothing loops over
customers in Python. The definitions (the page states them):

- **issued**: the positive entries of kind purchase, survey, referral, birthday and adjustment (a
  purchase's points count in the month of the purchase, pending or not, also when a backfill
  wrote them later; a later return is not netted);
- **redeemed**: points spent on rewards (redemption entries, whose points are negative), less the
  points given back when a redemption was cancelled (a reversal whose facts carry
  ``redemption_id``, or a positive redemption entry), each in the month of its own entry;
- **expired**: the points of expiry entries;
- a month is the calendar month of the entry's day (``effective_on``): Jalali in Persian,
  Gregorian in English. Gregorian months are grouped by month in SQL; Jalali months by day in SQL (at most 366
  rows a year) and the days folded into their months here.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DateField, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from core import dates
from customers.models import Customer
from loyalty import services, tiers
from loyalty.models import LoyaltyAccount, PointsEntry, Tier

Kind = PointsEntry.Kind
MONTHS = 12
TOP = 10
ISSUING = (Kind.PURCHASE, Kind.SURVEY, Kind.REFERRAL, Kind.BIRTHDAY, Kind.ADJUSTMENT)
_ISSUED = Q(kind__in=ISSUING, points__gt=0)
_REDEEMED = Q(kind=Kind.REDEMPTION) | Q(kind=Kind.REVERSAL, facts__has_key="redemption_id")
_EXPIRED = Q(kind=Kind.EXPIRY)


@dataclass(frozen=True)
class Month:
    key: tuple[int, int]  # dates.month_of's (year, month) in the reader's calendar
    label: str
    starts_on: datetime.date  # the month's first day (Gregorian)
    issued: int
    redeemed: int
    expired: int


@dataclass(frozen=True)
class Outstanding:
    available: int  # points customers may spend now (a negative balance counts as none)
    pending: int  # points still inside the returns window
    point_value_rial: int

    @property
    def liability_rial(self) -> int:
        """What the available points are worth: what the shop owes if every point were spent."""
        return self.available * self.point_value_rial


@dataclass(frozen=True)
class TierCount:
    tier: Tier | None  # None: below every tier
    customers: int
    percent: float | None  # of every customer


@dataclass(frozen=True)
class Member:
    customer_id: int
    name: str
    tier: Tier | None
    points: int
    value_rial: int


def _window_start(today: datetime.date, language: str | None, months: int) -> datetime.date:
    return dates.month_start(dates.months_back(today, months, language)[0], language)


def monthly(*, today: datetime.date | None = None, language: str | None = None, months: int = MONTHS) -> list[Month]:
    """Points issued, redeemed and expired in each of the last ``months`` months, oldest first
    (every month there, zeros included). One query."""
    today = today or timezone.localdate()
    keys = dates.months_back(today, months, language)
    jalali = dates.uses_jalali(language)
    period = F("effective_on") if jalali else TruncMonth("effective_on", output_field=DateField())
    rows = (
        PointsEntry.objects.filter(effective_on__gte=_window_start(today, language, months), effective_on__lte=today)
        .filter(_ISSUED | _REDEEMED | _EXPIRED)
        .annotate(period=period)
        .values("period")
        .order_by()
        .annotate(
            issued=Sum("points", filter=_ISSUED, default=0),
            redeemed=Sum("points", filter=_REDEEMED, default=0),
            expired=Sum("points", filter=_EXPIRED, default=0),
        )
    )
    sums = {key: [0, 0, 0] for key in keys}
    for row in rows:
        day = row["period"]
        if isinstance(day, datetime.datetime):  # a backend that hands the truncation back as a moment
            day = day.date()
        month = sums.get(dates.month_of(day, language))
        if month is not None:
            month[0] += row["issued"]
            month[1] -= row["redeemed"]
            month[2] -= row["expired"]
    return [Month(key, dates.format_month(key, language), dates.month_start(key, language), *sums[key]) for key in keys]


def redemption_rate(months: list[Month]) -> float | None:
    """Points redeemed as a percentage of points issued over these months (None: nothing issued)."""
    issued = sum(month.issued for month in months)
    if issued <= 0:
        return None
    return float(Decimal(sum(month.redeemed for month in months)) * 100 / issued)


def outstanding() -> Outstanding:
    """The balances every customer holds, from the kept accounts (one query)."""
    totals = LoyaltyAccount.objects.aggregate(
        available=Sum("available", filter=Q(available__gt=0), default=0),
        pending=Sum("pending", filter=Q(pending__gt=0), default=0),
    )
    return Outstanding(totals["available"], totals["pending"], services.point_value_rial())


def tier_distribution() -> list[TierCount]:
    """How many customers are in each tier, highest first, then those below every tier (a
    customer without an account yet is below every tier). Two counting queries."""
    ladder = tiers.tiers()
    counts = dict(
        LoyaltyAccount.objects.filter(tier_rank__in=[tier.rank for tier in ladder])
        .values_list("tier_rank")
        .order_by()
        .annotate(customers=Count("pk"))
    )
    everyone = Customer.objects.count()
    in_tiers = sum(counts.values())

    def share(count: int) -> float | None:
        return count * 100 / everyone if everyone else None

    rows = [TierCount(tier, counts.get(tier.rank, 0), share(counts.get(tier.rank, 0))) for tier in reversed(ladder)]
    rows.append(TierCount(None, everyone - in_tiers, share(everyone - in_tiers)))
    return rows


def top_members(limit: int = TOP) -> list[Member]:
    """The customers holding the most available points (ties: the earlier customer first)."""
    ladder = {tier.rank: tier for tier in tiers.tiers()}
    value = services.point_value_rial()
    accounts = (
        LoyaltyAccount.objects.filter(available__gt=0)
        .order_by("-available", "customer_id")
        .values_list("customer_id", "customer__name", "tier_rank", "available")[:limit]
    )
    return [
        Member(customer_id, name, ladder.get(rank), points, points * value)
        for customer_id, name, rank, points in accounts
    ]
