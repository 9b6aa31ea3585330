"""Email through the database outbox: written in the caller's transaction, sent by Celery after commit.

What is guaranteed (README, "What Peygir guarantees"): an email written here is never lost to a
broker or SMTP outage; it is tried with backoff for PEYGIR_EMAIL_RETRY_HOURS. A copy can arrive
twice only when a connection drops after the server accepted it, and both copies carry the same
Message-ID.
"""

from email.utils import make_msgid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.queue import enqueue_after_commit
from outbox import delivery
from outbox.models import OutgoingEmail
from outbox.tasks import send_email_task, sweep_outbox_task

SWEEPER_SENDS_IT = "the outbox sweeper will pick it up"
Status = OutgoingEmail.Status


class ConfirmationNeeded(Exception):
    """An interrupted email may have been delivered: sending it again needs a person's yes."""


def email_queue(
    *, key: str, to: str, subject: str, text: str, html: str = "", headers: dict | None = None
) -> OutgoingEmail:
    """Write the email; it is sent after the surrounding transaction commits. Same key, same email:
    ``email.created`` says whether this call wrote it."""
    now = timezone.now()
    try:
        with transaction.atomic():  # a savepoint: a duplicate key must not break the caller's transaction
            email = OutgoingEmail.objects.create(
                key=key,
                to=to,
                subject=subject,
                text_body=text,
                html_body=html,
                headers=headers or {},
                message_id=message_id_new(),
                created_at=now,
                next_attempt_at=now,
                retry_until=now + delivery.retry_window(),
                enqueued_at=now,
            )
    except IntegrityError:
        email = OutgoingEmail.objects.get(key=key)
        email.created = False
        return email
    email.created = True
    _enqueue(email.pk)
    return email


def message_id_new() -> str:
    """One Message-ID per email, in the sender's domain, kept across every attempt."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "peygir"
    return make_msgid(idstring="peygir", domain=domain)


def email_resend(*, email: OutgoingEmail, confirmed: bool = False) -> None:
    """A manager's decision to try a failed email again, with a fresh retry window.

    An interrupted one (``unknown``) may already be in the customer's inbox: it is sent again
    only when ``confirmed``; it keeps its Message-ID, so most mail clients show one copy.
    """
    if email.status == Status.UNKNOWN and not confirmed:
        raise ConfirmationNeeded
    if _retry(OutgoingEmail.objects.filter(pk=email.pk, status__in=[Status.FAILED, Status.UNKNOWN]), enqueued=True):
        _enqueue(email.pk)


def emails_retry_failed() -> int:
    """"Retry all failed" on the Sent emails page: one update, and one sweep to send them.

    Interrupted emails are left alone; each needs its own confirmation.
    """
    count = _retry(OutgoingEmail.objects.filter(status=Status.FAILED), enqueued=False)
    if count:
        enqueue_after_commit(sweep_outbox_task, fallback="the next scheduled sweep sends them")
    return count


def _retry(emails, *, enqueued: bool) -> int:
    now = timezone.now()
    return emails.update(
        status=Status.PENDING,
        next_attempt_at=now,
        retry_until=now + delivery.retry_window(),
        enqueued_at=now if enqueued else None,
    )


def _enqueue(email_id: int) -> None:
    enqueue_after_commit(
        send_email_task, email_id, fallback=SWEEPER_SENDS_IT, on_failure=lambda: delivery.task_lost(email_id=email_id)
    )
