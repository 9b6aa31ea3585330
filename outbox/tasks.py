"""Outbox tasks: send one email (retried with backoff) and sweep what was never enqueued."""

import logging

from celery import shared_task

from outbox import delivery

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=8)
def send_email_task(self, email_id: int) -> bool:
    try:
        return delivery.email_send(email_id=email_id)
    except Exception as error:
        # Tries are counted on the row, so the sweeper's re-sends count too (and eager mode, where
        # a retry is not scheduled but left to the sweeper, also ends).
        if delivery.attempts_of(email_id=email_id) > self.max_retries:
            delivery.email_give_up(email_id=email_id, error=str(error))
            logger.error("Email %s failed %s times; marked failed.", email_id, self.max_retries + 1)
            return False
        raise self.retry(exc=error, countdown=min(30 * 2**self.request.retries, 3600)) from error


@shared_task
def sweep_outbox_task() -> int:
    waiting = delivery.emails_waiting()
    for email_id in waiting:
        send_email_task.delay(email_id)
    if waiting:
        logger.info("Outbox sweep re-enqueued %s emails", len(waiting))
    return len(waiting)
