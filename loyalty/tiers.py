"""Tiers: bronze, silver, gold (names and thresholds editable) on rolling 12-month spend, or on the
points earned in 12 months (``PEYGIR_LOYALTY_TIER_BASIS``).

Points earned are the entries of kind purchase, survey, referral and birthday and the reversals of
purchases (a return takes its points back), counted on their day (``effective_on``); redemptions,
expiries and a manager's adjustments neither earn nor cost a tier.

The nightly review is set-based, a few statements over every account however many: the figure of
the last 365 days is kept on the account, the tier it qualifies for is a CASE over the (few)
thresholds, and then:

- a customer who qualifies for a higher tier moves up at once;
- one who has been under their tier's threshold for the grace period (30 days) moves down one
  tier, and only one per review: the grace period starts again below the new tier;
- each move is a ``TierChange`` of that day (on the timeline and the calls-due row), written once
  however often the review runs; two reviews at once take turns (a lock).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from core import db
from customers.models import Purchase
from loyalty.models import LoyaltyAccount, PointsEntry, Tier, TierChange
from loyalty.services import ACCOUNT_COLUMNS, NEW_ACCOUNT

SPEND_DAYS = 365
ROW_SHOWS_CHANGE_DAYS = 30  # a move between tiers this recent is on the customer's calls-due row
BASES = ("spend", "points")
Kind = PointsEntry.Kind
EARNING_KINDS = (Kind.PURCHASE, Kind.SURVEY, Kind.REFERRAL, Kind.BIRTHDAY)


def basis() -> str:
    """What the tiers are reached by: ``spend`` (Rial of purchases) or ``points`` (points earned), in 12 months."""
    value = settings.PEYGIR_LOYALTY_TIER_BASIS
    if value not in BASES:
        raise ImproperlyConfigured(f"PEYGIR_LOYALTY_TIER_BASIS must be one of {', '.join(BASES)}, not {value!r}")
    return value


def by_points() -> bool:
    return basis() == "points"


def grace_days() -> int:
    """How long a customer stays in a tier after their spend falls under its threshold."""
    return settings.PEYGIR_LOYALTY_TIER_GRACE_DAYS


# The shop's three tiers until a manager renames them or moves their thresholds: Rial of 12-month
# spend, or the points those amounts earn under the default rules (1 point per 100,000 Rial).
DEFAULT_TIERS = [(1, "برنزی", "Bronze", 0), (2, "نقره‌ای", "Silver", 20_000_000), (3, "طلایی", "Gold", 100_000_000)]
DEFAULT_POINTS_PER_RIAL = 100_000


def _default_threshold(rial: int) -> int:
    return rial // DEFAULT_POINTS_PER_RIAL if by_points() else rial


def tiers() -> list[Tier]:
    """The ladder, lowest first; a shop that has none yet gets the three defaults."""
    ladder = list(Tier.objects.order_by("rank"))
    if not ladder:
        Tier.objects.bulk_create(
            [
                Tier(rank=rank, name_fa=fa, name_en=en, threshold=_default_threshold(rial))
                for rank, fa, en, rial in DEFAULT_TIERS
            ],
            ignore_conflicts=True,
        )
        ladder = list(Tier.objects.order_by("rank"))
    return ladder


def rank_for(figure, ladder: list[Tier] | None = None) -> int:
    """The tier a 12-month figure (spend or points) qualifies for (0: none), as the review's SQL decides it."""
    return max((tier.rank for tier in ladder or tiers() if figure >= tier.threshold), default=0)


def figure_column() -> str:
    """The account's column the tiers are reached by."""
    return "points_12m" if by_points() else "spend_12m"


def _qualifying(ladder: list[Tier]) -> str:
    column = f"a.{figure_column()}"
    cases = " ".join(f"WHEN {column} >= {int(tier.threshold)} THEN {int(tier.rank)}" for tier in reversed(ladder))
    return f"(CASE {cases} ELSE 0 END)" if cases else "0"


def _figure_refresh(cursor, account: str, since: str, now) -> None:
    """Writes each account's 12-month figure of the basis, after opening an account for anyone with
    a figure and none yet (two statements)."""
    if by_points():
        entry = connection.ops.quote_name(PointsEntry._meta.db_table)
        kinds = ", ".join(f"'{kind}'" for kind in EARNING_KINDS)
        rows = (
            f"FROM {entry} AS e WHERE e.effective_on > {since} "
            f"AND (e.kind IN ({kinds}) OR (e.kind = '{Kind.REVERSAL}' AND e.source_key LIKE 'purchase:%%'))"
        )
        owner, figure = "e.customer_id", "points_12m"
        total = f"(SELECT CASE WHEN SUM(e.points) > 0 THEN SUM(e.points) ELSE 0 END {rows} AND {{}})"
    else:
        purchase = connection.ops.quote_name(Purchase._meta.db_table)
        rows = f"FROM {purchase} AS p WHERE p.purchased_on > {since}"
        owner, figure = "p.customer_id", "spend_12m"
        total = f"COALESCE((SELECT SUM(p.amount) {rows} AND {{}}), 0)"
    cursor.execute(
        f"INSERT INTO {account} ({ACCOUNT_COLUMNS}) SELECT DISTINCT {owner}, {NEW_ACCOUNT}, %s {rows} "
        "ON CONFLICT DO NOTHING",
        [now],
    )
    cursor.execute(f"UPDATE {account} SET {figure} = {total.format(f'{owner} = {account}.customer_id')}", [])


def tiers_review(*, today: datetime.date | None = None) -> int:
    """The nightly review of every account's tier. Returns how many customers changed tier."""
    today = today or timezone.localdate()
    ladder = tiers()
    account, change = (connection.ops.quote_name(model._meta.db_table) for model in (LoyaltyAccount, TierChange))
    since, day = db.date_literal(today - datetime.timedelta(days=SPEND_DAYS)), db.date_literal(today)
    grace_over = db.date_literal(today - datetime.timedelta(days=grace_days()))
    qualifying = _qualifying(ladder)
    new_rank = (
        f"(CASE WHEN {qualifying} > a.tier_rank THEN {qualifying} "
        f"WHEN {qualifying} < a.tier_rank AND a.below_tier_since IS NOT NULL AND a.below_tier_since <= {grace_over} "
        "THEN a.tier_rank - 1 ELSE a.tier_rank END)"
    )
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        db.hold_lock("loyalty-tiers-review")
        _figure_refresh(cursor, account, since, now)
        aliased = f"{account} AS a"
        cursor.execute(
            f"INSERT INTO {change} (customer_id, from_rank, to_rank, changed_on, created_at) "
            f"SELECT a.customer_id, a.tier_rank, {new_rank}, {day}, %s FROM {aliased} "
            f"WHERE {new_rank} <> a.tier_rank ON CONFLICT DO NOTHING",
            [now],
        )
        changed = db.rows_affected(cursor)
        # Every expression reads the row as it was before this statement (SQL's rule), so the
        # moves below are the ones just recorded. SQLite cannot alias an UPDATE's table: "a" is
        # spelled out through a correlated view of the same row.
        row = f"(SELECT {{}} FROM {aliased} WHERE a.customer_id = {account}.customer_id)"
        new, qualifies = row.format(new_rank), row.format(qualifying)
        cursor.execute(
            f"UPDATE {account} SET "
            f"below_tier_since = CASE WHEN {qualifies} >= {new} THEN NULL "
            f"WHEN {new} < tier_rank THEN {day} WHEN below_tier_since IS NULL THEN {day} ELSE below_tier_since END, "
            f"tier_since = CASE WHEN {new} <> tier_rank THEN {day} ELSE tier_since END, "
            f"tier_rank = {new}, updated_at = %s",
            [now],
        )
    return changed
