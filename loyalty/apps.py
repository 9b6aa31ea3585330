from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    name = "loyalty"
    verbose_name = _("Loyalty")

    def ready(self):
        from customers.selectors import register_timeline_source
        from followups.selectors import register_row_action, register_row_fact
        from loyalty import audit_trail, receivers

        audit_trail.register()
        register_timeline_source(receivers.adjustments_timeline)
        register_timeline_source(receivers.tier_changes_timeline)
        register_timeline_source(receivers.redemptions_timeline)
        register_row_fact(receivers.row_annotations, receivers.row_sentence)
        register_row_action("loyalty/_row_redeem.html", _("redeem points"))
