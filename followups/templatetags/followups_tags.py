import functools

from django import template
from django.urls import get_script_prefix, reverse
from django.utils import timezone

from followups import cadence, reasons, selectors, services
from followups.forms import PlanForm
from followups.models import FollowUp

register = template.Library()


@register.filter
def days_before(earlier, later) -> int:
    """Whole days from ``earlier`` to ``later`` (how overdue a due date is)."""
    return (later - earlier).days


@register.simple_tag
def why(followup, day) -> str:
    """The row's reason, in the reader's language, from the facts stored with the call."""
    return reasons.explain(followup, day=day)


@register.simple_tag
def row_action_templates() -> list[str]:
    """The parts other apps add to a row's "more actions" (``selectors.register_row_action``)."""
    return selectors.row_actions()


@register.filter
def row_facts(followup) -> list[str]:
    """What other apps tell a rep about the row's customer (loyalty: tier and points)."""
    return selectors.row_facts(followup)


@register.filter
def outcome_label(value: str) -> str:
    return FollowUp.Outcome(value).label if value in FollowUp.Outcome.values else value


@register.inclusion_tag("followups/_customer_plans.html", takes_context=True)
def customer_followups(context, customer):
    """The follow-up block of the customer page: plans, what is due, and how to add a plan."""
    request = context["request"]
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "customer": customer,
        "plans": selectors.plans_for_customer(customer=customer),
        "pending": selectors.pending_followups_for_customer(customer=customer),
        "raised": selectors.raised_calls_for_customer(customer=customer),
        "plan_form": PlanForm(user=request.user, customer=customer),
        "presets": cadence.PRESET_MONTHS,
        "default_months": services.default_cadence_months(),
        "today": timezone.localdate(),
    }


@register.simple_tag
def url_for(name: str, pk: int) -> str:
    """``{% url name pk %}`` for list rows: the URL is resolved once per name, then the pk is filled in."""
    return _url_pattern(name, get_script_prefix()).replace(_PK_SENTINEL, str(pk))


_PK_SENTINEL = "987654321"


@functools.lru_cache(maxsize=64)
def _url_pattern(name: str, script_prefix: str) -> str:
    return reverse(name, args=[int(_PK_SENTINEL)])
