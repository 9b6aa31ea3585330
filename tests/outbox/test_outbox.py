"""The email outbox: written with the caller's data, sent once after commit, retried, swept, never doubled."""

import datetime
import smtplib

import pytest
from celery.exceptions import Retry
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
def test_a_failed_send_stays_waiting_with_the_error_and_the_next_try_sends_it(flaky_smtp, error):
    attempts = flaky_smtp(error)
    email = OutgoingEmailFactory()
    with pytest.raises(type(error)):
        delivery.email_send(email_id=email.pk)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutgoingEmail.Status.PENDING, 1)
    assert str(error) in email.last_error
    assert mail.outbox == []

    assert delivery.email_send(email_id=email.pk) is True
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (OutgoingEmail.Status.SENT, 2, "")
    assert len(mail.outbox) == 1
    assert len(attempts) == 2


def test_a_sent_email_is_never_sent_again():
    email = OutgoingEmailFactory()
    delivery.email_send(email_id=email.pk)
    assert delivery.email_send(email_id=email.pk) is False
    assert tasks.send_email_task.delay(email.pk).get() is False
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutgoingEmail.Status.SENT, 1)
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("status", [OutgoingEmail.Status.SENDING, OutgoingEmail.Status.FAILED])
def test_an_email_being_sent_or_failed_is_not_sent_by_a_task(status):
    email = OutgoingEmailFactory(status=status)
    assert delivery.email_send(email_id=email.pk) is False
    assert mail.outbox == []
    email.refresh_from_db()
    assert email.status == status


def test_the_task_retries_a_failed_send_with_a_countdown(flaky_smtp):
    flaky_smtp(smtplib.SMTPServerDisconnected("gone"))
    email = OutgoingEmailFactory()
    with pytest.raises(Retry) as retry:
        tasks.send_email_task.delay(email.pk)
    assert retry.value.when == 30
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (OutgoingEmail.Status.PENDING, 1, "gone")
    assert tasks.send_email_task.delay(email.pk).get() is True
    assert len(mail.outbox) == 1


# --- the sweeper -------------------------------------------------------------------------------------


def test_the_sweeper_finds_waiting_emails_older_than_a_minute():
    stranded = _aged(OutgoingEmailFactory(), 2)
    _aged(OutgoingEmailFactory(), 0.5)  # its task may still be on the way
    _aged(OutgoingEmailFactory(status=OutgoingEmail.Status.SENT), 60)
    _aged(OutgoingEmailFactory(status=OutgoingEmail.Status.FAILED), 60)
    assert delivery.emails_waiting() == [stranded.pk]


def test_emails_interrupted_while_sending_for_30_minutes_are_marked_failed_not_resent():
    stuck = _aged(OutgoingEmailFactory(status=OutgoingEmail.Status.SENDING, attempts=1), 31)
    recent = _aged(OutgoingEmailFactory(status=OutgoingEmail.Status.SENDING, attempts=1), 10)
    assert delivery.emails_waiting() == []
    stuck.refresh_from_db()
    recent.refresh_from_db()
    assert stuck.status == OutgoingEmail.Status.FAILED and stuck.last_error
    assert recent.status == OutgoingEmail.Status.SENDING
    assert mail.outbox == []


def test_a_broker_outage_delays_the_email_and_the_sweep_sends_it(
    customer, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks.send_email_task, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_survey(customer)
    sent.email.refresh_from_db()
    assert sent.email.status == OutgoingEmail.Status.PENDING
    assert "outbox sweeper" in caplog.text
    assert mail.outbox == []

    monkeypatch.undo()
    _aged(sent.email, 5)
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


def test_an_email_that_keeps_failing_is_marked_failed_after_the_last_retry(monkeypatch):
    def always_down(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("still gone")

    monkeypatch.setattr(EmailMultiAlternatives, "send", always_down)
    email = OutgoingEmailFactory(attempts=tasks.send_email_task.max_retries)
    # The last allowed try (tries are counted on the row): the task gives up instead of retrying,
    # and the sweeper stops picking it up.
    result = tasks.send_email_task.apply(args=[email.pk])
    assert result.get() is False
    email.refresh_from_db()
    assert (email.status, email.last_error) == (OutgoingEmail.Status.FAILED, "still gone")
    assert delivery.emails_waiting(older_than=datetime.timedelta(0)) == []


def test_a_long_wait_in_the_queue_does_not_count_as_an_interrupted_send():
    email = OutgoingEmailFactory(status=OutgoingEmail.Status.SENDING, attempts=1)
    OutgoingEmail.objects.filter(pk=email.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=5), sending_since=timezone.now()
    )
    delivery.emails_waiting()
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENDING
