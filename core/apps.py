from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Domain-neutral helpers every app uses; imports no other app of Peygir."""

    name = "core"
    verbose_name = _("Peygir")
