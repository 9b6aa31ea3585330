"""followups/management/commands: what an operator (or cron without Celery) runs."""

import datetime
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from followups.models import FollowUp, FollowUpPlan
from tests.factories import CustomerFactory, FollowUpFactory, FollowUpPlanFactory, RepFactory

pytestmark = pytest.mark.django_db


def _run(name: str) -> str:
    out = StringIO()
    call_command(name, stdout=out)
    return out.getvalue()


def test_materialise_followups_creates_the_due_follow_ups_and_says_how_many():
    today = timezone.localdate()
    plan = FollowUpPlanFactory(unit=FollowUpPlan.Unit.WEEKS, starts_on=today - datetime.timedelta(days=7))

    assert _run("materialise_followups").strip() == "3 follow-ups created."
    assert FollowUp.objects.filter(plan=plan).count() == 3
    assert _run("materialise_followups").strip() == "0 follow-ups created."


def test_materialise_followups_calls_the_service():
    with mock.patch("followups.services.materialise_due", return_value=42) as service:
        assert "42" in _run("materialise_followups")
    service.assert_called_once_with(today=timezone.localdate())


def test_send_digests_queues_todays_digests_once(django_capture_on_commit_callbacks):
    rep = RepFactory(email="rep@example.com")
    FollowUpFactory(customer=CustomerFactory(owner=rep))

    with django_capture_on_commit_callbacks(execute=True):
        assert _run("send_digests").strip() == "1 digests queued for sending."
    with django_capture_on_commit_callbacks(execute=True):
        assert _run("send_digests").strip() == "0 digests queued for sending."
    assert [m.to for m in mail.outbox] == [["rep@example.com"]]


def test_send_digests_calls_the_service():
    with mock.patch("followups.digest.send_morning_digests", return_value=7) as service:
        assert "7" in _run("send_digests")
    service.assert_called_once_with()
