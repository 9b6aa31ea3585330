"""How surveys hook into the rest: auto-send after calls, and answers on the customer timeline."""

from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from customers.selectors import TimelineEntry
from followups.signals import followup_completed
from surveys import services
from surveys.models import Survey


@receiver(followup_completed)
def send_post_contact_survey(sender, followup, by, **kwargs):
    """A manager can have the short survey sent after calls closed with chosen outcomes."""
    survey = services.survey_for(Survey.Kind.POST_CONTACT)
    if followup.outcome in (survey.auto_send_outcomes or []):
        services.invitations_send(
            survey=survey, customers=Customer.objects.filter(pk=followup.customer_id), by=by, followup=followup
        )


def survey_timeline(customer: Customer, limit: int) -> list[TimelineEntry]:
    entries = []
    for response in customer.survey_responses.select_related("survey").order_by("-answered_at")[:limit]:
        summary = " · ".join(part for part in (response.reason, *response.improvements) if part)
        entries.append(
            TimelineEntry(
                kind="survey",
                kind_label=_("Survey: %(survey)s") % {"survey": response.survey.get_kind_display()},
                at=response.answered_at,
                sort_key=response.answered_at,
                summary=summary,
                outcome=response.get_category_display(),
                score=response.score,
            )
        )
    return entries


def calendar_label() -> str:
    return _("Survey answers")


def survey_answer_days(customer: Customer, since) -> list:
    moments = customer.survey_responses.filter(answered_at__date__gte=since).values_list("answered_at", flat=True)
    return [timezone.localdate(moment) for moment in moments]
