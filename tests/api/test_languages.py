"""The API speaks the language of ``Accept-Language`` (Persian or English); without one, the page's
choice (Persian unless English was picked). Errors are the same messages the pages show."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/customers/"


def _message(response, field):
    return response.json()["errors"][field][0]


@pytest.mark.parametrize(
    ("header", "language"),
    [("fa", "fa"), ("fa-IR,fa;q=0.9,en;q=0.8", "fa"), ("en-US,en;q=0.9", "en"), ("de,en;q=0.5", "en"), ("de", "fa")],
)
def test_the_answer_is_in_the_first_language_peygir_speaks(api_as, rep, header, language):
    response = api_as(rep, header).post(URL, {"phone": "09121110001"}, format="json")

    assert response["Content-Language"] == language
    with translation.override(language):
        assert _message(response, "name") == gettext("This field is required.")


def test_persian_and_english_messages_differ(api_as, rep):
    persian = api_as(rep, "fa").post(URL, {"phone": "09121110001"}, format="json")
    english = api_as(rep, "en").post(URL, {"phone": "09121110001"}, format="json")

    assert _message(english, "name") == "This field is required."
    assert _message(persian, "name") == "این فیلد لازم است."


def test_without_a_header_persian_unless_english_was_picked(api_as, rep):
    client = api_as(rep)
    assert client.post(URL, {}, format="json")["Content-Language"] == "fa"

    client.cookies["django_language"] = "en"
    response = client.post(URL, {"phone": "09121110001"}, format="json")
    assert response["Content-Language"] == "en"
    assert _message(response, "name") == "This field is required."


def test_the_models_own_messages_come_in_persian(api_as, rep, other_rep):
    CustomerFactory(owner=other_rep, mobile="09121110003")

    response = api_as(rep, "fa").post(URL, {"name": "الف", "phone": "09121110003"}, format="json")

    with translation.override("fa"):
        assert _message(response, "phone") == gettext("Another customer has this phone number.")
    assert _message(response, "phone") != "Another customer has this phone number."


def test_a_refused_token_is_told_in_the_request_language(client):
    english = client.get(URL, HTTP_AUTHORIZATION="Bearer nope", HTTP_ACCEPT_LANGUAGE="en")
    persian = client.get(URL, HTTP_AUTHORIZATION="Bearer nope", HTTP_ACCEPT_LANGUAGE="fa")

    assert english.status_code == persian.status_code == 401
    assert english.json() == {"detail": "This token is not valid, or it was revoked."}
    assert english["Content-Language"] == "en" and persian["Content-Language"] == "fa"


def test_a_persian_length_limit_is_said_in_persian_digits(api_as, rep):
    response = api_as(rep, "fa").post(URL, {"name": "x" * 201, "phone": "09121110001"}, format="json")

    message = _message(response, "name")
    assert "۲۰۰" in message and "200" not in message


def test_answers_vary_by_language_and_token(rep_api):
    vary = rep_api.get(URL)["Vary"]
    assert "Accept-Language" in vary and "Authorization" in vary


def test_a_persian_bound_is_said_in_persian_digits(api_as, rep):
    response = api_as(rep, "fa").post(
        "/api/v1/purchases/", {"customer": 1, "purchased_on": "2026-01-01", "amount": -1}, format="json"
    )

    message = _message(response, "amount")
    assert "۰" in message and "0" not in message
