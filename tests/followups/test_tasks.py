"""followups/tasks.py and the beat schedule: eager tasks return counts; the jobs run when they should."""

import datetime

import pytest
from celery.schedules import crontab
from django.conf import settings as django_settings
from django.core import mail
from django.utils import timezone

from followups import tasks
from followups.models import FollowUp, FollowUpPlan
from retention_crm.celery import app
from tests.factories import CustomerFactory, FollowUpFactory, FollowUpPlanFactory, RepFactory

pytestmark = pytest.mark.django_db

MATERIALISE = "followups.tasks.materialise_followups_task"
DIGEST = "followups.tasks.send_morning_digests_task"


@pytest.fixture
def eager():
    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    app.conf.update(task_always_eager=saved[0], task_eager_propagates=saved[1])


def _job(task_name: str) -> dict:
    (job,) = [job for job in django_settings.CELERY_BEAT_SCHEDULE.values() if job["task"] == task_name]
    return job


def test_materialisation_runs_every_hour():
    schedule = _job(MATERIALISE)["schedule"]
    assert isinstance(schedule, crontab)
    assert schedule.hour == set(range(24))
    assert len(schedule.minute) == 1


def test_the_morning_digest_runs_at_eight():
    schedule = _job(DIGEST)["schedule"]
    assert isinstance(schedule, crontab)
    assert (schedule.hour, schedule.minute) == ({8}, {0})


def test_the_beat_runs_on_tehran_time():
    assert django_settings.CELERY_TIMEZONE == "Asia/Tehran"
    assert app.conf.timezone == "Asia/Tehran"


def test_the_scheduled_tasks_are_registered_with_the_celery_app():
    assert {MATERIALISE, DIGEST} <= set(app.tasks)
    assert app.tasks[MATERIALISE].name == tasks.materialise_followups_task.name == MATERIALISE


def test_the_materialise_task_returns_how_many_follow_ups_it_created(eager):
    today = timezone.localdate()
    plan = FollowUpPlanFactory(unit=FollowUpPlan.Unit.WEEKS, starts_on=today - datetime.timedelta(days=14))

    assert tasks.materialise_followups_task.delay().get() == 4
    assert FollowUp.objects.filter(plan=plan).count() == 4
    assert tasks.materialise_followups_task.delay().get() == 0


def test_the_digest_task_returns_how_many_digests_it_queued(eager, django_capture_on_commit_callbacks):
    rep = RepFactory(email="rep@example.com")
    FollowUpFactory(customer=CustomerFactory(owner=rep))

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_morning_digests_task.delay().get() == 1
        assert tasks.send_morning_digests_task.delay().get() == 0
    assert len(mail.outbox) == 1
