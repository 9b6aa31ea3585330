"""Reminders: once, after N days, on a working day, to those who have not answered, with the same link."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from outbox.models import OutgoingEmail
from surveys import services, tasks
from surveys.defaults import BUILTIN_SURVEYS
from surveys.models import SurveyInvitation, SurveyResponse
from tests.surveys.factories import SurveyCustomerFactory, email_links, score_urls, send_survey

pytestmark = pytest.mark.django_db


def _days_ago(sent, days: float) -> None:
    SurveyInvitation.objects.filter(pk=sent.invitation.pk).update(
        sent_at=timezone.now() - datetime.timedelta(days=days)
    )


def _reminders() -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(key__startswith="survey-reminder-"))


@pytest.fixture
def working_day():
    return timezone.localdate()


@pytest.fixture
def due(sent):
    """An invitation sent six days ago (reminder after five), unanswered."""
    _days_ago(sent, 6)
    return sent


def test_an_unanswered_invitation_is_reminded_once(due, working_day):
    assert services.reminders_send(today=working_day) == 1
    assert services.reminders_send(today=working_day) == 0
    reminder = _reminders()
    assert len(reminder) == 1
    assert reminder[0].key == f"survey-reminder-{due.invitation.pk}"
    assert reminder[0].to == due.email.to
    due.invitation.refresh_from_db()
    assert due.invitation.reminded_at is not None


def test_the_reminder_uses_the_same_token_and_the_original_link_keeps_working(client, due, working_day):
    services.reminders_send(today=working_day)
    reminder = _reminders()[0]
    assert {token for token, _score in email_links(reminder.text_body)} == {due.token}
    assert {token for token, _score in email_links(reminder.html_body)} == {due.token}
    assert len(score_urls(reminder.html_body)) == 11
    assert reminder.headers["List-Unsubscribe"] == due.email.headers["List-Unsubscribe"]

    assert client.get(due.score_path(9)).status_code == 200
    client.post(due.path, {"score": "9"}, HTTP_X_PEYGIR_AUTO="1")
    assert SurveyResponse.objects.get().invitation == due.invitation


def test_the_reminder_is_marked_as_such_in_the_customers_language(en_customer, working_day):
    sent = send_survey(en_customer)
    _days_ago(sent, 6)
    with translation.override("fa"):
        services.reminders_send(today=working_day)
    reminder = _reminders()[0]
    with translation.override("en"):
        subject = translation.gettext("Reminder: %(subject)s") % {"subject": BUILTIN_SURVEYS[0]["email_subject_en"]}
        line = translation.gettext("A short reminder: we would still love to hear from you.")
    assert reminder.subject == subject
    assert line in reminder.text_body


def test_no_reminder_before_the_reminder_days(sent, working_day, settings):
    _days_ago(sent, 4.9)
    assert services.reminders_send(today=working_day) == 0
    settings.PEYGIR_SURVEY_REMINDER_DAYS = 3
    assert services.reminders_send(today=working_day) == 1


def test_no_reminder_on_a_non_working_day(due, settings):
    settings.PEYGIR_WEEKEND_DAYS = [4]
    today = timezone.localdate()
    friday = today + datetime.timedelta(days=(4 - today.weekday()) % 7)
    assert services.reminders_send(today=friday) == 0
    assert services.reminders_send(today=friday + datetime.timedelta(days=1)) == 1
    assert len(_reminders()) == 1


def test_no_reminder_on_a_holiday(due, settings, working_day):
    settings.PEYGIR_HOLIDAYS = [working_day.isoformat()]
    assert services.reminders_send(today=working_day) == 0
    assert not _reminders()


def test_answered_invitations_are_not_reminded(client, due, working_day):
    client.post(due.path, {"score": "7"}, HTTP_X_PEYGIR_AUTO="1")
    assert services.reminders_send(today=working_day) == 0


def test_a_tapped_but_unconfirmed_score_still_gets_the_reminder(client, due, working_day):
    client.get(due.score_path(7))
    assert services.reminders_send(today=working_day) == 1


def test_expired_invitations_are_not_reminded(due, working_day):
    SurveyInvitation.objects.filter(pk=due.invitation.pk).update(expires_at=timezone.now())
    assert services.reminders_send(today=working_day) == 0


def test_opted_out_or_email_less_customers_are_not_reminded(rep, working_day):
    opted_out, emptied = SurveyCustomerFactory(owner=rep), SurveyCustomerFactory(owner=rep)
    for customer in (opted_out, emptied):
        _days_ago(send_survey(customer), 6)
    opted_out.email_opt_out = True
    opted_out.save()
    emptied.email = ""
    emptied.save()
    assert services.reminders_send(today=working_day) == 0
    assert not _reminders()


def test_only_the_due_invitations_are_reminded_among_many(rep, working_day):
    due = [send_survey(SurveyCustomerFactory(owner=rep)) for _ in range(3)]
    fresh = send_survey(SurveyCustomerFactory(owner=rep))
    for item in due:
        _days_ago(item, 7)
    assert services.reminders_send(today=working_day) == 3
    assert {email.key for email in _reminders()} == {f"survey-reminder-{item.invitation.pk}" for item in due}
    fresh.invitation.refresh_from_db()
    assert fresh.invitation.reminded_at is None


def test_the_beat_task_and_the_command_send_the_same_reminders(due, capsys):
    assert tasks.send_survey_reminders_task.delay().get() == 1
    call_command("send_survey_reminders")
    assert "0" in capsys.readouterr().out
    assert len(_reminders()) == 1
