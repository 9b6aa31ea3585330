"""Tiers: bronze, silver, gold (names and thresholds editable) on rolling 12-month spend.

The nightly review is set-based, a few statements over every account however many: the spend of
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
from django.db import connection, transaction
from django.utils import timezone

from core import db
from customers.models import Purchase
from loyalty.models import LoyaltyAccount, Tier, TierChange
from loyalty.services import ACCOUNT_COLUMNS, NEW_ACCOUNT

SPEND_DAYS = 365


def grace_days() -> int:
    """How long a customer stays in a tier after their spend falls under its threshold."""
    return settings.PEYGIR_LOYALTY_TIER_GRACE_DAYS


# The shop's three tiers until a manager renames them or moves their thresholds (Rial of 12-month spend).
DEFAULT_TIERS = [(1, "برنزی", "Bronze", 0), (2, "نقره‌ای", "Silver", 20_000_000), (3, "طلایی", "Gold", 100_000_000)]


def tiers() -> list[Tier]:
    """The ladder, lowest first; a shop that has none yet gets the three defaults."""
    ladder = list(Tier.objects.order_by("rank"))
    if not ladder:
        Tier.objects.bulk_create(
            [Tier(rank=rank, name_fa=fa, name_en=en, threshold=threshold) for rank, fa, en, threshold in DEFAULT_TIERS],
            ignore_conflicts=True,
        )
        ladder = list(Tier.objects.order_by("rank"))
    return ladder


def rank_for(spend, ladder: list[Tier] | None = None) -> int:
    """The tier a 12-month spend qualifies for (0: none), as the review's SQL decides it."""
    return max((tier.rank for tier in ladder or tiers() if spend >= tier.threshold), default=0)


def _qualifying(ladder: list[Tier]) -> str:
    cases = " ".join(f"WHEN a.spend_12m >= {int(tier.threshold)} THEN {int(tier.rank)}" for tier in reversed(ladder))
    return f"(CASE {cases} ELSE 0 END)" if cases else "0"


def tiers_review(*, today: datetime.date | None = None) -> int:
    """The nightly review of every account's tier. Returns how many customers changed tier."""
    today = today or timezone.localdate()
    ladder = tiers()
    account, purchase, change = (
        connection.ops.quote_name(model._meta.db_table) for model in (LoyaltyAccount, Purchase, TierChange)
    )
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
        cursor.execute(
            f"INSERT INTO {account} ({ACCOUNT_COLUMNS}) SELECT DISTINCT p.customer_id, {NEW_ACCOUNT}, %s "
            f"FROM {purchase} AS p WHERE p.purchased_on > {since} ON CONFLICT DO NOTHING",
            [now],
        )
        cursor.execute(
            f"UPDATE {account} SET spend_12m = COALESCE((SELECT SUM(p.amount) FROM {purchase} AS p "
            f"WHERE p.customer_id = {account}.customer_id AND p.purchased_on > {since}), 0)"
        )
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
