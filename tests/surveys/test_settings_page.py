"""Survey settings: managers edit the wording per language and switch questions; calls can send the short survey."""

import pytest
from django.urls import reverse
from django.utils import translation

from customers.models import Customer
from followups import services as followup_services
from followups.models import FollowUp
from followups.signals import followup_completed
from outbox.models import OutgoingEmail
from surveys import services
from surveys.defaults import COMMON
from surveys.forms import SurveySettingsForm
from surveys.models import Survey, SurveyInvitation, SurveyResponse
from tests.factories import CustomerFactory, FollowUpFactory
from tests.surveys.factories import SurveyCustomerFactory, send_survey

pytestmark = pytest.mark.django_db

SWITCHES = ("ask_reason", "ask_intent", "ask_improvements", "ask_referral")


def _url(kind: str) -> str:
    return reverse("surveys:settings", args=[kind])


def _posted(survey: Survey, **changes) -> dict:
    """What the settings form posts as it stands, with ``changes`` (False unticks a box)."""
    form = SurveySettingsForm(instance=survey)
    data = {name: form.initial.get(name) for name in form.fields}
    data.update(changes)
    if "auto_send_outcomes" in data:
        data["auto_send_outcomes"] = list(data["auto_send_outcomes"] or [])
    return {name: ("on" if value is True else value) for name, value in data.items() if value is not False}


def test_a_manager_edits_the_wording_in_each_language(manager_client):
    survey = services.survey_for(Survey.Kind.RELATIONSHIP)
    response = manager_client.post(
        _url("relationship"),
        _posted(survey, nps_question_fa="ما را به دوستانتان معرفی می‌کنید؟", nps_question_en="Would you tell a friend?"),
    )
    assert response.status_code == 302 and response["Location"] == _url("relationship")
    survey.refresh_from_db()
    assert (survey.nps_question_fa, survey.nps_question_en) == (
        "ما را به دوستانتان معرفی می‌کنید؟",
        "Would you tell a friend?",
    )
    assert survey.reason_question_fa == COMMON["reason_question_fa"]  # the rest is kept


def test_the_new_wording_reaches_the_email_and_the_answer_page(manager_client, client, customer, en_customer):
    survey = services.survey_for(Survey.Kind.RELATIONSHIP)
    manager_client.post(
        _url("relationship"),
        _posted(survey, nps_question_fa="پرسش تازه", nps_question_en="A new question", email_subject_en="Hello"),
    )
    manager_client.logout()
    persian, english = send_survey(customer), send_survey(en_customer)
    assert "پرسش تازه" in persian.email.html_body
    assert english.email.subject == "Hello"
    assert "پرسش تازه" in client.get(persian.path).content.decode()
    assert "A new question" in client.get(english.path).content.decode()


def test_a_required_wording_cannot_be_emptied(manager_client):
    survey = services.survey_for(Survey.Kind.RELATIONSHIP)
    response = manager_client.post(_url("relationship"), _posted(survey, nps_question_en=""))
    assert response.status_code == 200
    assert "nps_question_en" in response.context["form"].errors
    survey.refresh_from_db()
    assert survey.nps_question_en == COMMON["nps_question_en"]


def test_a_question_turned_off_disappears_from_the_answer_page(manager_client, client, sent):
    survey = sent.invitation.survey
    manager_client.post(_url("relationship"), _posted(survey, ask_reason=False, ask_referral=False))
    survey.refresh_from_db()
    assert (survey.ask_reason, survey.ask_intent, survey.ask_referral) == (False, True, False)
    manager_client.logout()

    html = client.get(sent.path).content.decode()
    assert 'name="reason"' not in html and COMMON["reason_question_fa"] not in html
    assert 'name="referral_name"' not in html
    assert 'name="intent"' in html and COMMON["intent_question_fa"] in html
    client.post(sent.path, {"score": "9", "reason": "ignored", "intent": "yes"})
    answer = SurveyResponse.objects.get()
    assert (answer.score, answer.reason, answer.intent) == (9, "", "yes")


@pytest.mark.parametrize("switch", SWITCHES)
def test_each_question_can_be_switched_off(manager_client, switch):
    survey = services.survey_for(Survey.Kind.RELATIONSHIP)
    manager_client.post(_url("relationship"), _posted(survey, **{switch: False}))
    survey.refresh_from_db()
    assert {name: getattr(survey, name) for name in SWITCHES} == {name: name != switch for name in SWITCHES}


def test_the_short_survey_asks_only_score_and_reason_by_default(client, customer):
    sent = send_survey(customer, kind=Survey.Kind.POST_CONTACT)
    html = client.get(sent.path).content.decode()
    assert 'name="reason"' in html
    assert 'name="intent"' not in html and 'name="improvement_1"' not in html and 'name="referral_name"' not in html


def test_only_the_post_contact_survey_has_automatic_sending(manager_client):
    relationship = manager_client.get(_url("relationship"))
    post_contact = manager_client.get(_url("post_contact"))
    assert "auto_send_outcomes" not in relationship.context["form"].fields
    assert "auto_send_outcomes" in post_contact.context["form"].fields
    assert 'name="auto_send_outcomes"' in post_contact.content.decode()


def test_an_unknown_survey_is_404(manager_client):
    assert manager_client.get(_url("nonsense")).status_code == 404


def test_reps_cannot_change_survey_settings(rep_client):
    survey = services.survey_for(Survey.Kind.RELATIONSHIP)
    assert rep_client.get(_url("relationship")).status_code == 403
    assert rep_client.post(_url("relationship"), _posted(survey, nps_question_en="hacked")).status_code == 403
    survey.refresh_from_db()
    assert survey.nps_question_en == COMMON["nps_question_en"]


def test_the_settings_page_is_in_the_managers_language(manager_client, en_client):
    html = manager_client.get(_url("post_contact")).content.decode()
    with translation.override("en"):
        assert str(Survey.Kind.POST_CONTACT.label) in html
    assert 'dir="ltr"' in html


# --- automatic short survey after a call -----------------------------------------------------------

@pytest.fixture
def after_reached_calls(manager_client):
    survey = services.survey_for(Survey.Kind.POST_CONTACT)
    manager_client.post(_url("post_contact"), _posted(survey, auto_send_outcomes=["reached", "not_interested"]))
    survey.refresh_from_db()
    assert survey.auto_send_outcomes == ["reached", "not_interested"]
    return survey


def test_completing_a_call_with_a_chosen_outcome_sends_the_short_survey(after_reached_calls, customer, rep):
    followup = FollowUpFactory(customer=customer)
    followup_services.followup_complete(followup=followup, outcome="reached", by=rep)
    invitation = SurveyInvitation.objects.get()
    assert (invitation.survey, invitation.customer, invitation.followup) == (after_reached_calls, customer, followup)
    assert invitation.sent_by == rep
    assert OutgoingEmail.objects.get().to == customer.email


@pytest.mark.parametrize("outcome", ["no_answer", "call_back_later", "wrong_number"])
def test_other_outcomes_send_nothing(after_reached_calls, customer, rep, outcome):
    followup_services.followup_complete(followup=FollowUpFactory(customer=customer), outcome=outcome, by=rep)
    assert not SurveyInvitation.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_nothing_is_sent_after_calls_until_a_manager_chooses_outcomes(customer, rep):
    assert services.survey_for(Survey.Kind.POST_CONTACT).auto_send_outcomes == []
    followup_services.followup_complete(followup=FollowUpFactory(customer=customer), outcome="reached", by=rep)
    assert not SurveyInvitation.objects.exists()


def test_the_automatic_survey_respects_the_throttle_and_opt_outs(after_reached_calls, customer, rep):
    followup_services.followup_complete(followup=FollowUpFactory(customer=customer), outcome="reached", by=rep)
    followup_services.followup_complete(followup=FollowUpFactory(customer=customer), outcome="reached", by=rep)
    opted_out = SurveyCustomerFactory(owner=rep, email_opt_out=True)
    followup_services.followup_complete(followup=FollowUpFactory(customer=opted_out), outcome="reached", by=rep)
    no_email = CustomerFactory(owner=rep)
    done = followup_services.followup_complete(followup=FollowUpFactory(customer=no_email), outcome="reached", by=rep)
    assert done.status == FollowUp.Status.DONE
    assert list(SurveyInvitation.objects.values_list("customer", flat=True)) == [customer.pk]
    assert Customer.objects.filter(pk=opted_out.pk, email_opt_out=True).exists()


def test_completing_a_call_on_the_calls_due_page_sends_the_short_survey(after_reached_calls, client, rep, customer):
    client.force_login(rep)
    followup = FollowUpFactory(customer=customer)
    client.post(reverse("followups:complete", args=[followup.pk]), {"outcome": "reached"})
    followup.refresh_from_db()
    assert followup.status == FollowUp.Status.DONE
    assert SurveyInvitation.objects.get().followup == followup


def _completed(followup: FollowUp, outcome: str, by) -> FollowUp:
    """What followup_complete leaves before it announces the call (without its row lock)."""
    FollowUp.objects.filter(pk=followup.pk).update(status=FollowUp.Status.DONE, outcome=outcome)
    followup.refresh_from_db()
    followup_completed.send(sender=FollowUp, followup=followup, by=by)
    return followup


@pytest.mark.parametrize(("outcome", "sends"), [("reached", True), ("not_interested", True), ("no_answer", False)])
def test_the_completed_call_signal_sends_the_short_survey_for_chosen_outcomes(
    after_reached_calls, customer, rep, outcome, sends
):
    followup = _completed(FollowUpFactory(customer=customer), outcome, rep)
    invitations = list(SurveyInvitation.objects.all())
    assert [(i.survey.kind, i.followup, i.sent_by) for i in invitations] == (
        [("post_contact", followup, rep)] if sends else []
    )
