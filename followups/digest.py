"""The 08:00 email: each rep's calls for the day; managers also get the escalations."""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.models import language_of
from core.roles import MANAGER_GROUP, display_name
from followups import selectors
from outbox.services import email_queue

logger = logging.getLogger(__name__)


@dataclass
class Digest:
    subject: str
    text: str
    html: str


def digest_for(*, person, day: datetime.date, is_manager: bool) -> Digest | None:
    """The digest ``person`` should get on ``day``, in their language; None when there is nothing."""
    calls = list(selectors.followups_due_for(day=day, rep=person, until=day))
    escalated = list(selectors.escalated_followups(day=day)) if is_manager else []
    if not calls and not escalated:
        return None
    overdue = [f for f in calls if f.due_on < day]
    with translation.override(language_of(person)):
        context = {
            "person": person,
            "name": display_name(person),
            "day": day,
            "calls": calls,
            "overdue_count": len(overdue),
            "today_count": len(calls) - len(overdue),
            "escalated": escalated,
            "site_url": settings.PEYGIR_SITE_URL.rstrip("/"),
        }
        return Digest(
            subject=_("Peygir: %(count)s calls for today") % {"count": len(calls)},
            text=render_to_string("followups/email/digest.txt", context),
            html=render_to_string("followups/email/digest.html", context),
        )


def send_morning_digests(*, day: datetime.date | None = None) -> int:
    """Queue each person's digest (reps with calls; managers when something is escalated), once a day.

    The outbox sends them, with its retries; returns how many were queued by this call.
    """
    day = day or timezone.localdate()
    people = get_user_model().objects.filter(is_active=True).exclude(email="")
    managers = set(people.filter(Q(groups__name=MANAGER_GROUP) | Q(is_superuser=True)).values_list("pk", flat=True))
    recipients = set(selectors.reps_with_calls(day=day).values_list("pk", flat=True))
    if selectors.escalated_followups(day=day).exists():
        recipients |= managers
    queued = 0
    for person in people.filter(pk__in=recipients).order_by("pk"):
        digest = digest_for(person=person, day=day, is_manager=person.pk in managers)
        if digest is None:
            continue
        email = email_queue(
            key=f"digest:{person.pk}:{day.isoformat()}",
            to=person.email,
            subject=digest.subject,
            text=digest.text,
            html=digest.html,
        )
        queued += email.created
    logger.info("Morning digests for %s: %s queued.", day, queued)
    return queued
