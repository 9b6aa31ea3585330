"""The hourly job, in one place for the Celery task and the command: every call due within the
horizon exists, whatever raised it."""

import datetime
import logging
from dataclasses import dataclass

from django.utils import timezone

from followups import onboarding, renewals, services

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class HourlyRun:
    given_default_cadence: int
    onboarding_calls: int
    renewal_calls: int
    plan_calls: int


def calls_due_bring_up_to_date(*, today: datetime.date | None = None) -> HourlyRun:
    """Default cadence for customers without a plan, then onboarding and renewal calls, then the
    plans' calls within the horizon. Each step is idempotent, so a doubled or missed run is harmless."""
    today = today or timezone.localdate()
    run = HourlyRun(
        given_default_cadence=services.plans_give_default_cadence(today=today),
        onboarding_calls=onboarding.onboarding_calls_raise(today=today),
        renewal_calls=renewals.renewals_raise(today=today),
        plan_calls=services.materialise_due(today=today),
    )
    logger.info("Calls brought up to date: %s", run)
    return run
