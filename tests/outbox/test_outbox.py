"""The email outbox: written with the caller's data, sent once after commit, retried, swept, never doubled."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from customers.models import Customer
from outbox import delivery, tasks
from outbox import services as outbox_services
from outbox.models import OutgoingEmail
from surveys import services
from surveys.models import Survey, SurveyInvitation
from tests.factories import RepFactory
from tests.outbox.factories import OutgoingEmailFactory
from tests.surveys.factories import SurveyCustomerFactory, email_links, score_urls, send_survey

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings):
    settings.PEYGIR_SITE_URL = "https://peygir.example"


@pytest.fixture
def customer():
    return SurveyCustomerFactory(owner=RepFactory(), name="مینا", email="mina@example.com")


@pytest.fixture
def flaky_smtp(monkeypatch):
    """SMTP that fails the first time with the given error, then delivers (to locmem)."""
    real_send = EmailMultiAlternatives.send
    attempts = []

    def install(error: Exception):
        def send(self, fail_silently=False):
            attempts.append(self)
            if len(attempts) == 1:
                raise error
            return real_send(self, fail_silently)

        monkeypatch.setattr(EmailMultiAlternatives, "send", send)
        return attempts

    return install


def _aged(email: OutgoingEmail, minutes: float) -> OutgoingEmail:
    """Queued (and, if it is sending, started) ``minutes`` ago."""
    then = timezone.now() - datetime.timedelta(minutes=minutes)
    OutgoingEmail.objects.filter(pk=email.pk).update(created_at=then, sending_since=then)
    email.refresh_from_db()
    return email


# --- queued in the caller's transaction -------------------------------------------------------------


def test_the_email_is_written_in_the_same_transaction_as_the_invitation(customer):
    survey = services.survey_for(Survey.Kind.RELATIONSHIP)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.invitations_send(survey=survey, customers=Customer.objects.filter(pk=customer.pk))
        assert SurveyInvitation.objects.count() == OutgoingEmail.objects.count() == 1
        raise RuntimeError("the request failed after sending")
    assert not SurveyInvitation.objects.exists()
    assert not OutgoingEmail.objects.exists()
    assert mail.outbox == []


def test_the_email_is_sent_only_after_commit(customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sent = send_survey(customer)
        assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    sent.email.refresh_from_db()
    assert (sent.email.status, sent.email.attempts) == (OutgoingEmail.Status.SENT, 1)
    assert sent.email.sent_at is not None
    assert [message.to for message in mail.outbox] == [["mina@example.com"]]


def test_a_rolled_back_email_is_never_enqueued(customer, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox_services.email_queue(key="gone", to="a@example.com", subject="s", text="t")
        raise RuntimeError
    assert callbacks == []
    assert mail.outbox == []


def test_the_same_key_queues_the_same_email_once():
    first = outbox_services.email_queue(key="digest-7", to="a@example.com", subject="one", text="t")
    again = outbox_services.email_queue(key="digest-7", to="a@example.com", subject="two", text="t")
    assert again.pk == first.pk
    assert OutgoingEmail.objects.get().subject == "one"


def test_a_duplicate_key_does_not_break_the_callers_transaction(customer):
    with transaction.atomic():
        outbox_services.email_queue(key="once", to="a@example.com", subject="s", text="t")
        outbox_services.email_queue(key="once", to="a@example.com", subject="s", text="t")
        customer.name = "هنوز قابل ذخیره"
        customer.save()
    customer.refresh_from_db()
    assert customer.name == "هنوز قابل ذخیره"


# --- sending once ----------------------------------------------------------------------------------


def test_sending_a_waiting_email_delivers_it_with_its_headers_and_both_bodies():
    email = OutgoingEmailFactory(headers={"List-Unsubscribe": "<https://x.example/u>"})
    assert delivery.email_send(email_id=email.pk) is True
    message = mail.outbox[0]
    assert (message.subject, message.to, message.body) == (email.subject, [email.to], email.text_body)
    assert message.extra_headers["List-Unsubscribe"] == "<https://x.example/u>"
    assert message.alternatives[0][0] == email.html_body and message.alternatives[0][1] == "text/html"


def test_an_email_without_html_is_sent_as_plain_text():
    email = OutgoingEmailFactory(html_body="")
    delivery.email_send(email_id=email.pk)
    assert mail.outbox[0].alternatives == []


@pytest.mark.parametrize(
    "error",
    [smtplib.SMTPException("421 try again later"), ConnectionRefusedError("connection refused"), OSError("no route")],
    ids=["smtp", "refused", "oserror"],
)
def test_a_failed_send_waits_for_its_next_attempt_and_then_sends(flaky_smtp, error):
    attempts = flaky_smtp(error)
    email = OutgoingEmailFactory()
    now = timezone.now()
    assert delivery.email_send(email_id=email.pk, now=now) is False
    email.refresh_from_db()
    assert (email.status, email.attempts, email.enqueued_at) == (OutgoingEmail.Status.PENDING, 1, None)
    assert str(error) in email.last_error
    assert datetime.timedelta(seconds=45) <= email.next_attempt_at - now <= datetime.timedelta(seconds=75)
    assert mail.outbox == []

    assert delivery.email_send(email_id=email.pk, now=now) is False, "not before its next attempt"
    assert delivery.email_send(email_id=email.pk, now=email.next_attempt_at) is True
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (OutgoingEmail.Status.SENT, 2, "")
    assert len(mail.outbox) == 1
    assert len(attempts) == 2


def test_every_attempt_carries_the_same_message_id(flaky_smtp):
    attempts = flaky_smtp(smtplib.SMTPServerDisconnected("reply lost"))
    email = OutgoingEmailFactory()
    delivery.email_send(email_id=email.pk)
    email.refresh_from_db()
    delivery.email_send(email_id=email.pk, now=email.next_attempt_at)
    assert [message.message()["Message-ID"] for message in attempts] == [email.message_id] * 2


def test_a_queued_email_gets_its_own_message_id_in_the_senders_domain(settings):
    settings.DEFAULT_FROM_EMAIL = "Shop <crm@shop.example>"
    first = outbox_services.email_queue(key="a", to="a@example.com", subject="s", text="t")
    second = outbox_services.email_queue(key="b", to="b@example.com", subject="s", text="t")
    assert first.message_id.endswith("@shop.example>") and first.message_id != second.message_id


def test_the_backoff_doubles_from_a_minute_to_at_most_two_hours_with_jitter():
    class Middle:
        def uniform(self, low, high):
            return (low + high) / 2

    delays = [delivery.retry_delay(attempts=n, rng=Middle()) for n in range(1, 10)]
    assert [delay.total_seconds() / 60 for delay in delays] == [1, 2, 4, 8, 16, 32, 64, 120, 120]
    jittered = {delivery.retry_delay(attempts=3) for _ in range(50)}
    assert len(jittered) > 1 and all(3 * 60 <= delay.total_seconds() <= 5 * 60 for delay in jittered)


def test_a_sent_email_is_never_sent_again():
    email = OutgoingEmailFactory()
    delivery.email_send(email_id=email.pk)
    assert delivery.email_send(email_id=email.pk) is False
    assert tasks.send_email_task.delay(email.pk).get() is False
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutgoingEmail.Status.SENT, 1)
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "status", [OutgoingEmail.Status.SENDING, OutgoingEmail.Status.FAILED, OutgoingEmail.Status.UNKNOWN]
)
def test_an_email_being_sent_failed_or_interrupted_is_not_sent_by_a_task(status):
    email = OutgoingEmailFactory(status=status)
    assert delivery.email_send(email_id=email.pk) is False
    assert mail.outbox == []
    email.refresh_from_db()
    assert email.status == status


def test_the_task_records_a_failed_attempt_and_leaves_the_retry_to_the_sweeper(flaky_smtp, caplog):
    flaky_smtp(smtplib.SMTPServerDisconnected("gone"))
    email = OutgoingEmailFactory()
    assert tasks.send_email_task.delay(email.pk).get() is False
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (OutgoingEmail.Status.PENDING, 1, "gone")
    assert "Traceback" not in caplog.text and "attempt 1 failed" in caplog.text
    assert tasks.sweep_outbox_task.delay().get() == 0, "not due yet"
    assert delivery.outbox_sweep(now=email.next_attempt_at) == [email.pk]
    assert delivery.email_send(email_id=email.pk, now=email.next_attempt_at) is True
    assert len(mail.outbox) == 1


# --- the sweeper -------------------------------------------------------------------------------------


def _enqueued(email: OutgoingEmail, minutes_ago: float | None) -> OutgoingEmail:
    at = None if minutes_ago is None else timezone.now() - datetime.timedelta(minutes=minutes_ago)
    OutgoingEmail.objects.filter(pk=email.pk).update(enqueued_at=at)
    return email


def test_the_sweeper_claims_due_emails_without_a_task_on_the_way():
    never_enqueued = _enqueued(OutgoingEmailFactory(), None)
    task_lost = _enqueued(OutgoingEmailFactory(), 11)
    _enqueued(OutgoingEmailFactory(), 2)  # its task is still on the way
    _enqueued(OutgoingEmailFactory(next_attempt_at=timezone.now() + datetime.timedelta(minutes=5)), None)
    OutgoingEmailFactory(status=OutgoingEmail.Status.SENT)
    OutgoingEmailFactory(status=OutgoingEmail.Status.FAILED)
    assert sorted(delivery.outbox_sweep()) == sorted([never_enqueued.pk, task_lost.pk])
    assert delivery.outbox_sweep() == [], "claimed rows are not claimed again by the next sweep"


def test_the_sweeper_claims_in_batches_and_stops_at_its_limit(monkeypatch):
    monkeypatch.setattr(delivery, "SWEEP_BATCH", 2)
    monkeypatch.setattr(delivery, "SWEEP_LIMIT", 4)
    OutgoingEmailFactory.create_batch(5, enqueued_at=None)
    assert len(delivery.outbox_sweep()) == 4
    assert len(delivery.outbox_sweep()) == 1


def test_emails_interrupted_while_sending_become_unknown_not_failed_nor_resent():
    stuck = _aged(OutgoingEmailFactory(status=OutgoingEmail.Status.SENDING, attempts=1), 16)
    recent = _aged(OutgoingEmailFactory(status=OutgoingEmail.Status.SENDING, attempts=1), 5)
    assert delivery.outbox_sweep() == []
    stuck.refresh_from_db()
    recent.refresh_from_db()
    assert stuck.status == OutgoingEmail.Status.UNKNOWN
    assert recent.status == OutgoingEmail.Status.SENDING
    assert mail.outbox == []


def test_a_broker_outage_delays_the_email_and_the_sweep_sends_it(
    customer, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks.send_email_task, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_survey(customer)
    sent.email.refresh_from_db()
    assert (sent.email.status, sent.email.enqueued_at) == (OutgoingEmail.Status.PENDING, None)
    assert "outbox sweeper" in caplog.text
    assert mail.outbox == []

    monkeypatch.undo()
    assert tasks.sweep_outbox_task.delay().get() == 1
    sent.email.refresh_from_db()
    assert sent.email.status == OutgoingEmail.Status.SENT
    assert len(mail.outbox) == 1
    assert tasks.sweep_outbox_task.delay().get() == 0
    assert len(mail.outbox) == 1


def test_a_manager_resend_puts_a_failed_email_back_in_the_queue(django_capture_on_commit_callbacks):
    email = OutgoingEmailFactory(status=OutgoingEmail.Status.FAILED, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        outbox_services.email_resend(email=email)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutgoingEmail.Status.SENT, 2)
    assert len(mail.outbox) == 1


def test_an_interrupted_email_is_sent_again_only_when_confirmed(django_capture_on_commit_callbacks):
    email = OutgoingEmailFactory(status=OutgoingEmail.Status.UNKNOWN, attempts=1)
    with pytest.raises(outbox_services.ConfirmationNeeded):
        outbox_services.email_resend(email=email)
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.UNKNOWN
    with django_capture_on_commit_callbacks(execute=True):
        outbox_services.email_resend(email=email, confirmed=True)
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT
    assert mail.outbox[0].message()["Message-ID"] == email.message_id


def test_retry_all_failed_gives_every_failed_email_a_new_window_and_sends_them(django_capture_on_commit_callbacks):
    old = timezone.now() - datetime.timedelta(days=3)
    failed = OutgoingEmailFactory.create_batch(3, status=OutgoingEmail.Status.FAILED, retry_until=old)
    interrupted = OutgoingEmailFactory(status=OutgoingEmail.Status.UNKNOWN)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_services.emails_retry_failed() == 3
    assert sorted(message.to[0] for message in mail.outbox) == sorted(email.to for email in failed)
    interrupted.refresh_from_db()
    assert interrupted.status == OutgoingEmail.Status.UNKNOWN


def test_resend_leaves_a_sent_email_alone(django_capture_on_commit_callbacks):
    email = OutgoingEmailFactory(status=OutgoingEmail.Status.SENT)
    with django_capture_on_commit_callbacks(execute=True):
        outbox_services.email_resend(email=email)
    assert mail.outbox == []


# --- what a survey email carries --------------------------------------------------------------------------


def test_both_bodies_carry_all_eleven_score_links_and_the_unsubscribe_link(customer):
    sent = send_survey(customer)
    for body in (sent.email.html_body, sent.email.text_body):
        assert len(score_urls(body)) == 11
        assert [url.rsplit("=", 1)[1] for url in score_urls(body)] == [str(score) for score in range(11)]
        assert f"https://peygir.example/s/{sent.token}/unsubscribe/" in body
        assert {token for token, _score in email_links(body)} == {sent.token}


def test_the_survey_email_has_one_click_unsubscribe_headers_when_delivered(customer):
    sent = send_survey(customer)
    delivery.email_send(email_id=sent.email.pk)
    headers = mail.outbox[0].message()
    assert headers["List-Unsubscribe"] == f"<https://peygir.example/s/{sent.token}/unsubscribe/>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_html_of_a_persian_email_is_right_to_left(customer):
    html = send_survey(customer).email.html_body
    assert '<html lang="fa" dir="rtl">' in html
    assert "direction: rtl" in html


def test_the_html_of_an_english_email_is_left_to_right():
    english = SurveyCustomerFactory(owner=RepFactory(), preferred_language="en")
    html = send_survey(english).email.html_body
    assert '<html lang="en" dir="ltr">' in html


def test_an_email_that_keeps_failing_is_marked_failed_when_its_window_ends(monkeypatch):
    def always_down(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("still gone")

    monkeypatch.setattr(EmailMultiAlternatives, "send", always_down)
    email = OutgoingEmailFactory()
    delivery.email_send(email_id=email.pk, now=email.retry_until - datetime.timedelta(seconds=1))
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.PENDING, "inside the window: tried again later"
    delivery.email_send(email_id=email.pk, now=email.retry_until + datetime.timedelta(hours=1))
    email.refresh_from_db()
    assert (email.status, email.last_error) == (OutgoingEmail.Status.FAILED, "still gone")
    assert delivery.outbox_sweep(now=email.retry_until + datetime.timedelta(days=1)) == []


def test_a_long_wait_in_the_queue_does_not_count_as_an_interrupted_send():
    email = OutgoingEmailFactory(status=OutgoingEmail.Status.SENDING, attempts=1)
    OutgoingEmail.objects.filter(pk=email.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=5), sending_since=timezone.now()
    )
    delivery.outbox_sweep()
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENDING
