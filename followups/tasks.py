"""Celery tasks: thin wrappers over the services, retried on database or mail errors."""

import logging

from celery import shared_task
from django.db import DatabaseError

from followups import digest, services

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=30, max_retries=5)
def materialise_followups_task() -> int:
    given = services.plans_give_default_cadence()
    if given:
        logger.info("materialise_followups_task gave %s customers the default cadence", given)
    created = services.materialise_due()
    logger.info("materialise_followups_task created %s follow-ups", created)
    return created


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=60, max_retries=6)
def send_morning_digests_task() -> int:
    queued = digest.send_morning_digests()
    logger.info("send_morning_digests_task queued %s digests", queued)
    return queued
