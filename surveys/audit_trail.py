"""The survey answers' export, as the audit trail names it and its filters (``audit.registry``)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from audit.registry import Fact, Shown, track_export
from customers.models import Segment
from surveys.models import SurveyResponse


def register() -> None:
    track_export(
        key="survey_responses",
        label=_("the survey answers"),
        model=SurveyResponse,
        filters={
            "segment": Fact(_("Segment"), model=Segment),
            "rep": Fact(_("Rep"), Shown.PERSON),
            "start": Fact(pgettext_lazy("date range", "From"), Shown.DATE),
            "end": Fact(_("Answered before"), Shown.DATE),  # the results' filter ends the day after "To"
        },
    )
