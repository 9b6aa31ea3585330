from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Orders a shop platform posts to Peygir, signed with a shared secret; no app below imports it."""

    name = "webhooks"
    verbose_name = _("Shop webhook")
