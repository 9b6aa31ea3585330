"""Answers show where reps look: the customer timeline and page, the customer list and the calls-due row."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from core.text import to_persian_digits
from customers.selectors import customer_timeline
from surveys.models import Survey, SurveyInvitation, SurveyResponse
from tests.factories import FollowUpFactory, InteractionFactory
from tests.surveys.factories import send_survey

pytestmark = pytest.mark.django_db


def _nps_badge(score: int) -> str:
    return f"{to_persian_digits(str(score))}</span>"


def test_a_response_is_on_the_customer_timeline(client, sent, customer):
    client.post(sent.path, {"score": "4", "reason": "دیر رسید", "improvement_1": "ارسال"})
    with translation.override("fa"):
        entries = [entry for entry in customer_timeline(customer=customer) if entry.kind == "survey"]
        label = translation.gettext("Survey: %(survey)s") % {"survey": Survey.Kind.RELATIONSHIP.label}
        detractor = str(SurveyResponse.Category.DETRACTOR.label)
    assert len(entries) == 1
    entry = entries[0]
    assert (entry.score, entry.kind_label, entry.outcome) == (4, label, detractor)
    assert entry.summary == "دیر رسید · ارسال"
    assert entry.at == customer.survey_responses.get().answered_at


def test_the_timeline_merges_survey_answers_with_calls_newest_first(client, sent, customer):
    call = InteractionFactory(customer=customer, occurred_at=timezone.now() - datetime.timedelta(days=1))
    client.post(sent.path, {"score": "9"})
    kinds = [entry.kind for entry in customer_timeline(customer=customer)]
    assert kinds[:2] == ["survey", call.kind]


def test_unconfirmed_taps_are_not_on_the_timeline(client, sent, customer):
    client.get(sent.score_path(1))
    assert [entry for entry in customer_timeline(customer=customer) if entry.kind == "survey"] == []


def test_the_customer_page_shows_the_answer_and_the_last_score(client, rep_client, sent, customer):
    client.post(sent.path, {"score": "3", "reason": "برخورد بد"})
    rep_client.cookies["django_language"] = "fa"
    response = rep_client.get(reverse("customers:detail", args=[customer.pk]))
    html = response.content.decode()
    timeline = html[html.index('data-testid="timeline"') :]
    with translation.override("fa"):
        label = translation.gettext("Survey: %(survey)s") % {"survey": Survey.Kind.RELATIONSHIP.label}
    assert label in timeline
    assert "برخورد بد" in timeline
    assert _nps_badge(3) in timeline
    figures = html[html.index('data-testid="figures"') : html.index('data-testid="timeline"')]
    assert to_persian_digits("3") in figures


def test_the_customer_list_shows_the_latest_score(client, rep_client, sent, customer):
    client.post(sent.path, {"score": "10"})
    client.post(sent.path, {"score": "6"})
    html = rep_client.get(reverse("customers:list")).content.decode()
    start = html.index(customer.name)
    row = html[start : html.index("</tr>", start)]
    assert 'data-testid="nps"' in row
    assert _nps_badge(6) in row and _nps_badge(10) not in row


def test_the_latest_of_several_surveys_is_the_one_shown(client, rep_client, customer):
    first = send_survey(customer)
    client.post(first.path, {"score": "2"})
    SurveyInvitation.objects.filter(pk=first.invitation.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=120)
    )
    second = send_survey(customer)
    client.post(second.path, {"score": "9"})
    customer.refresh_from_db()
    assert customer.last_nps_score == 9
    scores = [entry.score for entry in customer_timeline(customer=customer) if entry.kind == "survey"]
    assert scores == [9, 2]


def test_the_calls_due_row_shows_the_latest_score(client, rep_client, sent, customer):
    followup = FollowUpFactory(customer=customer)
    client.post(sent.path, {"score": "8"})
    html = rep_client.get(reverse("followups:calls_due")).content.decode()
    row = html[html.index(f'id="followup-{followup.pk}"') :]
    row = row[: row.index("</article>")]
    assert 'data-testid="nps"' in row and _nps_badge(8) in row


def test_a_customer_never_surveyed_has_no_score_badge(rep_client, customer):
    followup = FollowUpFactory(customer=customer)
    html = rep_client.get(reverse("followups:calls_due")).content.decode()
    row = html[html.index(f'id="followup-{followup.pk}"') :]
    assert 'data-testid="nps"' not in row[: row.index("</article>")]
