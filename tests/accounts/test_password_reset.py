"""Django's reset flow through the outbox, translated, rate limited, telling nothing about who exists."""

import re

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import translation

from outbox.models import OutgoingEmail
from tests.accounts.conftest import PASSWORD, log_in, logged_in
from tests.factories import RepFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:password_reset")
LINK = re.compile(r"https://crm\.example\.com(/accounts/reset/[^/\s]+/[^/\s]+/)")


@pytest.fixture
def ali(db):
    return RepFactory(username="ali", first_name="علی", last_name="رستمی", email="ali@example.com")


def _ask(client, email: str, *, address: str = "10.0.0.1"):
    return client.post(URL, {"email": email}, REMOTE_ADDR=address)


def _link(email: OutgoingEmail) -> str:
    return LINK.search(email.text_body).group(1)


def test_the_login_page_offers_the_reset(client):
    assert URL in client.get(reverse("login")).content.decode()


def test_a_known_email_gets_a_persian_link_through_the_outbox(client, ali):
    response = _ask(client, "ALI@example.com")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    email = OutgoingEmail.objects.get()
    assert email.to == "ali@example.com"
    assert email.subject == "انتخاب گذرواژهٔ تازهٔ پیگیر"
    assert "علی رستمی عزیز" in email.text_body
    assert "۲ ساعت" in email.text_body
    assert _link(email) in email.html_body


def test_an_english_reader_gets_an_english_email(en_client, ali):
    with translation.override("en"):
        _ask(en_client, "ali@example.com")
    assert OutgoingEmail.objects.get().subject == "Choose a new Peygir password"


def test_an_unknown_email_gets_the_same_answer_and_no_email(client, ali):
    known = _ask(Client(), "ali@example.com")
    unknown = _ask(client, "nobody@example.com")
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert OutgoingEmail.objects.count() == 1


def test_asking_twice_sends_two_emails(client, ali):
    _ask(client, "ali@example.com")
    _ask(client, "ali@example.com")
    assert OutgoingEmail.objects.filter(to="ali@example.com").count() == 2


def test_three_requests_per_email_an_hour_from_anywhere(ali):
    for n in range(3):
        assert _ask(Client(), "ali@example.com", address=f"198.51.100.{n}").status_code == 302
    response = _ask(Client(), "ali@example.com", address="203.0.113.9")
    assert response.status_code == 429
    assert "بیش از اندازه درخواست بازنشانی" in response.content.decode()
    assert "۶۰ دقیقه" in response.content.decode()
    assert OutgoingEmail.objects.count() == 3


def test_an_unknown_email_is_limited_the_same_way(db):
    for _ in range(3):
        _ask(Client(), "nobody@example.com")
    assert _ask(Client(), "nobody@example.com", address="203.0.113.9").status_code == 429


def test_ten_requests_per_address_an_hour(ali):
    for n in range(10):
        assert _ask(Client(), f"someone{n}@example.com", address="198.51.100.7").status_code == 302
    assert _ask(Client(), "ali@example.com", address="198.51.100.7").status_code == 429
    assert not OutgoingEmail.objects.exists()
    assert _ask(Client(), "ali@example.com", address="203.0.113.9").status_code == 302


def test_the_link_sets_a_new_password_once(client, ali):
    _ask(client, "ali@example.com")
    link = _link(OutgoingEmail.objects.get())
    form_page = client.get(link, follow=True)
    assert "انتخاب گذرواژهٔ تازه" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "kelid-e-taze-1403", "new_password2": "kelid-e-taze-1403"})
    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert log_in(Client(), "ali", PASSWORD).status_code == 200  # the old one no longer works
    fresh = Client()
    assert log_in(fresh, "ali", "kelid-e-taze-1403").status_code == 302
    assert logged_in(fresh)
    used = Client().get(link, follow=True).content.decode()
    assert 'data-testid="bad-link"' in used


def test_mismatched_passwords_are_refused_and_nothing_changes(client, ali):
    _ask(client, "ali@example.com")
    set_url = client.get(_link(OutgoingEmail.objects.get()), follow=True).redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "kelid-e-taze-1403", "new_password2": "kelid-e-digar-1403"})
    assert response.status_code == 200
    assert "مطابقت ندارند" in response.content.decode()
    assert log_in(Client(), "ali", PASSWORD).status_code == 302


def test_a_short_password_is_refused_in_persian_digits(client, ali):
    _ask(client, "ali@example.com")
    set_url = client.get(_link(OutgoingEmail.objects.get()), follow=True).redirect_chain[-1][0]
    page = client.post(set_url, {"new_password1": "k7#q", "new_password2": "k7#q"}).content.decode()
    assert "دست‌کم ۸ نویسه" in page


def test_a_forged_link_says_so(client, ali):
    page = client.get("/accounts/reset/MQ/forged-token/", follow=True).content.decode()
    assert 'data-testid="bad-link"' in page
    assert "این پیوند دیگر کار نمی‌کند" in page


def test_a_new_password_lifts_the_lock_on_the_name(client, ali):
    for _ in range(5):
        log_in(Client(), "ali", "typo")
    _ask(client, "ali@example.com")
    set_url = client.get(_link(OutgoingEmail.objects.get()), follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": "kelid-e-taze-1403", "new_password2": "kelid-e-taze-1403"})
    assert not AccessAttempt.objects.filter(username="ali").exists()
    assert log_in(Client(), "ali", "kelid-e-taze-1403").status_code == 302
