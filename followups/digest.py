"""The 08:00 email: each rep's calls for the day; managers also get the escalations."""

import datetime
import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from core.links import absolute_url
from core.models import language_of
from core.numbers import format_number
from core.roles import MANAGER_GROUP, display_name
from followups import selectors
from followups.models import FollowUp
from outbox.services import email_queue

logger = logging.getLogger(__name__)


@dataclass
class Digest:
    subject: str
    text: str
    html: str


# An email lists the top of the ranked list; the rest waits on the page.
DIGEST_ROWS = 20


def digest_for(*, person, day: datetime.date, is_manager: bool) -> Digest | None:
    """The digest ``person`` should get on ``day``, in their language; None when there is nothing.

    Bounded whatever the list's size: counts, the top ``DIGEST_ROWS`` calls by rank (each
    with its reason) and, for managers, the oldest escalated calls.
    """
    counts = selectors.calls_due_counts(day=day, rep=person)
    calls = list(selectors.followups_due_for(day=day, rep=person)[:DIGEST_ROWS])
    escalated = selectors.escalated_followups(day=day) if is_manager else FollowUp.objects.none()
    escalated_count = escalated.count()
    if not calls and not escalated_count:
        return None
    with translation.override(language_of(person)):
        context = {
            "person": person,
            "name": display_name(person),
            "day": day,
            "calls": calls,
            "more_calls": counts.due - len(calls),
            "overdue_count": counts.overdue,
            "today_count": counts.today,
            "escalated": list(escalated[:DIGEST_ROWS]),
            "escalated_count": escalated_count,
            "calls_url": absolute_url(reverse("followups:calls_due")),
        }
        return Digest(
            subject=ngettext("Peygir: %(count)s call for today", "Peygir: %(count)s calls for today", counts.due)
            % {"count": format_number(counts.due)},
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
