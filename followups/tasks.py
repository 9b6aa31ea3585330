"""Celery tasks: thin wrappers over the services, retried on database or mail errors."""

import logging

from celery import shared_task
from django.db import DatabaseError

from followups import digest, hourly

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=30, max_retries=5)
def materialise_followups_task() -> int:
    return hourly.calls_due_bring_up_to_date().plan_calls


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=60, max_retries=6)
def send_morning_digests_task() -> int:
    queued = digest.send_morning_digests()
    logger.info("send_morning_digests_task queued %s digests", queued)
    return queued
