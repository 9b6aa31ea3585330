"""When churn happens (dashboards.definitions): churn events by the customer's lifetime at churn,
and the share of one-and-done customers, so a manager sees whether the first weeks or the later
care lose them.

One statement per calendar: each purchase looks at the customer's next one (``LEAD``); a purchase
no other follows within N days is a churn event on the N-th day after it (once that day is past),
grouped by the month of that day, the lifetime bucket, one-and-done, owner and segment into
``ChurnEventSnapshot``.
"""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Sum
from django.utils.translation import gettext as _

from core import db
from core.numbers import format_number
from customers.models import Customer, Purchase
from dashboards import periods
from dashboards.calendar_days import MONTH_COLUMN
from dashboards.definitions import LIFETIME_BUCKETS, rate
from dashboards.models import CalendarDay, ChurnEventSnapshot
from dashboards.periods import Grain

KEPT_MONTHS = 25


@dataclass(frozen=True)
class Bucket:
    low: int
    high: int | None  # None: and more
    events: int
    share: float | None

    def label(self) -> str:
        """ "0–30 days", "over 365 days", in the reader's digits."""
        if self.high is None:
            return _("over %(days)s days") % {"days": format_number(self.low - 1)}
        return _("%(low)s–%(high)s days") % {"low": format_number(self.low), "high": format_number(self.high)}


@dataclass(frozen=True)
class Lifetimes:
    events: int
    one_and_done: int
    buckets: list[Bucket]

    @property
    def one_and_done_share(self) -> float | None:
        return rate(self.one_and_done, self.events)


def _bucket_sql(days: str) -> str:
    cases = " ".join(
        f"WHEN {days} <= {high} THEN {index}" for index, (_low, high) in enumerate(LIFETIME_BUCKETS) if high is not None
    )
    return f"(CASE {cases} ELSE {len(LIFETIME_BUCKETS) - 1} END)"


def events_compute(*, calendar: str, active_days: int, today: datetime.date, first_month: int, customers: str = ""):
    column = MONTH_COLUMN[calendar]
    purchase, customer, day = (
        connection.ops.quote_name(model._meta.db_table) for model in (Purchase, Customer, CalendarDay)
    )
    only = f" AND ({customers})" if customers else ""
    churn_day = db.add_days("x.last_on", str(int(active_days)))
    lifetime = db.days_between("x.last_on", "c.first_purchase_on")
    sql = f"""
        SELECT cal.{column}, {_bucket_sql(lifetime)}, CASE WHEN x.n = 1 THEN 1 ELSE 0 END, c.owner_id, c.segment_id,
               COUNT(*)
        FROM (
            SELECT p.customer_id AS customer_id, p.purchased_on AS last_on,
                   LEAD(p.purchased_on) OVER (PARTITION BY p.customer_id ORDER BY p.purchased_on, p.id) AS next_on,
                   ROW_NUMBER() OVER (PARTITION BY p.customer_id ORDER BY p.purchased_on, p.id) AS n
            FROM {purchase} AS p
        ) AS x
        JOIN {customer} AS c ON c.id = x.customer_id{only}
        JOIN {day} AS cal ON cal.day = {churn_day}
        WHERE (x.next_on IS NULL OR x.next_on > {churn_day}) AND {churn_day} <= {db.date_literal(today)}
          AND cal.{column} >= %s
        GROUP BY cal.{column}, {_bucket_sql(lifetime)}, CASE WHEN x.n = 1 THEN 1 ELSE 0 END, c.owner_id, c.segment_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [first_month])
        rows = cursor.fetchall()
    names = ("month_index", "bucket", "one_and_done", "owner_id", "segment_id", "events")
    return [dict(zip(names, row, strict=True)) | {"one_and_done": bool(row[2])} for row in rows]


def snapshot_write(*, calendar: str, active_days: int, today: datetime.date, now) -> int:
    first_month = periods.index_of(today, calendar, Grain.MONTH) - KEPT_MONTHS + 1
    rows = events_compute(calendar=calendar, active_days=active_days, today=today, first_month=first_month)
    ChurnEventSnapshot.objects.filter(calendar=calendar, active_days=active_days).delete()
    ChurnEventSnapshot.objects.bulk_create(
        [ChurnEventSnapshot(calendar=calendar, active_days=active_days, computed_at=now, **row) for row in rows],
        batch_size=2000,
    )
    return len(rows)


def lifetimes(
    *, calendar: str, active_days: int, first_month: int, last_month: int, owner=None, segment=None
) -> Lifetimes:
    """Churn events of the months ``first_month`` to ``last_month`` (period indexes) by bucket."""
    rows = ChurnEventSnapshot.objects.filter(
        calendar=calendar, active_days=active_days, month_index__gte=first_month, month_index__lte=last_month
    ).of(owner=owner, segment=segment)
    counts = {
        (row["bucket"], row["one_and_done"]): row["e"]
        for row in rows.values("bucket", "one_and_done").order_by().annotate(e=Sum("events"))
    }
    per_bucket = [
        sum(n for (bucket, _once), n in counts.items() if bucket == index) for index in range(len(LIFETIME_BUCKETS))
    ]
    total = sum(per_bucket)
    once = sum(n for (_bucket, one), n in counts.items() if one)
    buckets = [
        Bucket(low, high, events, rate(events, total))
        for (low, high), events in zip(LIFETIME_BUCKETS, per_bucket, strict=True)
    ]
    return Lifetimes(total, once, buckets)
