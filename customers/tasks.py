"""Celery tasks: thin wrappers over the customers' services, retried on database errors."""

import logging

from celery import shared_task
from django.db import DatabaseError

from customers import imports, services

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=60, max_retries=5)
def refresh_rhythm_task() -> int:
    changed = services.customers_refresh_rhythm()
    logger.info("refresh_rhythm_task changed the rhythm of %s customers", changed)
    return changed


# acks_late + reject_on_worker_lost: a worker killed mid-file leaves the task on the queue, and the
# next worker continues the run from the last chunk it committed.
@shared_task(
    acks_late=True, reject_on_worker_lost=True, autoretry_for=(DatabaseError,), retry_backoff=30, max_retries=5
)
def import_pass_task(run_id: str, token: str) -> None:
    imports.pass_run(run_id, token)
