from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self):
        from customers.selectors import register_calendar_source, register_timeline_source
        from surveys import audit_trail, receivers

        audit_trail.register()
        register_timeline_source(receivers.survey_timeline)
        register_calendar_source(receivers.calendar_label, receivers.survey_answer_days)
