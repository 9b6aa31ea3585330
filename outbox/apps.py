from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    """Every outgoing email: the queue, attempts and backoff, and the "Sent emails" pages."""

    name = "outbox"
    verbose_name = _("Outbox")
