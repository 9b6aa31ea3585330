from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The audit trail's reading side: the apps that own the records say what is tracked (``audit.registry``)."""

    name = "audit"
    verbose_name = _("Audit trail")
