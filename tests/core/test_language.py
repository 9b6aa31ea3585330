"""Persian first: the language is Persian unless the user picked English with the switch."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def page_language(response) -> tuple[str, str]:
    html = response.content.decode()
    head = html[: html.index("<head>")]
    lang = head.split('lang="')[1].split('"')[0]
    direction = head.split('dir="')[1].split('"')[0]
    return lang, direction


def test_a_first_visit_is_in_persian_right_to_left(client):
    response = client.get("/accounts/login/")
    assert page_language(response) == ("fa", "rtl")
    assert response["Content-Language"] == "fa"


def test_a_browser_asking_for_english_still_gets_persian(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page_language(response) == ("fa", "rtl")


def test_the_english_cookie_gives_english_left_to_right(en_client):
    response = en_client.get("/accounts/login/")
    assert page_language(response) == ("en", "ltr")
    assert response["Content-Language"] == "en"


def test_an_unsupported_language_cookie_falls_back_to_persian(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    assert page_language(client.get("/accounts/login/")) == ("fa", "rtl")


def test_pages_vary_by_cookie_so_caches_never_mix_languages(client):
    assert "Cookie" in client.get("/accounts/login/")["Vary"]


def test_the_language_switch_sets_a_lasting_cookie_and_returns_to_the_page(rep_client):
    response = rep_client.post("/i18n/setlang/", {"language": "en", "next": "/customers/"})
    assert response.status_code == 302
    assert response["Location"] == "/customers/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert int(cookie["max-age"]) == 365 * 24 * 60 * 60


def test_the_chosen_language_is_remembered_on_later_pages(rep_client):
    rep_client.post("/i18n/setlang/", {"language": "en", "next": "/customers/"})
    assert page_language(rep_client.get("/customers/")) == ("en", "ltr")
    assert page_language(rep_client.get("/customers/new/")) == ("en", "ltr")

    rep_client.post("/i18n/setlang/", {"language": "fa", "next": "/customers/"})
    assert page_language(rep_client.get("/customers/")) == ("fa", "rtl")


def test_the_switch_offers_the_other_language(client):
    assert 'name="language" value="en"' in client.get("/accounts/login/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert 'name="language" value="fa"' in client.get("/accounts/login/").content.decode()
