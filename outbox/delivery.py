"""Sending what the outbox holds: one row at a time, guarded by its status, from Celery or a command.

The row is the schedule. ``next_attempt_at`` says when an email may be tried, ``retry_until``
until when, ``enqueued_at`` that a task is already on its way; only the sweeper (every minute)
enqueues retries, so an outage delays mail without multiplying tasks. Every function takes
``now`` so tests (and the fault tests) can run hours of outage in simulated time.
"""

import datetime
import logging
import random

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from outbox.models import OutgoingEmail

logger = logging.getLogger(__name__)

Status = OutgoingEmail.Status

# Backoff after a failed attempt: 1, 2, 4 ... minutes, never more than two hours, each ±25 %
# so a thousand emails failed by one outage do not all come back in the same second.
RETRY_FIRST = datetime.timedelta(minutes=1)
RETRY_LONGEST = datetime.timedelta(hours=2)
RETRY_JITTER = 0.25
# An email enqueued this long ago and still waiting lost its task (a broker outage): sweep it again.
ENQUEUE_LEASE = datetime.timedelta(minutes=10)
# A send is bounded by EMAIL_TIMEOUT; one "sending" this long was interrupted (a killed worker).
# Whether the server took it cannot be known, so it is not retried by itself (see UNKNOWN).
INTERRUPTED_AFTER = datetime.timedelta(minutes=15)
# The sweeper claims rows in batches of this many, and at most SWEEP_LIMIT a run.
SWEEP_BATCH = 500
SWEEP_LIMIT = 10_000


def retry_window() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.PEYGIR_EMAIL_RETRY_HOURS)


def retry_delay(*, attempts: int, rng: random.Random | None = None) -> datetime.timedelta:
    """How long to wait after the ``attempts``-th failed try."""
    base = min(RETRY_FIRST * 2 ** max(attempts - 1, 0), RETRY_LONGEST)
    return base * (rng or random).uniform(1 - RETRY_JITTER, 1 + RETRY_JITTER)


def email_send(*, email_id: int, now: datetime.datetime | None = None) -> bool:
    """Send one outbox row if it is waiting and due. True when this call delivered it.

    A failed attempt is written on the row (when to try next, or failed after the window) and
    logged in one line; it is not raised, because the sweeper, not the task, schedules retries.
    """
    now = now or timezone.now()
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().get(pk=email_id)
        if email.status != Status.PENDING or email.next_attempt_at > now:
            return False
        email.status = Status.SENDING
        email.attempts += 1
        email.sending_since = now
        email.save(update_fields=["status", "attempts", "sending_since"])
    try:
        _message(email).send()
    except Exception as error:
        _attempt_failed(email=email, error=error, now=now)
        return False
    OutgoingEmail.objects.filter(pk=email.pk).update(status=Status.SENT, sent_at=timezone.now(), last_error="")
    return True


def _message(email: OutgoingEmail) -> EmailMultiAlternatives:
    # The same Message-ID on every attempt: a receiving server or mail client that got the
    # email already (its reply to us was lost) recognises a second copy.
    headers = {**email.headers, "Message-ID": email.message_id} if email.message_id else email.headers
    message = EmailMultiAlternatives(email.subject, email.text_body, to=[email.to], headers=headers)
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    return message


def _attempt_failed(*, email: OutgoingEmail, error: Exception, now: datetime.datetime) -> None:
    retry_until = email.retry_until or email.created_at + retry_window()
    rows = OutgoingEmail.objects.filter(pk=email.pk, status=Status.SENDING)
    if now >= retry_until:
        rows.update(status=Status.FAILED, last_error=str(error)[:2000])
        logger.error("Email %s failed for %s attempts until %s; marked failed.", email.pk, email.attempts, retry_until)
        return
    next_attempt = now + retry_delay(attempts=email.attempts)
    rows.update(status=Status.PENDING, next_attempt_at=next_attempt, enqueued_at=None, last_error=str(error)[:2000])
    logger.warning("Email %s attempt %s failed (%s); next at %s.", email.pk, email.attempts, error, next_attempt)


def outbox_sweep(*, now: datetime.datetime | None = None) -> list[int]:
    """Settle interrupted sends, then claim the emails whose next attempt is due and that have no
    task on its way. Returns the ids claimed; the caller enqueues them (after commit).

    Rows are claimed with SKIP LOCKED in batches, so two sweepers at once (two beats) never
    claim the same email.
    """
    now = now or timezone.now()
    OutgoingEmail.objects.filter(status=Status.SENDING, sending_since__lt=now - INTERRUPTED_AFTER).update(
        status=Status.UNKNOWN
    )
    claimed: list[int] = []
    while len(claimed) < SWEEP_LIMIT:
        with transaction.atomic():
            batch = list(
                emails_due(now=now)
                .select_for_update(skip_locked=True)
                .order_by("next_attempt_at", "pk")
                .values_list("pk", flat=True)[:SWEEP_BATCH]
            )
            OutgoingEmail.objects.filter(pk__in=batch).update(enqueued_at=now)
        claimed += batch
        if len(batch) < SWEEP_BATCH:
            break
    return claimed


def emails_due(*, now: datetime.datetime):
    """Waiting, due, and with no task on its way (never enqueued, or its task was lost)."""
    return OutgoingEmail.objects.filter(status=Status.PENDING, next_attempt_at__lte=now).filter(
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - ENQUEUE_LEASE)
    )


def task_lost(*, email_id: int) -> None:
    """The broker refused the task: the next sweep picks the email up."""
    OutgoingEmail.objects.filter(pk=email_id, status=Status.PENDING).update(enqueued_at=None)
