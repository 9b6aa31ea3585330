"""The nightly rhythm job: a Celery task and a command over the same service."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from customers.models import PurchaseRhythm
from customers.services import purchase_add
from customers.tasks import refresh_rhythm_task
from followups.models import FollowUp
from retention_crm.celery import app
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gone_quiet(rep):
    customer = CustomerFactory(owner=rep)
    for days in (190, 160, 130, 100):
        purchase_add(
            customer=customer, purchased_on=timezone.localdate() - datetime.timedelta(days=days), amount=Decimal(1)
        )
    PurchaseRhythm.objects.filter(customer=customer).update(silent_since=None)  # as if the night had not come yet
    return customer


def test_the_nightly_task_flags_the_silent_and_raises_their_win_backs(gone_quiet):
    assert refresh_rhythm_task.delay().get() == 1

    assert PurchaseRhythm.objects.get(customer=gone_quiet).silent_since is not None
    assert FollowUp.objects.filter(customer=gone_quiet, reason=FollowUp.Reason.WIN_BACK).count() == 1


def test_the_command_does_the_same(gone_quiet):
    out = StringIO()
    call_command("refresh_rhythm", stdout=out)

    assert "The rhythm of 1 customers changed." in out.getvalue()
    assert FollowUp.objects.filter(customer=gone_quiet, reason=FollowUp.Reason.WIN_BACK).exists()


def test_celery_beat_runs_it_every_night():
    entry = settings.CELERY_BEAT_SCHEDULE["refresh-rhythm"]
    assert entry["task"] in app.tasks
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({2}, {30})
