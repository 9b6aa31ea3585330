from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutgoingEmail(models.Model):
    """The outbox: an email is a row written in the caller's transaction and sent by Celery.

    A broker or SMTP outage only delays it: the row says when it may be tried next
    (``next_attempt_at``) and until when (``retry_until``), and only the sweeper schedules
    retries. The status guard (pending -> sending -> sent) and the unique key mean a doubled
    task never sends it twice; every attempt carries the same ``Message-ID``.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # The worker died mid-send: the server may or may not have taken it.
        UNKNOWN = "unknown", _("Interrupted")

    key = models.CharField(_("key"), max_length=100, unique=True, help_text=_("What the email is for, once."))
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    text_body = models.TextField(_("text"))
    html_body = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    retry_until = models.DateTimeField(_("retry until"), null=True, blank=True)
    enqueued_at = models.DateTimeField(_("enqueued"), null=True, blank=True)
    sending_since = models.DateTimeField(_("sending since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        # The table (and its index) predate the outbox app: kept, so no waiting email moves.
        db_table = "retention_crm_outgoingemail"
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        indexes = [
            models.Index(fields=["status", "created_at"], name="retention_c_status_00a390_idx"),
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
        ]

    def __str__(self):
        return f"{self.to} · {self.subject}"
