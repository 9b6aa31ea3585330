"""Celery tasks: the nightly snapshots, and a manager's "refresh now"."""

import datetime

from celery import shared_task
from django.db import DatabaseError

from core.queue import enqueue_after_commit
from dashboards import calls_snapshot, definitions, services


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=60, max_retries=5)
def snapshots_refresh_task(active_days: int | None = None) -> dict:
    run = services.snapshots_refresh(active_days=active_days)
    return {"active_days": run.active_days, "seconds": round(run.seconds, 2)}


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=60, max_retries=5)
def nightly_snapshots_task() -> dict:
    """The setting's N is counted afresh; the snapshots of other N a manager tried are dropped (the
    next try counts them again), so the tables hold a bounded number of them."""
    dropped = services.snapshots_drop(keep=definitions.active_days())
    return snapshots_refresh_task(None) | {"dropped": dropped}


def snapshots_refresh_soon(*, active_days: int) -> None:
    """Queue a refresh; with no broker reachable it is counted here and now (slower, never lost)."""
    enqueue_after_commit(
        snapshots_refresh_task,
        active_days,
        fallback="counting the dashboards in the request",
        on_failure=lambda: services.snapshots_refresh(active_days=active_days),
    )


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=60, max_retries=3)
def calls_compare_task(start: str, end: str, today: str, owner_id, segment_id, with_reps: bool) -> None:
    day = datetime.date.fromisoformat
    calls_snapshot.asked_compare(
        start=day(start), end=day(end), today=day(today), owner_id=owner_id, segment_id=segment_id, with_reps=with_reps
    )


def calls_compare_soon(*, start, end, today, owner_id, segment_id, with_reps) -> None:
    """Queue a comparison a reader asked for; with no broker it is compared here (slower, never lost)."""
    arguments = (start.isoformat(), end.isoformat(), today.isoformat(), owner_id, segment_id, with_reps)
    enqueue_after_commit(
        calls_compare_task,
        *arguments,
        fallback="comparing the calls in the request",
        on_failure=lambda: calls_compare_task(*arguments),
    )
