"""A login lasts PEYGIR_SESSION_HOURS (10) at most and ends with the browser."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from tests.accounts.conftest import PASSWORD, log_in

pytestmark = pytest.mark.django_db


def test_the_session_lasts_ten_hours_from_logging_in(client, rep):
    assert settings.PEYGIR_SESSION_HOURS == 10  # the default (no .env in tests sets it)
    assert settings.SESSION_COOKIE_AGE == 10 * 60 * 60
    response = log_in(client, "rep1", PASSWORD)
    assert response.status_code == 302
    expires = Session.objects.get().expire_date
    assert abs(expires - (timezone.now() + datetime.timedelta(hours=10))) < datetime.timedelta(minutes=1)


def test_the_session_cookie_ends_with_the_browser(client, rep):
    response = log_in(client, "rep1", PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""


def test_an_expired_session_asks_for_the_login_again(client, rep):
    log_in(client, "rep1", PASSWORD)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/customers/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
