"""Onboarding: a new customer's first weeks, as steps raised through the pipeline once per customer.

The steps come from ``PEYGIR_ONBOARDING`` (default ``welcome:2w, check_in:14, survey:30``: a
welcome call two working days after the first purchase, a check-in call on day 14, the
relationship survey on day 30; ``w`` counts working days). The calls are raised here, hourly with
the other calls; the survey is sent by ``surveys.services.onboarding_surveys_send``. A call step is
recorded as skipped, saying so, when the rep already reached the customer in its window (since
the step before, or since the first purchase).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from customers.models import Customer, Interaction
from followups.models import FollowUp
from followups.services import RaisedCall, followups_raise_many, horizon_for, working_days

CALL_STEPS = ("welcome", "check_in")
SURVEY_STEP = "survey"


@dataclass(frozen=True)
class OnboardingStep:
    name: str
    days: int
    working_days: bool

    def due_after(self, first_purchase_on: datetime.date) -> datetime.date:
        if self.working_days:
            return working_days().add(first_purchase_on, self.days)
        return first_purchase_on + datetime.timedelta(days=self.days)


def onboarding_steps() -> list[OnboardingStep]:
    """The setting, read in this one place: ``name:days`` (``w`` after the number: working days)."""
    steps = []
    for text in settings.PEYGIR_ONBOARDING:
        name, _colon, days = text.strip().partition(":")
        if name in (*CALL_STEPS, SURVEY_STEP) and days.rstrip("w").isdigit():
            steps.append(OnboardingStep(name, int(days.rstrip("w")), days.endswith("w")))
    return sorted(steps, key=lambda step: step.days)


def source_key(customer_id: int, step: str) -> str:
    return f"onboarding:customer:{customer_id}:{step}"


def onboarding_calls_raise(*, today: datetime.date) -> int:
    """Raise each new customer's call steps that fall due by the horizon; returns how many were new.

    New customers are those whose first purchase is recent enough for a step still to be ahead or
    just missed (a run missed for a week is caught up).
    """
    steps = [step for step in onboarding_steps() if step.name in CALL_STEPS]
    if not steps:
        return 0
    horizon = horizon_for(today)
    since = today - datetime.timedelta(days=max(step.days for step in steps) * 2 + 14)
    new_customers = Customer.objects.filter(first_purchase_on__gte=since, first_purchase_on__lte=today)
    reached = _reached_days(customers=new_customers, since=since)
    calls = []
    for pk, owner_id, first in new_customers.values_list("pk", "owner_id", "first_purchase_on").iterator(
        chunk_size=2000
    ):
        window_start = first
        for step in steps:
            due = step.due_after(first)
            if due > horizon:
                break
            contact = next((day for day in reached.get(pk, []) if window_start <= day <= due), None)
            facts = {"step": step.name, "since": first.isoformat()}
            if contact is not None:
                facts["skipped_reached_on"] = contact.isoformat()
            calls.append(
                RaisedCall(
                    customer_id=pk,
                    assignee_id=owner_id,
                    reason=FollowUp.Reason.ONBOARDING,
                    source_key=source_key(pk, step.name),
                    due_on=due,
                    facts=facts,
                    skipped=contact is not None,
                )
            )
            window_start = due
    return followups_raise_many(calls)


def _reached_days(*, customers: QuerySet[Customer], since: datetime.date) -> dict[int, list[datetime.date]]:
    """The days each of ``customers`` was reached (a call, visit, email or SMS that was not unanswered)."""
    contacts = (
        Interaction.objects.filter(
            customer__in=customers, kind__in=Interaction.CONTACT_KINDS, occurred_at__date__gte=since
        )
        .exclude(outcome__in=FollowUp.UNREACHED_OUTCOMES)
        .values_list("customer_id", "occurred_at")
        .order_by("occurred_at")
    )
    days: dict[int, list[datetime.date]] = {}
    for customer_id, moment in contacts.iterator(chunk_size=2000):
        days.setdefault(customer_id, []).append(timezone.localdate(moment))
    return days
