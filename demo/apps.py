from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data set: sits above the business apps and seeds each through its own module."""

    name = "demo"
    verbose_name = _("Demo data")
