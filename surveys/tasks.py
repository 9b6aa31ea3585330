import logging

from celery import shared_task
from django.db import DatabaseError

from surveys import services

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=60, max_retries=5)
def send_survey_reminders_task() -> int:
    sent = services.reminders_send()
    logger.info("send_survey_reminders_task queued %s reminders", sent)
    return sent


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=60, max_retries=5)
def send_onboarding_surveys_task() -> int:
    sent = services.onboarding_surveys_send()
    logger.info("send_onboarding_surveys_task invited %s new customers", sent)
    return sent
