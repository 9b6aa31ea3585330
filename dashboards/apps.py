from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """Read-only figures over the other apps (churn, retention, cohorts, ...): no app below imports it."""

    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self):
        from dashboards import audit_trail

        audit_trail.register()
