"""Reads of the audit trail: the log page and a customer's history, newest first."""

import datetime

from auditlog.models import LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from audit import reading, registry

HISTORY_LENGTH = 10  # on the customer page; the log page has the rest


def log_entries(
    *,
    kind: str = "",
    actor: AbstractBaseUser | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    customer_id: int | None = None,
) -> QuerySet[LogEntry]:
    """Entries of the trail; ``start`` and ``end`` are days (inclusive) in the shop's time zone."""
    entries = LogEntry.objects.filter(registry.recorded()).select_related("actor").order_by("-timestamp", "-id")
    if kind:
        found = registry.kind_filter(kind)
        entries = entries.filter(found) if found is not None else entries.none()
    if actor is not None:
        entries = entries.filter(actor=actor)
    if start:
        entries = entries.filter(timestamp__gte=_midnight(start))
    if end:
        entries = entries.filter(timestamp__lt=_midnight(end + datetime.timedelta(days=1)))
    if customer_id is not None:
        entries = entries.filter(**{f"additional_data__{registry.CUSTOMER_KEY}": customer_id})
    return entries


def customer_history(*, customer_id: int, length: int = HISTORY_LENGTH) -> tuple[list[reading.Line], bool]:
    """The newest entries about a customer and their records (deleted ones too), and whether there are more."""
    entries = list(log_entries(customer_id=customer_id)[: length + 1])
    return reading.lines(entries[:length]), len(entries) > length


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
