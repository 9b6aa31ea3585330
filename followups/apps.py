from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupsConfig(AppConfig):
    name = "followups"
    verbose_name = _("Follow-ups")

    def ready(self):
        from followups import audit_trail, receivers  # noqa: F401  (receivers connects signal receivers)

        audit_trail.register()
