"""Email through the database outbox: written in the caller's transaction, sent once by Celery after commit."""

from django.db import IntegrityError, transaction

from core.queue import enqueue_after_commit
from outbox.models import OutgoingEmail
from outbox.tasks import send_email_task

SWEEPER_SENDS_IT = "the outbox sweeper will pick it up"


def email_queue(
    *, key: str, to: str, subject: str, text: str, html: str = "", headers: dict | None = None
) -> OutgoingEmail:
    """Write the email; it is sent after the surrounding transaction commits. Same key, same email:
    ``email.created`` says whether this call wrote it."""
    try:
        with transaction.atomic():  # a savepoint: a duplicate key must not break the caller's transaction
            email = OutgoingEmail.objects.create(
                key=key, to=to, subject=subject, text_body=text, html_body=html, headers=headers or {}
            )
    except IntegrityError:
        email = OutgoingEmail.objects.get(key=key)
        email.created = False
        return email
    email.created = True
    enqueue_after_commit(send_email_task, email.pk, fallback=SWEEPER_SENDS_IT)
    return email


def email_resend(*, email: OutgoingEmail) -> None:
    """A manager's decision to try a failed email again."""
    OutgoingEmail.objects.filter(pk=email.pk, status=OutgoingEmail.Status.FAILED).update(
        status=OutgoingEmail.Status.PENDING
    )
    enqueue_after_commit(send_email_task, email.pk, fallback=SWEEPER_SENDS_IT)
