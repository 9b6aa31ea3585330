"""The lockout rule (accounts/lockout.py) through the real login form: per name, per address."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.utils import timezone

from accounts.lockout import client_address, failures_counted
from tests.accounts.conftest import PASSWORD, log_in, logged_in
from tests.factories import RepFactory

pytestmark = pytest.mark.django_db

LOCKED_FA = "گذرواژهٔ اشتباه بیش از اندازه وارد شده است"


def test_five_wrong_passwords_lock_the_name_and_the_right_one_then_fails(client, manager):
    for _ in range(4):
        response = log_in(client, "manager", "guess")
        assert response.status_code == 200  # the login page with "wrong password"
    response = log_in(client, "manager", "guess")
    assert response.status_code == 429
    response = log_in(client, "manager", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)


def test_two_hundred_guesses_are_not_checked(client, manager):
    """Once locked, a guess is refused before the password is looked at: the right one fails too."""
    for _ in range(200):
        log_in(client, "manager", "guess")
    assert AccessAttempt.objects.get(username="manager").failures_since_start == 200
    response = log_in(client, "manager", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)


def test_one_name_guessed_from_many_addresses_is_locked_everywhere(client, manager):
    for n in range(5):
        log_in(client, "manager", "guess", address=f"198.51.100.{n}")
    response = log_in(Client(), "manager", PASSWORD, address="203.0.113.9")
    assert response.status_code == 429


def test_one_address_trying_many_names_is_locked_for_every_name(rep):
    attacker = Client()
    for n in range(30):
        log_in(attacker, f"name{n}", "guess", address="198.51.100.7")
    response = log_in(Client(), "rep1", PASSWORD, address="198.51.100.7")
    assert response.status_code == 429
    # rep1's own name is not locked: from another address it logs in.
    elsewhere = Client()
    assert log_in(elsewhere, "rep1", PASSWORD, address="203.0.113.9").status_code == 302
    assert logged_in(elsewhere)


def test_a_few_typos_by_several_reps_do_not_lock_the_office():
    """Twenty reps behind one office address: nine of them mistype three or four times."""
    reps = [RepFactory(username=f"office{n}") for n in range(20)]
    for rep in reps[:9]:
        for _ in range(3 if rep.username.endswith(("1", "3", "5")) else 2):
            log_in(Client(), rep.username, "typo", address="192.0.2.10")
    for rep in reps:
        client = Client()
        assert log_in(client, rep.username, PASSWORD, address="192.0.2.10").status_code == 302, rep.username
        assert logged_in(client)


def test_the_right_password_forgives_that_names_failures_only(client, rep, other_rep):
    for _ in range(4):
        log_in(Client(), "rep1", "typo")
        log_in(Client(), "rep2", "typo")
    assert log_in(client, "rep1", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="rep1").exists()
    assert AccessAttempt.objects.get(username="rep2").failures_since_start == 4
    # rep1 starts again from zero: four more typos still leave the door open.
    for _ in range(4):
        log_in(Client(), "rep1", "typo")
    assert log_in(Client(), "rep1", PASSWORD).status_code == 302


def test_the_lock_ends_by_itself_after_the_cool_off(client, rep):
    for _ in range(5):
        log_in(client, "rep1", "typo")
    assert log_in(client, "rep1", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=31))
    assert log_in(client, "rep1", PASSWORD).status_code == 302


def test_with_no_cool_off_only_a_manager_ends_the_lock(client, rep, settings):
    settings.AXES_COOLOFF_TIME = None
    settings.PEYGIR_LOGIN_LOCKOUT_MINUTES = 0
    for _ in range(5):
        log_in(client, "rep1", "typo")
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(days=3))
    response = log_in(client, "rep1", PASSWORD)
    assert response.status_code == 429
    assert "تا وقتی مدیر قفل را باز کند" in response.content.decode()


def test_the_lockout_is_the_login_page_saying_why_in_persian(client, rep):
    for _ in range(5):
        response = log_in(client, "rep1", "typo")
    page = response.content.decode()
    assert response.status_code == 429
    assert 'data-testid="locked-out"' in page
    assert LOCKED_FA in page
    assert "۳۰ دقیقه" in page
    assert 'name="password"' in page  # a colleague can still log in at the same desk
    assert 'value="rep1"' in page


def test_the_lockout_speaks_english_to_an_english_reader(en_client, rep):
    for _ in range(5):
        response = log_in(en_client, "rep1", "typo")
    assert "paused for 30 minutes" in response.content.decode()


def test_failures_from_an_address_count_in_the_names_units():
    assert failures_counted(by_name=0, by_address=29) == 4  # not yet
    assert failures_counted(by_name=0, by_address=30) == 5  # the address limit reached
    assert failures_counted(by_name=5, by_address=1) == 5


def test_behind_a_proxy_the_client_is_the_entry_the_proxy_added(settings):
    settings.PEYGIR_PROXY_COUNT = 1
    factory = RequestFactory()
    spoofed = factory.get("/", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5", REMOTE_ADDR="10.0.0.2")
    assert client_address(spoofed) == "203.0.113.5"
    garbage = factory.get("/", HTTP_X_FORWARDED_FOR="unknown", REMOTE_ADDR="10.0.0.2")
    assert client_address(garbage) == "10.0.0.2"
    settings.PEYGIR_PROXY_COUNT = 0
    assert client_address(spoofed) == "10.0.0.2"  # without a proxy the header is the client's own claim
