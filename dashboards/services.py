"""Writing the snapshots: the nightly job, the management command and a manager's refresh button
all come here. One transaction per N, so a page reads either the old figures or the new ones."""

import datetime
import time

from django.core.cache import cache
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from core import db
from customers.models import Customer
from dashboards import calls_snapshot, cohorts, definitions, flows, lifetimes, value
from dashboards.calendar_days import calendar_days_cover
from dashboards.models import (
    CallsEffectSnapshot,
    ChurnEventSnapshot,
    CohortSnapshot,
    CustomerYearSnapshot,
    FlowSnapshot,
    SnapshotRun,
)
from dashboards.periods import Calendar, Grain


def snapshots_refresh(*, active_days: int | None = None, today: datetime.date | None = None) -> SnapshotRun:
    """Counts every figure afresh for one N (the setting's by default)."""
    active_days = active_days or definitions.active_days()
    today = today or timezone.localdate()
    started, now = time.perf_counter(), timezone.now()
    with transaction.atomic():
        db.hold_lock(f"dashboards-snapshots-{active_days}")
        first = Customer.objects.aggregate(first=Min("first_purchase_on"), last=Max("last_purchase_on"))
        calendar_days_cover(first["first"], max(today, first["last"] or today) + datetime.timedelta(days=active_days))
        for calendar in Calendar.values:
            for grain in Grain.values:
                flows.snapshot_write(calendar=calendar, grain=grain, active_days=active_days, today=today, now=now)
            cohorts.snapshot_write(calendar=calendar, active_days=active_days, today=today, now=now)
            lifetimes.snapshot_write(calendar=calendar, active_days=active_days, today=today, now=now)
        calls_snapshot.snapshot_write(active_days=active_days, today=today, now=now)
        value.year_snapshot_write(active_days=active_days, today=today, now=now)
        run, _created = SnapshotRun.objects.update_or_create(
            active_days=active_days,
            defaults={"computed_on": today, "computed_at": now, "seconds": time.perf_counter() - started},
        )
    return run


def snapshot_for(active_days: int | None = None) -> SnapshotRun | None:
    """The latest snapshots of this N. With none yet (the first visit, or another N a manager
    tries) a small shop's are counted now; a large shop's are queued once, and None says so."""
    active_days = active_days or definitions.active_days()
    run = SnapshotRun.objects.filter(active_days=active_days).first()
    if run is not None:
        return run
    if definitions.counted_in_the_request():
        return snapshots_refresh(active_days=active_days)
    if cache.add(f"dashboards-counting-{active_days}", True, timeout=QUEUED_SECONDS):
        from dashboards.tasks import snapshots_refresh_soon  # the tasks call these services

        snapshots_refresh_soon(active_days=active_days)
    return None


QUEUED_SECONDS = 15 * 60  # a queued count is not queued again for this long


def snapshots_drop(*, keep: int) -> int:
    """Every snapshot but those of N = ``keep``; returns how many N were dropped."""
    others = list(SnapshotRun.objects.exclude(active_days=keep).values_list("active_days", flat=True))
    with transaction.atomic():
        for model in (FlowSnapshot, CohortSnapshot, ChurnEventSnapshot, CallsEffectSnapshot, CustomerYearSnapshot):
            model.objects.filter(active_days__in=others).delete()
        SnapshotRun.objects.filter(active_days__in=others).delete()
    return len(others)
