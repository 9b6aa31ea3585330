"""Two beat processes at once (a second beat left running after a deploy): every job fires twice at
the same instant, and the effects are those of one run.

Each job of CELERY_BEAT_SCHEDULE runs first once inside a transaction that is rolled back (what one
beat would do), then twice at once from two threads with their own connections (what two beats
do). The rows written must be the same.
"""

import datetime
from importlib import import_module

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from customers.models import Interaction, PurchaseRhythm
from dashboards.models import FlowSnapshot, SnapshotRun
from followups.models import FollowUp, FollowUpPlan
from loyalty.models import LoyaltyAccount, PointsEntry
from outbox.models import OutgoingEmail
from surveys.models import SurveyInvitation
from tests.concurrency import run_at_once, skip_on_sqlite

pytestmark = pytest.mark.django_db(transaction=True)


class _OneRun(Exception):
    pass


def _job(path: str):
    module, name = path.rsplit(".", 1)
    return getattr(import_module(module), name)


def _effects() -> dict:
    return {
        "follow-ups": FollowUp.objects.count(),
        "open follow-ups": FollowUp.objects.filter(status=FollowUp.Status.OPEN).count(),
        "plans' next dates": sorted(FollowUpPlan.objects.values_list("pk", "next_due_on")),
        "emails": OutgoingEmail.objects.count(),
        "invitations": SurveyInvitation.objects.count(),
        "interactions": Interaction.objects.count(),
        "silent customers": PurchaseRhythm.objects.filter(silent_since__isnull=False).count(),
        "rhythms": sorted(PurchaseRhythm.objects.values_list("pk", "gap_days")),
        "points entries": PointsEntry.objects.count(),
        "points balances": sorted(LoyaltyAccount.objects.values_list("pk", "available", "pending")),
        "dashboard periods": sorted(
            FlowSnapshot.objects.values_list("calendar", "grain", "period_index", "owner_id", "start", "end")
        ),
        "dashboard runs": SnapshotRun.objects.count(),
    }


def test_every_scheduled_job_fired_by_two_beats_at_once_has_the_effect_of_one(settings):
    skip_on_sqlite()
    call_command("seed_demo", customers=80, stdout=open("/dev/null", "w"))  # noqa: SIM115
    # The demo has run its jobs already: take their work back so every job has something to do.
    FollowUp.objects.all().delete()
    FollowUpPlan.objects.update(next_index=0, next_due_on=F("anchor_on"))
    OutgoingEmail.objects.all().delete()
    PurchaseRhythm.objects.all().delete()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    PointsEntry.objects.filter(kind=PointsEntry.Kind.PURCHASE).update(state="pending", available_on=yesterday)
    before_points = _effects()["points balances"]
    jobs = [_job(entry["task"]) for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert len(jobs) == 8

    try:
        with transaction.atomic():
            for job in jobs:
                job.apply()
            once = _effects()
            raise _OneRun
    except _OneRun:
        pass
    mail.outbox = []

    for job in jobs:
        for result in run_at_once(lambda job=job: job.apply(), count=2):
            assert result.successful(), result.traceback
    twice = _effects()

    assert once["follow-ups"] and once["emails"] and once["silent customers"], once
    assert once["points balances"] != before_points, "the loyalty job released the pending points"
    assert once["dashboard periods"] and once["dashboard runs"] == 1
    assert twice == once
    delivered = [message.message()["Message-ID"] for message in mail.outbox]
    assert len(delivered) == len(set(delivered)), "no email delivered twice"
    assert len(delivered) == OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count()
