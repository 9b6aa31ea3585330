from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API over the business apps' services and selectors; no app below imports it."""

    name = "api"
    verbose_name = _("API")

    def ready(self):
        from api import audit_trail, schema  # noqa: F401  (schema registers the token scheme with drf-spectacular)

        audit_trail.register()
