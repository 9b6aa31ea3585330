"""The customers behind a figure: who was active at a period's start, who churned in it, who came
back ... read live for one period (the snapshot keeps counts, not names), with the same words as
dashboards.definitions, so the list's length is the figure."""

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from customers.models import Customer, Purchase
from dashboards.periods import Period

FIGURES = ("start", "end", "new", "churned", "reactivated")


def _bought(first: datetime.date, last: datetime.date) -> Exists:
    return Exists(Purchase.objects.filter(customer=OuterRef("pk"), purchased_on__range=(first, last)))


def customers_behind(customers: QuerySet[Customer], *, figure: str, period: Period, active_days: int) -> QuerySet:
    """``customers`` (those the reader may see) narrowed to the ones a figure of ``period`` counts."""
    before = period.starts_on - datetime.timedelta(days=1)
    at_start = _bought(before - datetime.timedelta(days=active_days - 1), before)
    at_end = _bought(period.ends_on - datetime.timedelta(days=active_days - 1), period.ends_on)
    new = Q(first_purchase_on__range=(period.starts_on, period.ends_on))
    chosen = {
        "start": Q(at_start),
        "end": Q(at_end),
        "new": new,
        "churned": Q(at_start) & ~Q(at_end),
        "reactivated": ~Q(at_start) & Q(at_end) & Q(first_purchase_on__lt=period.starts_on),
    }[figure]
    return customers.filter(chosen)
