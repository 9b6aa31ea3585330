"""Fault tests for the outbox against a real SMTP server (aiosmtpd): outages, lost replies, no broker.

Hours of outage run in simulated time: every outbox function takes ``now``, so the test steps a
clock through the sweeps the beat would run, while the SMTP server is really down and really back.
"""

import datetime
import logging

import pytest
from django.urls import reverse
from django.utils import timezone

from outbox import delivery, tasks
from outbox import services as outbox_services
from outbox.models import OutgoingEmail
from tests.factories import CustomerFactory
from tests.production import SmtpSink, forget_broker_connections, free_port

Status = OutgoingEmail.Status


@pytest.fixture
def sink(settings):
    """A real SMTP server on a free port, and Django pointed at it."""
    server = SmtpSink().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


def _queue(count: int) -> list[OutgoingEmail]:
    return [
        outbox_services.email_queue(key=f"fault-{n}", to=f"c{n}@example.com", subject=f"موضوع {n}", text="متن")
        for n in range(count)
    ]


def _run_the_beat(*, start: datetime.datetime, hours: float, every_minutes: int = 5, before_tick=None) -> int:
    """What beat and the worker do over ``hours`` of simulated time: sweep, then send what was claimed.
    Returns the number of SMTP attempts."""
    attempts = 0
    ticks = int(hours * 60 / every_minutes)
    for tick in range(ticks + 1):
        now = start + datetime.timedelta(minutes=tick * every_minutes)
        if before_tick:
            before_tick(now)
        for email_id in delivery.outbox_sweep(now=now):
            attempts += 1
            delivery.email_send(email_id=email_id, now=now)
    return attempts


@pytest.mark.django_db
def test_an_smtp_outage_of_six_hours_delays_every_email_and_loses_none(sink, caplog):
    caplog.set_level(logging.WARNING)
    emails = _queue(100)
    start = timezone.now()
    sink.stop()  # the mail server goes away before the first attempt
    for queued in emails:  # the tasks enqueued after commit: each tries once and fails
        delivery.email_send(email_id=queued.pk, now=start)
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {Status.PENDING}

    back_at = start + datetime.timedelta(hours=6)

    def server_back(now):
        if now >= back_at and sink.controller is None:
            sink.start()

    attempts = 100 + _run_the_beat(start=start, hours=9, before_tick=server_back)

    assert list(OutgoingEmail.objects.exclude(status=Status.SENT)) == []
    ids = sink.message_ids()
    assert sorted(ids) == sorted(email.message_id for email in emails), "every email delivered exactly once"
    per_email = attempts / len(emails)
    # 1, 2, 4 ... minutes, capped at two hours: about ten tries over six hours, not hundreds.
    assert 5 <= per_email <= 14, per_email
    assert "Traceback" not in caplog.text
    print(f"100 emails, 6 h outage: {attempts} SMTP attempts ({per_email:.1f} per email), all delivered once")


@pytest.mark.django_db
def test_a_reply_lost_after_the_server_accepted_is_the_only_duplicate_and_keeps_its_message_id(sink):
    emails = _queue(30)
    sink.drop_reply_to = {"c3@example.com", "c17@example.com"}
    _run_the_beat(start=timezone.now() + delivery.ENQUEUE_LEASE, hours=1)

    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {Status.SENT}
    for queued in emails:
        copies = sink.to(queued.to)
        expected = 2 if queued.to in {"c3@example.com", "c17@example.com"} else 1
        assert len(copies) == expected, queued.to
        assert {copy["Message-ID"] for copy in copies} == {queued.message_id}


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_unreachable_a_bulk_send_answers_at_once_and_the_sweep_sends_later(
    client, manager, sink, caplog, unreachable_broker
):
    caplog.set_level(logging.WARNING)
    for n in range(80):
        CustomerFactory(name=f"مشتری {n}", email=f"c{n}@example.com", owner=manager)
    client.force_login(manager)
    response = client.post(reverse("surveys:send_bulk"), {"kind": "relationship"})

    assert response.status_code == 200
    assert "۸۰ دعوت‌نامه در صف است" in response.content.decode()
    assert unreachable_broker.publishes == 1, "one try at the broker, then the rest are left to the sweeper"
    assert caplog.text.count("Broker unreachable") == 1 and "Traceback" not in caplog.text
    assert OutgoingEmail.objects.filter(status=Status.PENDING, enqueued_at=None).count() == 80

    unreachable_broker.restore()  # the broker is back: the next sweep sends all 80
    assert tasks.sweep_outbox_task.delay().get() == 80
    assert len(sink.messages) == 80
    assert OutgoingEmail.objects.filter(status=Status.SENT).count() == 80


@pytest.fixture
def unreachable_broker(monkeypatch):
    """Celery publishing to a port where nothing listens; ``publishes`` counts tries at the broker."""
    from core import queue

    app = tasks.send_email_task.app
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=f"redis://127.0.0.1:{free_port()}/0", task_always_eager=False)
    forget_broker_connections(app)
    real_apply_async = tasks.send_email_task.apply_async

    class Broker:
        publishes = 0

        @staticmethod
        def restore():
            app.conf.update(saved)
            forget_broker_connections(app)
            monkeypatch.setattr(tasks.send_email_task, "apply_async", real_apply_async)
            queue.broker_rest_end()

    def counting_apply_async(*args, **kwargs):
        Broker.publishes += 1
        return real_apply_async(*args, **kwargs)

    monkeypatch.setattr(tasks.send_email_task, "apply_async", counting_apply_async)
    yield Broker
    app.conf.update(saved)
    forget_broker_connections(app)
