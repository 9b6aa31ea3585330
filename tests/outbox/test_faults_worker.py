"""A Celery worker killed with SIGKILL in the middle of a batch: nothing lost, nothing sent twice by itself.

A real worker process on a Redis of its own, sending to a real (slow) SMTP sink, on the shared
PostgreSQL test database.
"""

import datetime
import signal

import pytest
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from outbox import delivery
from outbox import services as outbox_services
from outbox.models import OutgoingEmail
from outbox.tasks import send_email_task
from tests.production import production_stack, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

Status = OutgoingEmail.Status


@pytest.fixture
def stack(tmp_path):
    with production_stack(tmp_path) as stack:
        yield stack


def test_a_worker_killed_mid_batch_loses_nothing_and_its_interrupted_email_waits_for_a_person(stack):
    stack.sink.pause = 0.3  # a slow server: the kill lands while a message is on the wire
    with transaction.atomic():
        emails = [
            outbox_services.email_queue(key=f"kill-{n}", to=f"k{n}@example.com", subject=f"موضوع {n}", text="متن")
            for n in range(20)
        ]
    stack.processes.worker(stack.env, "worker-1")
    wait_for(lambda: len(stack.sink.messages) >= 5, timeout=60, what="five deliveries")
    stack.processes.running["worker-1"].send_signal(signal.SIGKILL)
    stack.processes.kill("worker-1")
    killed_at = timezone.now()

    stack.processes.worker(stack.env, "worker-2")  # the queue still holds the tasks worker-1 never took

    def batch_done() -> bool:
        # A task worker-1 had taken but not run is Redis's again only after its visibility timeout
        # (an hour); the beat's sweep re-enqueues such an email once its 10-minute lease is over.
        # Sweep as if that time had passed, as beat would.
        if not OutgoingEmail.objects.filter(
            Q(status=Status.PENDING) | Q(status=Status.SENDING, sending_since__gt=killed_at)
        ).exists():
            return True
        later = timezone.now() + delivery.ENQUEUE_LEASE + datetime.timedelta(minutes=1)
        for email_id in delivery.outbox_sweep(now=later):
            send_email_task.delay(email_id)
        return False

    wait_for(batch_done, timeout=120, every=2, what="worker-2 to finish the batch")
    stack.processes.kill("worker-2")
    # A quarter of an hour later the sweep settles what was left "sending".
    delivery.outbox_sweep(now=timezone.now() + delivery.INTERRUPTED_AFTER + datetime.timedelta(minutes=1))

    statuses = dict.fromkeys(Status.values, 0)
    for status in OutgoingEmail.objects.values_list("status", flat=True):
        statuses[status] += 1
    assert statuses[Status.SENT] + statuses[Status.UNKNOWN] == 20, statuses
    assert statuses[Status.UNKNOWN] <= 1, "only the email on the wire when the worker died"
    delivered = stack.sink.message_ids()
    for email in OutgoingEmail.objects.all():
        copies = delivered.count(email.message_id)
        if email.status == Status.SENT:
            assert copies == 1, (email.to, copies)
        else:
            assert copies <= 1, (email.to, copies)
    print(f"killed mid-batch: {statuses[Status.SENT]} sent, {statuses[Status.UNKNOWN]} interrupted, 0 lost")

    interrupted = OutgoingEmail.objects.filter(status=Status.UNKNOWN).first()
    if interrupted is not None:  # a person confirms: it goes again, under the same Message-ID
        with pytest.raises(outbox_services.ConfirmationNeeded):
            outbox_services.email_resend(email=interrupted)
        stack.processes.worker(stack.env, "worker-3")
        with transaction.atomic():
            outbox_services.email_resend(email=interrupted, confirmed=True)
        wait_for(
            lambda: OutgoingEmail.objects.get(pk=interrupted.pk).status == Status.SENT, timeout=60, what="the resend"
        )
        assert stack.sink.message_ids().count(interrupted.message_id) >= 1
    assert len(emails) == 20
