"""Churn and retention per period (the words are dashboards.definitions'): who was active at the
start and at the end, who was new, who churned and who came back, and the revenues.

One statement per calendar and grain: every purchase of the window ``[a - N, b]`` of each period
joins its period, the customers are folded to one row each (active at the start? at the end? new?),
and the rows are summed per owner and segment into ``FlowSnapshot``. A page sums those rows.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Sum

from core import db
from customers.models import Customer, Purchase
from dashboards import periods
from dashboards.definitions import rate
from dashboards.models import FlowSnapshot
from dashboards.periods import Period

# How many periods the snapshot keeps, the one in progress included.
KEPT = {periods.Grain.MONTH: 25, periods.Grain.QUARTER: 9, periods.Grain.YEAR: 4}
_FIGURES = ("start", "end", "new", "new_kept", "churned", "reactivated", "revenue", "revenue_at_start", "revenue_lost")


@dataclass(frozen=True)
class Flow:
    period: Period
    start: int  # S: active on the day before the period
    end: int  # E: active on its last day
    new: int  # first purchase in the period
    new_kept: int  # of them, still active at the end
    churned: int
    reactivated: int
    revenue: Decimal  # bought in the period
    revenue_at_start: Decimal  # what the S customers spent in the N days before the period
    revenue_lost: Decimal  # of it, what the churned customers had spent

    @property
    def churn_rate(self) -> float | None:
        return rate(self.churned, self.start)

    @property
    def retention_rate(self) -> float | None:
        churn = self.churn_rate
        return None if churn is None else 1 - churn

    @property
    def standard_retention(self) -> float | None:
        """(E - N) / S."""
        return rate(self.end - self.new, self.start)

    @property
    def revenue_churn(self) -> float | None:
        return rate(self.revenue_lost, self.revenue_at_start)


def _values(rows: list[tuple]) -> str:
    return ", ".join("(" + ", ".join(map(str, row)) + ")" for row in rows)


def flows_compute(kept: list[Period], *, active_days: int, customers: str = "") -> list[dict]:
    """The figures of each period per owner and segment, straight from the purchases: a list of
    dicts with ``period_index``, ``owner_id``, ``segment_id`` and the ``_FIGURES``.

    ``customers`` narrows to a SQL condition on ``c`` (tests compare a handful of customers)."""
    if not kept:
        return []
    day = db.date_literal
    windows = [
        (
            each.index,
            day(each.starts_on - datetime.timedelta(days=active_days)),
            day(each.starts_on - datetime.timedelta(days=1)),
            day(each.starts_on),
            day(each.ends_on),
            day(each.ends_on - datetime.timedelta(days=active_days - 1)),
        )
        for each in kept
    ]
    purchase, customer = (connection.ops.quote_name(model._meta.db_table) for model in (Purchase, Customer))
    only = f" AND ({customers})" if customers else ""
    sql = f"""
        WITH w (idx, s0, s1, a, b, e0) AS (VALUES {_values(windows)})
        SELECT t.idx, t.owner_id, t.segment_id,
               SUM(t.s), SUM(t.e), SUM(t.n), SUM(t.n * t.e), SUM(t.s * (1 - t.e)),
               SUM((1 - t.s) * t.e * (1 - t.n)), SUM(t.rev), SUM(t.s * t.rev_start), SUM(t.s * (1 - t.e) * t.rev_start)
        FROM (
            SELECT w.idx AS idx, c.id, c.owner_id AS owner_id, c.segment_id AS segment_id,
                   MAX(CASE WHEN p.purchased_on BETWEEN w.s0 AND w.s1 THEN 1 ELSE 0 END) AS s,
                   MAX(CASE WHEN p.purchased_on BETWEEN w.e0 AND w.b THEN 1 ELSE 0 END) AS e,
                   MAX(CASE WHEN c.first_purchase_on BETWEEN w.a AND w.b THEN 1 ELSE 0 END) AS n,
                   SUM(CASE WHEN p.purchased_on BETWEEN w.a AND w.b THEN p.amount ELSE 0 END) AS rev,
                   SUM(CASE WHEN p.purchased_on BETWEEN w.s0 AND w.s1 THEN p.amount ELSE 0 END) AS rev_start
            FROM w JOIN {purchase} AS p ON p.purchased_on BETWEEN w.s0 AND w.b
            JOIN {customer} AS c ON c.id = p.customer_id{only}
            GROUP BY w.idx, c.id, c.owner_id, c.segment_id
        ) AS t
        GROUP BY t.idx, t.owner_id, t.segment_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    return [
        {"period_index": idx, "owner_id": owner, "segment_id": segment, **dict(zip(_FIGURES, figures, strict=True))}
        for idx, owner, segment, *figures in rows
    ]


def snapshot_write(*, calendar: str, grain: str, active_days: int, today: datetime.date, now) -> int:
    """Replaces the snapshot of one calendar and grain (in the caller's transaction)."""
    kept = periods.periods_back(today, calendar, grain, KEPT[grain])
    by_index = {each.index: each for each in kept}
    rows = flows_compute(kept, active_days=active_days)
    FlowSnapshot.objects.filter(calendar=calendar, grain=grain, active_days=active_days).delete()
    FlowSnapshot.objects.bulk_create(
        [
            FlowSnapshot(
                calendar=calendar,
                grain=grain,
                active_days=active_days,
                starts_on=by_index[row["period_index"]].starts_on,
                ends_on=by_index[row["period_index"]].ends_on,
                partial=by_index[row["period_index"]].partial,
                computed_at=now,
                **row,
            )
            for row in rows
        ],
        batch_size=1000,
    )
    return len(rows)


def flows(*, calendar: str, grain: str, active_days: int, as_of: datetime.date, owner=None, segment=None) -> list[Flow]:
    """The kept periods' figures from the snapshot counted up to ``as_of`` (every period, zeros
    where nobody bought), for everyone, one owner's book or one segment."""
    kept = periods.periods_back(as_of, calendar, grain, KEPT[grain])
    rows = FlowSnapshot.objects.filter(calendar=calendar, grain=grain, active_days=active_days).of(
        owner=owner, segment=segment
    )
    sums = {
        row["period_index"]: row
        for row in rows.values("period_index").order_by().annotate(**{name: Sum(name) for name in _FIGURES})
    }
    return [_flow(each, sums.get(each.index, {})) for each in kept]


def _flow(each: Period, row: dict) -> Flow:
    return Flow(
        period=each,
        **{name: row.get(name) or (Decimal(0) if name.startswith("revenue") else 0) for name in _FIGURES},
    )


def flows_by_owner(
    *, owner_ids, calendar: str, grain: str, active_days: int, as_of: datetime.date, segment=None, back: int = 1
) -> dict:
    """One kept period's figures (``back`` periods before the one in progress) for each owner's
    book, in one query: {owner id: Flow} (zeros for an owner whose customers had none)."""
    shown = periods.periods_back(as_of, calendar, grain, KEPT[grain])[-1 - back]
    rows = FlowSnapshot.objects.filter(
        calendar=calendar, grain=grain, active_days=active_days, period_index=shown.index
    ).of(segment=segment)
    sums = {
        row["owner_id"]: row
        for row in rows.filter(owner_id__in=list(owner_ids))
        .values("owner_id")
        .order_by()
        .annotate(**{name: Sum(name) for name in _FIGURES})
    }
    return {owner_id: _flow(shown, sums.get(owner_id, {})) for owner_id in owner_ids}
