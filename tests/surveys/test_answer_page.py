"""The public answer page: GETs (mail scanners too) never answer; the page's POST does, once per invitation."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape

from core.phones import normalize_mobile
from customers.models import Customer
from followups.models import FollowUp
from surveys import selectors
from surveys.defaults import COMMON
from surveys.forms import AnswerForm
from surveys.models import SurveyInvitation, SurveyResponse
from tests.surveys.factories import score_urls

pytestmark = pytest.mark.django_db

AUTO = {"HTTP_X_PEYGIR_AUTO": "1"}


def _message(language: str, text, **params) -> str:
    """A validation message as the customer reads it, whatever the catalogue holds today."""
    with translation.override(language):
        return str(text) % params if params else str(text)


# --- bots and scanners ------------------------------------------------------------


def test_fetching_all_eleven_email_links_answers_nothing(client, sent, customer):
    urls = score_urls(sent.email.html_body)
    assert urls == score_urls(sent.email.text_body)
    assert [url.rsplit("=", 1)[1] for url in urls] == [str(score) for score in range(11)]
    for url in urls:
        assert client.get(url).status_code == 200

    assert not SurveyResponse.objects.exists()
    assert not FollowUp.objects.exists()
    summary = selectors.nps_summary()
    assert (summary.responses, summary.answered, summary.score) == (0, 0, None)
    customer.refresh_from_db()
    assert (customer.last_nps_score, customer.last_nps_at) == (None, None)
    invitation = SurveyInvitation.objects.get()
    assert invitation.answered_at is None
    assert invitation.opened_at is not None
    assert invitation.provisional_score == 10  # the last link fetched: noted, never counted


def test_the_first_open_time_is_kept(client, sent):
    client.get(sent.path)
    first = SurveyInvitation.objects.get().opened_at
    client.get(sent.score_path(4))
    assert SurveyInvitation.objects.get().opened_at == first


def test_a_tapped_score_is_preselected_and_the_page_confirms_it_by_script(client, sent):
    response = client.get(sent.score_path(3))
    assert response.context["auto_confirm"] is True
    assert response.context["chosen_score"] == 3
    html = response.content.decode()
    assert 'id="score-3" value="3" autocomplete="off" checked' in html
    # static/js/peygir.js confirms a form marked data-auto-confirm (no inline script: the CSP).
    assert "data-score-confirm data-auto-confirm" in html
    assert "/static/js/peygir.js" in html


def test_opening_without_a_score_confirms_nothing(client, sent):
    response = client.get(sent.path)
    assert response.context["auto_confirm"] is False
    assert "data-auto-confirm" not in response.content.decode()
    assert SurveyInvitation.objects.get().provisional_score is None


@pytest.mark.parametrize("score", ["11", "-1", "abc", ""])
def test_a_link_with_a_nonsense_score_opens_the_page_without_a_choice(client, sent, score):
    response = client.get(f"{sent.path}?score={score}")
    assert response.status_code == 200
    assert response.context["chosen_score"] is None
    assert SurveyInvitation.objects.get().provisional_score is None


# --- one tap, then the full answer ------------------------------------------------------


def test_one_tap_then_the_full_answer_make_one_response(client, sent, customer):
    assert client.get(sent.score_path(3)).status_code == 200
    assert not SurveyResponse.objects.exists()

    confirmed = client.post(sent.path, {"score": "3"}, **AUTO)
    assert confirmed.status_code == 200
    assert confirmed.json() == {"ok": True, "score": 3}
    answer = SurveyResponse.objects.get()
    assert (answer.score, answer.category, answer.reason) == (3, "detractor", "")

    full = client.post(
        sent.path,
        {
            "score": "3",
            "reason": "بسته دیر رسید",
            "intent": "maybe",
            "improvement_1": "ارسال",
            "improvement_2": "بسته‌بندی",
            "improvement_3": "پاسخگویی",
        },
    )
    assert full.status_code == 200
    assert full.context["answered"] is True
    updated = SurveyResponse.objects.get()
    assert updated.pk == answer.pk
    assert (updated.reason, updated.intent) == ("بسته دیر رسید", "maybe")
    assert updated.improvements == ["ارسال", "بسته‌بندی", "پاسخگویی"]
    assert updated.customer == customer


def test_a_later_automatic_score_post_keeps_the_reason(client, sent):
    client.post(sent.path, {"score": "8", "reason": "خوب بود"})
    client.post(sent.path, {"score": "9"}, **AUTO)
    answer = SurveyResponse.objects.get()
    assert (answer.score, answer.category, answer.reason) == (9, "promoter", "خوب بود")


def test_double_submits_and_refreshes_never_make_a_second_response(client, sent):
    for _ in range(3):
        client.get(sent.score_path(7))
        client.post(sent.path, {"score": "7"}, **AUTO)
        client.post(sent.path, {"score": "7", "reason": "معمولی"})
    assert SurveyResponse.objects.count() == 1
    invitation = SurveyInvitation.objects.get()
    assert invitation.answered_at is not None


def test_another_score_tapped_after_answering_offers_the_change_and_saves_nothing(client, sent):
    client.post(sent.path, {"score": "9", "reason": "عالی"})
    response = client.get(sent.score_path(2))
    html = response.content.decode()
    assert response.context["auto_confirm"] is False  # a mail scanner's GET changes nothing
    assert response.context["answered"] is False and response.context["chosen_score"] == 2
    assert "پیش‌تر ۹ داده بودید" in html and "عالی</textarea>" in html
    assert SurveyResponse.objects.get().score == 9
    assert SurveyInvitation.objects.get().provisional_score is None


def test_the_same_score_tapped_again_after_answering_shows_the_thanks(client, sent):
    client.post(sent.path, {"score": "9", "reason": "عالی"})
    response = client.get(sent.score_path(9))
    assert response.context["answered"] is True
    assert 'data-testid="changing-score"' not in response.content.decode()


def test_the_answer_can_be_edited_until_the_link_expires_then_not(client, sent):
    client.post(sent.path, {"score": "6", "reason": "متوسط"})
    client.post(sent.path, {"score": "8", "reason": "بهتر شد"})
    assert (SurveyResponse.objects.get().score, SurveyResponse.objects.get().reason) == (8, "بهتر شد")

    SurveyInvitation.objects.filter(pk=sent.invitation.pk).update(expires_at=timezone.now())
    assert client.post(sent.path, {"score": "1", "reason": "دیگر نه"}).status_code == 410
    assert client.post(sent.path, {"score": "1"}, **AUTO).status_code == 410
    answer = SurveyResponse.objects.get()
    assert (answer.score, answer.reason) == (8, "بهتر شد")


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize("score", ["11", "-1", "ده", "3.5"])
def test_a_score_outside_0_to_10_is_refused_in_the_customers_language(client, sent, en_sent, score):
    for item, language in ((sent, "fa"), (en_sent, "en")):
        client.cookies["django_language"] = "en" if language == "fa" else "fa"  # the browser disagrees
        response = client.post(item.path, {"score": score, "reason": "x"})
        assert response.status_code == 400
        expected = _message(language, forms.ChoiceField.default_error_messages["invalid_choice"], value=score)
        assert escape(expected) in response.content.decode()
        auto = client.post(item.path, {"score": score}, **AUTO)
        assert auto.status_code == 400
        assert auto.json()["ok"] is False
        assert auto.json()["errors"]["score"] == [expected]
    assert not SurveyResponse.objects.exists()
    assert not SurveyInvitation.objects.filter(answered_at__isnull=False).exists()


def test_an_answer_without_a_score_is_refused(client, en_sent):
    response = client.post(en_sent.path, {"reason": "no score"})
    assert response.status_code == 400
    required = _message("en", forms.Field.default_error_messages["required"])
    assert response.context["form"].errors["score"] == [required]
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize(("field", "limit"), [("reason", 2000), ("improvement_1", 200), ("referral_name", 200)])
def test_text_over_the_limit_is_refused(client, sent, field, limit):
    too_long = "ب" * (limit + 1)
    response = client.post(sent.path, {"score": "9", field: too_long})
    assert response.status_code == 400
    with translation.override("fa"), pytest.raises(ValidationError) as error:
        forms.CharField(max_length=limit).clean(too_long)
    with translation.override("fa"):
        assert response.context["form"].errors[field] == error.value.messages
    assert not SurveyResponse.objects.exists()


def test_text_at_the_limit_is_kept_whole(client, sent):
    reason = "ب" * 2000
    assert client.post(sent.path, {"score": "9", "reason": reason}).status_code == 200
    assert SurveyResponse.objects.get().reason == reason


@pytest.mark.parametrize("typed", ["+98 912 555 1234", "۰۹۱۲۵۵۵۱۲۳۴", "0098-912-555-1234", "٠٩١٢٥٥٥١٢٣٤"])
def test_the_referral_mobile_is_stored_normalised(client, sent, typed):
    response = client.post(sent.path, {"score": "10", "referral_name": "رضا", "referral_mobile": typed})
    assert response.status_code == 200
    assert SurveyResponse.objects.get().referral_mobile == "09125551234"


def test_an_invalid_referral_mobile_is_refused(client, sent):
    response = client.post(sent.path, {"score": "10", "referral_name": "رضا", "referral_mobile": "021 8888 7777"})
    assert response.status_code == 400
    with translation.override("fa"), pytest.raises(ValidationError) as error:
        normalize_mobile("021 8888 7777")
    with translation.override("fa"):
        expected = error.value.messages[0]
    assert response.context["form"].errors["referral_mobile"] == [expected]
    assert not SurveyResponse.objects.exists()
    assert not Customer.objects.filter(mobile__startswith="021").exists()


def test_a_referral_mobile_without_a_name_is_refused_in_the_customers_language(client, en_sent):
    client.cookies["django_language"] = "fa"
    response = client.post(en_sent.path, {"score": "10", "referral_mobile": "09125551234"})
    assert response.status_code == 400
    expected = _message("en", "Please add their name too.")
    assert response.context["form"].errors["referral_name"] == [expected]
    assert escape(expected) in response.content.decode()
    assert not SurveyResponse.objects.exists()
    assert not Customer.objects.filter(mobile="09125551234").exists()


def test_answer_form_error_text_follows_the_language_it_is_rendered_in(sent):
    """The form's own message is translatable: its fa and en renderings come from the catalogue."""
    form = AnswerForm({"score": "10", "referral_mobile": "09125551234"}, survey=sent.invitation.survey, language="fa")
    assert not form.is_valid()
    with translation.override("en"):
        assert form.errors["referral_name"] == ["Please add their name too."]


# --- CSRF ---------------------------------------------------------------------------


def test_a_post_without_the_csrf_token_is_refused_and_writes_nothing(sent):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(sent.path, {"score": "9"}).status_code == 403
    assert browser.post(sent.path, {"score": "9"}, **AUTO).status_code == 403
    assert not SurveyResponse.objects.exists()


def test_the_pages_own_post_with_the_csrf_token_is_accepted(sent):
    browser = Client(enforce_csrf_checks=True)
    browser.get(sent.score_path(9))
    token = browser.cookies["csrftoken"].value
    response = browser.post(sent.path, {"score": "9", "csrfmiddlewaretoken": token}, **AUTO)
    assert response.json() == {"ok": True, "score": 9}
    assert SurveyResponse.objects.get().score == 9


# --- language -------------------------------------------------------------------------


def test_a_persian_customer_gets_a_persian_rtl_page_even_with_an_english_browser(client, sent):
    client.cookies["django_language"] = "en"
    html = client.get(sent.score_path(9)).content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    assert COMMON["nps_question_fa"] in html
    assert COMMON["reason_question_fa"] in html
    assert COMMON["nps_question_en"] not in html


def test_an_english_customer_gets_an_english_ltr_page_even_with_a_persian_browser(client, en_sent):
    client.cookies["django_language"] = "fa"
    html = client.get(en_sent.score_path(9)).content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert COMMON["nps_question_en"] in html
    assert "Send my answer" in html
    assert COMMON["nps_question_fa"] not in html


def test_the_thank_you_after_an_answer_is_in_the_customers_language(client, en_sent):
    client.cookies["django_language"] = "fa"
    html = client.post(en_sent.path, {"score": "9"}).content.decode()
    assert COMMON["thanks_en"] in html
    assert 'dir="ltr"' in html


# --- reopening an answered link ------------------------------------------------------------


def test_reopening_an_answered_link_shows_the_thanks_and_the_answers_given(client, sent):
    client.post(sent.path, {"score": "6", "reason": "دیر رسید", "intent": "maybe", "improvement_1": "بسته‌بندی"})
    response = client.get(sent.path)
    html = response.content.decode()
    assert response.context["answered"] is True
    assert COMMON["thanks_fa"] in html
    assert "۶ از ۱۰" in html and "دیر رسید" in html and "شاید" in html and "بسته‌بندی" in html
    assert 'name="score"' not in html  # the thanks, not the form again
    assert "Your score is saved" not in html and "امتیاز شما ثبت شد" not in html
    assert 'href="?change=1"' in html


def test_change_my_answer_reopens_the_form_prefilled(client, sent):
    client.post(sent.path, {"score": "6", "reason": "دیر رسید"})
    response = client.get(f"{sent.path}?change=1")
    html = response.content.decode()
    assert response.context["answered"] is False
    assert response.context["chosen_score"] == 6
    assert response.context["auto_confirm"] is False  # reopening changes nothing by itself
    assert 'id="score-6" value="6" autocomplete="off" checked' in html and "دیر رسید</textarea>" in html


def test_a_changed_score_runs_the_closed_loop_again_through_the_same_service(client, sent):
    client.post(sent.path, {"score": "9", "reason": "عالی"})
    assert not FollowUp.objects.exists()
    changed = client.post(f"{sent.path}?change=1", {"score": "2", "reason": "بعداً بد شد"})
    assert changed.context["answered"] is True
    call = FollowUp.objects.get(reason=FollowUp.Reason.DETRACTOR)
    assert call.facts == {"score": 2, "comment": "بعداً بد شد"}
    assert SurveyResponse.objects.get().category == "detractor"
    assert SurveyResponse.objects.count() == 1


def test_an_expired_answered_link_cannot_be_changed(client, sent):
    client.post(sent.path, {"score": "9"})
    SurveyInvitation.objects.filter(pk=sent.invitation.pk).update(expires_at=timezone.now())
    assert client.get(f"{sent.path}?change=1").status_code == 410


def test_the_english_thanks_shows_the_english_answer(client, en_sent):
    client.post(en_sent.path, {"score": "10", "intent": "yes"})
    html = client.get(en_sent.path).content.decode()
    assert COMMON["thanks_en"] in html and "10 out of 10" in html and "Change my answer" in html


def test_the_answer_page_has_one_h1_the_question(client, sent):
    html = client.get(sent.path).content.decode()
    assert html.count("<h1") == 1 and COMMON["nps_question_fa"] in html.split("<h1", 1)[1].split("</h1>")[0]
