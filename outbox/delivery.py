"""Sending what the outbox holds: one row at a time, guarded by its status, from Celery or a command."""

import datetime

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from outbox.models import OutgoingEmail

# A row stuck in "sending" this long was interrupted mid-send: we cannot know whether the
# SMTP server took it, so it is marked failed (a manager can send it again) rather than
# retried and possibly delivered twice.
INTERRUPTED_AFTER = datetime.timedelta(minutes=30)


def email_send(*, email_id: int) -> bool:
    """Send one outbox row if it is still waiting. Returns True when this call sent it.

    Raises the SMTP error after putting the row back to waiting, so the task retries.
    """
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().get(pk=email_id)
        if email.status != OutgoingEmail.Status.PENDING:
            return False
        email.status = OutgoingEmail.Status.SENDING
        email.attempts += 1
        email.sending_since = timezone.now()
        email.save(update_fields=["status", "attempts", "sending_since"])
    message = EmailMultiAlternatives(email.subject, email.text_body, to=[email.to], headers=email.headers)
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    try:
        message.send()
    except Exception as error:
        OutgoingEmail.objects.filter(pk=email.pk).update(
            status=OutgoingEmail.Status.PENDING, last_error=str(error)[:2000]
        )
        raise
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=OutgoingEmail.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def emails_waiting(*, older_than: datetime.timedelta = datetime.timedelta(minutes=1)) -> list[int]:
    """Waiting emails whose task never ran (broker outage), and interrupted ones marked failed."""
    now = timezone.now()
    OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENDING, sending_since__lt=now - INTERRUPTED_AFTER).update(
        status=OutgoingEmail.Status.FAILED, last_error="Interrupted while sending; not retried to avoid a duplicate."
    )
    return list(
        OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING, created_at__lt=now - older_than).values_list(
            "pk", flat=True
        )
    )


def attempts_of(*, email_id: int) -> int:
    return OutgoingEmail.objects.values_list("attempts", flat=True).get(pk=email_id)


def email_give_up(*, email_id: int, error: str) -> None:
    """After the last retry: failed, so the sweeper stops and a manager sees it (and can resend)."""
    OutgoingEmail.objects.filter(pk=email_id, status=OutgoingEmail.Status.PENDING).update(
        status=OutgoingEmail.Status.FAILED, last_error=error[:2000]
    )
