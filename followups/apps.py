from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupsConfig(AppConfig):
    name = "followups"
    verbose_name = _("Follow-ups")

    def ready(self):
        from accounts.selectors import register_member_count
        from followups import audit_trail, receivers  # noqa: F401  (receivers connects signal receivers)
        from followups.selectors import open_calls_count

        audit_trail.register()
        register_member_count(key="open_calls", label=_("Open calls"), count=open_calls_count)
