"""Celery tasks: thin wrappers over the customers' services, retried on database errors."""

import logging

from celery import shared_task
from django.db import DatabaseError

from customers import services

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=60, max_retries=5)
def refresh_rhythm_task() -> int:
    changed = services.customers_refresh_rhythm()
    logger.info("refresh_rhythm_task changed the rhythm of %s customers", changed)
    return changed
