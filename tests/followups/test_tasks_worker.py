"""The materialisation task really runs on a Celery worker over Redis (no eager mode)."""

import datetime
import os

import celery.contrib.testing.tasks  # noqa: F401  (registers the ping task start_worker checks)
import pytest
import redis
from celery.contrib.testing.worker import start_worker

from followups.models import FollowUp, FollowUpPlan
from followups.tasks import materialise_followups_task
from retention_crm.celery import app
from tests.factories import CustomerFactory
from tests.production import forget_broker_connections

REDIS_URL = os.environ.get("PEYGIR_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

pytestmark = pytest.mark.django_db(transaction=True)


def _redis_is_up() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        return False


@pytest.fixture
def redis_worker():
    if not _redis_is_up():
        message = f"Redis is not reachable at {REDIS_URL}"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI always has Redis: never skip silently there
        pytest.skip(message)
    saved = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=REDIS_URL, result_backend=REDIS_URL, task_always_eager=False)
    forget_broker_connections(app)
    try:
        with start_worker(app, pool="solo", perform_ping_check=True, shutdown_timeout=10):
            yield app
    finally:
        app.conf.update(saved)
        forget_broker_connections(app)


def test_materialisation_task_runs_on_a_real_worker_and_creates_the_rows(redis_worker):
    today = datetime.date.today()
    customer = CustomerFactory()
    plan = FollowUpPlan.objects.create(
        customer=customer,
        assignee=customer.owner,
        every=1,
        unit=FollowUpPlan.Unit.WEEKS,
        starts_on=today - datetime.timedelta(days=14),
        anchor_on=today - datetime.timedelta(days=14),
        next_due_on=today - datetime.timedelta(days=14),
    )
    assert FollowUp.objects.count() == 0

    result = materialise_followups_task.delay()
    created = result.get(timeout=30)

    assert created == FollowUp.objects.filter(plan=plan).count() >= 3  # two missed weeks, this week, next
    assert materialise_followups_task.delay().get(timeout=30) == 0  # idempotent on the second run
