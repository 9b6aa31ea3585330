"""What customers are worth: lifetime value by segment, how much of the revenue the best tenth
brings, and revenue by loyalty tier.

- **CLV by segment** (historical, all purchases so far): the total revenue of the segment's
  customers who ever bought / their number. Beside it **revenue per active year** = that total
  revenue / the sum of each customer's active years, where a customer's **active years** =
  (last purchase - first purchase + 1 day) / 365.25, at least 1/12 (a one-day customer counts a
  month, 30.4375 days, so a new customer's single purchase is not a yearly rate of 365 times it).
  The first and last purchase and the total are the customer's own figures (``Customer.
  first_purchase_on``, ``last_purchase_on``, ``total_spent``, kept from the purchases by
  ``customers.services``).
- **Top 10% share** over the days ``start`` to ``end`` (inclusive): the customers who bought in
  them, ranked by what they spent in them; the top ceil(10% of them) (1 of 1 to 10, 2 of 11 to
  20...); their revenue / all the revenue of the days. Ties at the cut do not change the share.
- **Revenue by tier** over the days: what the customers spent, by the loyalty tier they hold now
  (``LoyaltyAccount.tier_rank``, named by ``Tier``); customers without an account, or at rank 0,
  are "no tier".

A customer's segment and owner are theirs now. Each figure is one aggregate statement over all the
customers (and the tier names one more query), alike on SQLite and PostgreSQL.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Count, F, FloatField, Sum, Value
from django.db.models.functions import Coalesce, Greatest

from core import db
from customers.models import Customer, Purchase, Segment
from dashboards.definitions import rate
from dashboards.models import CustomerYearSnapshot
from loyalty.models import LoyaltyAccount, Tier

DAYS_IN_YEAR = Decimal("365.25")
FEWEST_ACTIVE_DAYS = DAYS_IN_YEAR / 12  # 30.4375: active years are at least 1/12
TOP_SHARE_PERCENT = 10
NO_TIER = 0


def _pk(thing) -> int | None:
    return getattr(thing, "pk", thing)


@dataclass(frozen=True)
class SegmentValue:
    segment: Segment | None  # None: customers without a segment
    customers: int  # who ever bought
    revenue: Decimal
    active_days: Decimal  # the sum of each customer's active days (at least 30.4375 each)

    @property
    def clv(self) -> Decimal | None:
        return self.revenue / self.customers if self.customers else None

    @property
    def active_years(self) -> Decimal:
        return self.active_days / DAYS_IN_YEAR

    @property
    def revenue_per_active_year(self) -> Decimal | None:
        return self.revenue * DAYS_IN_YEAR / self.active_days if self.active_days else None


def clv_by_segment(*, owner=None) -> list[SegmentValue]:
    """One row per segment with buyers, by name, customers without a segment last; for everyone or
    one owner's book."""
    buyers = Customer.objects.filter(first_purchase_on__isnull=False, last_purchase_on__isnull=False)
    if owner is not None:
        buyers = buyers.filter(owner=owner)
    active_days = Greatest(
        db.as_float(db.DaysBetween("last_purchase_on", "first_purchase_on") + 1),
        Value(float(FEWEST_ACTIVE_DAYS), output_field=FloatField()),
    )
    rows = (
        buyers.order_by()
        .values("segment_id", "segment__name")
        .annotate(customers=Count("pk"), revenue=Sum("total_spent"), active_days=Sum(active_days))
    )
    found = [
        SegmentValue(
            segment=None
            if row["segment_id"] is None
            else Segment.from_db(DEFAULT_DB_ALIAS, ["id", "name"], [row["segment_id"], row["segment__name"]]),
            customers=row["customers"],
            revenue=row["revenue"] or Decimal(0),
            active_days=Decimal(row["active_days"]),
        )
        for row in rows
    ]
    return sorted(found, key=lambda row: (row.segment is None, row.segment.name if row.segment else ""))


@dataclass(frozen=True)
class TopShare:
    customers: int  # who bought in the days
    top_customers: int  # ceil(10% of them)
    revenue: Decimal
    top_revenue: Decimal

    @property
    def share(self) -> float | None:
        return rate(self.top_revenue, self.revenue)


def top_customers(buyers: int) -> int:
    """ceil(10% of ``buyers``)."""
    return -(-buyers * TOP_SHARE_PERCENT // 100)


def _customer_conditions(owner, segment) -> tuple[str, list]:
    conditions, params = [], []
    if owner is not None:
        conditions.append("c.owner_id = %s")
        params.append(_pk(owner))
    if segment is not None:
        conditions.append("c.segment_id = %s")
        params.append(_pk(segment))
    return "".join(f" AND {condition}" for condition in conditions), params


def _top_share(revenues: str, params: list) -> TopShare:
    """The best tenth of the rows of ``revenues`` (SQL giving ``customer_id, revenue``, one row per
    buyer) and their share, in one statement (a window ranks them)."""
    sql = f"""
        SELECT COUNT(*), SUM(r.revenue),
               SUM(CASE WHEN r.place * 100 <= r.buyers * {TOP_SHARE_PERCENT} + 99 THEN r.revenue ELSE 0 END)
        FROM (
            SELECT t.revenue AS revenue,
                   ROW_NUMBER() OVER (ORDER BY t.revenue DESC, t.customer_id) AS place,
                   COUNT(*) OVER () AS buyers
            FROM ({revenues}) AS t
        ) AS r
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        buyers, revenue, top = cursor.fetchone()
    return TopShare(
        customers=buyers,
        top_customers=top_customers(buyers),
        revenue=Decimal(revenue or 0),
        top_revenue=Decimal(top or 0),
    )


def _revenues(start: datetime.date, end: datetime.date, owner, segment) -> tuple[str, list]:
    """SQL of each buyer's revenue in the days ``start`` to ``end``, straight from the purchases."""
    purchase, customer = (connection.ops.quote_name(model._meta.db_table) for model in (Purchase, Customer))
    scope, params = _customer_conditions(owner, segment)
    return (
        f"SELECT p.customer_id AS customer_id, SUM(p.amount) AS revenue "
        f"FROM {purchase} AS p JOIN {customer} AS c ON c.id = p.customer_id "
        f"WHERE p.purchased_on BETWEEN {db.date_literal(start)} AND {db.date_literal(end)}{scope} "
        "GROUP BY p.customer_id",
        params,
    )


def top_share(*, start: datetime.date, end: datetime.date, owner=None, segment=None) -> TopShare:
    """The best tenth of the days' buyers and their share of the days' revenue."""
    return _top_share(*_revenues(start, end, owner, segment))


def top_share_kept(*, active_days: int, owner=None, segment=None) -> TopShare:
    """The same for the year the snapshot holds (``CustomerYearSnapshot``): a few thousand rows."""
    rows = CustomerYearSnapshot.objects.filter(active_days=active_days).of(owner=owner, segment=segment)
    query = rows.values("customer_id", "revenue").query
    sql, params = query.sql_with_params()
    return _top_share(sql, list(params))


@dataclass(frozen=True)
class TierRevenue:
    rank: int  # 0: no tier
    tier: Tier | None  # None: no tier (or a rank whose tier was removed)
    customers: int  # who bought in the days
    revenue: Decimal
    share: float | None  # of all the days' revenue


def _by_tier(sums: dict[int, dict]) -> list[TierRevenue]:
    tiers = {tier.rank: tier for tier in Tier.objects.all()}
    total = sum((row["revenue"] for row in sums.values()), Decimal(0))
    found = []
    for rank in sorted({NO_TIER} | set(tiers) | set(sums)):
        row = sums.get(rank, {"customers": 0, "revenue": Decimal(0)})
        found.append(TierRevenue(rank, tiers.get(rank), row["customers"], row["revenue"], rate(row["revenue"], total)))
    return found


def revenue_by_tier(*, start: datetime.date, end: datetime.date, owner=None, segment=None) -> list[TierRevenue]:
    """ "No tier" first, then every tier by rank (zeros where nobody bought), for the days ``start``
    to ``end`` (inclusive)."""
    purchases = Purchase.objects.filter(purchased_on__gte=start, purchased_on__lte=end)
    if owner is not None:
        purchases = purchases.filter(customer__owner=owner)
    if segment is not None:
        purchases = purchases.filter(customer__segment=segment)
    return _by_tier(
        {
            row["rank"]: row
            for row in purchases.order_by()
            .values(rank=Coalesce("customer__loyalty__tier_rank", Value(NO_TIER)))
            .annotate(customers=Count("customer_id", distinct=True), revenue=Sum("amount"))
        }
    )


def revenue_by_tier_kept(*, active_days: int, owner=None, segment=None) -> list[TierRevenue]:
    """The same for the year the snapshot holds, each customer in the tier they held then."""
    rows = CustomerYearSnapshot.objects.filter(active_days=active_days).of(owner=owner, segment=segment)
    return _by_tier(
        {
            row["rank"]: row
            for row in rows.order_by()
            .values(rank=F("tier_rank"))
            .annotate(customers=Count("customer_id"), revenue=Sum("revenue"))
        }
    )


YEAR_DAYS = 365


def year_snapshot_write(*, active_days: int, today: datetime.date, now) -> int:
    """Each buyer's revenue of the 365 days up to ``today`` and their tier, in one INSERT ... SELECT."""
    CustomerYearSnapshot.objects.filter(active_days=active_days).delete()
    purchase, customer, account = (
        connection.ops.quote_name(model._meta.db_table) for model in (Purchase, Customer, LoyaltyAccount)
    )
    since = db.date_literal(today - datetime.timedelta(days=YEAR_DAYS - 1))
    return db.insert_select(
        prototype=CustomerYearSnapshot(active_days=active_days, computed_at=now, tier_rank=NO_TIER, revenue=0),
        values={
            "customer_id": "t.customer_id",
            "owner_id": "t.owner_id",
            "segment_id": "t.segment_id",
            "tier_rank": f"COALESCE(t.tier_rank, {NO_TIER})",
            "revenue": "t.revenue",
        },
        source=(
            f"(SELECT p.customer_id AS customer_id, c.owner_id AS owner_id, c.segment_id AS segment_id, "
            f"a.tier_rank AS tier_rank, SUM(p.amount) AS revenue FROM {purchase} AS p "
            f"JOIN {customer} AS c ON c.id = p.customer_id LEFT JOIN {account} AS a ON a.customer_id = c.id "
            f"WHERE p.purchased_on BETWEEN {since} AND {db.date_literal(today)} "
            "GROUP BY p.customer_id, c.owner_id, c.segment_id, a.tier_rank) AS t WHERE t.customer_id IS NOT NULL"
        ),
        params=[],
    )
