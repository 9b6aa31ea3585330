"""Retention by first-purchase month (dashboards.definitions): a heat map of months 0 to 24.

One statement per calendar: each purchase joins its month and its customer's first-purchase month
(``CalendarDay``), and the distinct buyers and the revenue are counted per cohort, months after,
owner and segment into ``CohortSnapshot``.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Sum

from customers.models import Customer, Purchase
from dashboards import periods
from dashboards.calendar_days import MONTH_COLUMN
from dashboards.definitions import COHORT_MONTHS, rate
from dashboards.models import CalendarDay, CohortSnapshot
from dashboards.periods import Grain, Period


@dataclass(frozen=True)
class Cell:
    offset: int
    customers: int
    revenue: Decimal
    share: float | None  # of the cohort's customers
    revenue_share: float | None  # of the cohort's month-0 revenue


@dataclass(frozen=True)
class Cohort:
    month: Period
    size: int
    cells: list[Cell]  # month 0 up to the month in progress (later months have not happened)


def cohorts_compute(*, calendar: str, first_cohort: int, customers: str = "") -> list[dict]:
    """Buyers and revenue per cohort month, months after, owner and segment, from ``first_cohort`` on."""
    column = MONTH_COLUMN[calendar]
    purchase, customer, day = (
        connection.ops.quote_name(model._meta.db_table) for model in (Purchase, Customer, CalendarDay)
    )
    only = f" AND ({customers})" if customers else ""
    sql = f"""
        SELECT fc.{column}, pc.{column} - fc.{column}, c.owner_id, c.segment_id,
               COUNT(DISTINCT p.customer_id), SUM(p.amount)
        FROM {purchase} AS p
        JOIN {customer} AS c ON c.id = p.customer_id{only}
        JOIN {day} AS fc ON fc.day = c.first_purchase_on
        JOIN {day} AS pc ON pc.day = p.purchased_on
        WHERE fc.{column} >= %s AND pc.{column} - fc.{column} <= %s
        GROUP BY fc.{column}, pc.{column} - fc.{column}, c.owner_id, c.segment_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [first_cohort, COHORT_MONTHS])
        rows = cursor.fetchall()
    names = ("cohort_index", "offset", "owner_id", "segment_id", "customers", "revenue")
    return [dict(zip(names, row, strict=True)) for row in rows]


def _first_cohort(calendar: str, as_of: datetime.date) -> int:
    return periods.index_of(as_of, calendar, Grain.MONTH) - COHORT_MONTHS


def snapshot_write(*, calendar: str, active_days: int, today: datetime.date, now) -> int:
    rows = cohorts_compute(calendar=calendar, first_cohort=_first_cohort(calendar, today))
    CohortSnapshot.objects.filter(calendar=calendar, active_days=active_days).delete()
    CohortSnapshot.objects.bulk_create(
        [CohortSnapshot(calendar=calendar, active_days=active_days, computed_at=now, **row) for row in rows],
        batch_size=2000,
    )
    return len(rows)


def cohort_table(*, calendar: str, active_days: int, as_of: datetime.date, owner=None, segment=None) -> list[Cohort]:
    """The last 25 cohorts, newest last, each with its months so far."""
    rows = CohortSnapshot.objects.filter(calendar=calendar, active_days=active_days).of(owner=owner, segment=segment)
    sums = {
        (row["cohort_index"], row["offset"]): row
        for row in rows.values("cohort_index", "offset").order_by().annotate(c=Sum("customers"), r=Sum("revenue"))
    }
    now_index = periods.index_of(as_of, calendar, Grain.MONTH)
    table = []
    for index in range(_first_cohort(calendar, as_of), now_index + 1):
        first = sums.get((index, 0), {})
        size, revenue0 = first.get("c") or 0, first.get("r") or Decimal(0)
        cells = []
        for offset in range(min(COHORT_MONTHS, now_index - index) + 1):
            cell = sums.get((index, offset), {})
            buyers, revenue = cell.get("c") or 0, cell.get("r") or Decimal(0)
            cells.append(Cell(offset, buyers, revenue, rate(buyers, size), rate(revenue, revenue0)))
        table.append(Cohort(periods.period(calendar, Grain.MONTH, index, today=as_of), size, cells))
    return table
