"""Outbox tasks: send one email, and the sweeper that is the outbox's only scheduler of retries."""

import logging

from celery import shared_task

from outbox import delivery

logger = logging.getLogger(__name__)


@shared_task
def send_email_task(email_id: int) -> bool:
    """One attempt. A failure is written on the row for the sweeper; the task never retries itself."""
    return delivery.email_send(email_id=email_id)


@shared_task
def sweep_outbox_task() -> int:
    claimed = delivery.outbox_sweep()
    for email_id in claimed:
        send_email_task.delay(email_id)
    if claimed:
        logger.info("Outbox sweep enqueued %s emails", len(claimed))
    return len(claimed)
