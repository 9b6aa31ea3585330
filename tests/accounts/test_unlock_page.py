"""The manager's "Login lockouts" page: who is locked, and an Unlock button that uses axes' reset."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from tests.accounts.conftest import PASSWORD, log_in, logged_in

pytestmark = pytest.mark.django_db

URL = reverse("accounts:lockouts")


def _lock_name(username: str, address: str = "10.0.0.1") -> None:
    for _ in range(5):
        log_in(Client(), username, "typo", address=address)


def _lock_address(address: str) -> None:
    for n in range(30):
        log_in(Client(), f"made-up-{n}", "guess", address=address)


def test_a_rep_is_refused_and_a_visitor_sent_to_log_in(rep_client):
    assert rep_client.get(URL).status_code == 403
    assert rep_client.post(URL, {"kind": "name", "value": "rep1"}).status_code == 403
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_manager_sees_locked_names_and_addresses_only(manager_client, rep, other_rep):
    _lock_name("rep1")
    log_in(Client(), "rep2", "typo", address="10.0.0.3")  # one typo: not locked
    _lock_address("198.51.100.7")
    page = manager_client.get(URL).content.decode()
    assert 'data-testid="lockout-name"' in page
    assert ">rep1<" in page
    assert ">rep2<" not in page
    assert ">198.51.100.7<" in page
    assert ">10.0.0.3<" not in page
    assert "قفل‌های ورود" in page


def test_unlocking_a_name_lets_that_rep_log_in_at_once(manager_client, rep):
    _lock_name("rep1")
    assert log_in(Client(), "rep1", PASSWORD).status_code == 429
    response = manager_client.post(URL, {"kind": "name", "value": "rep1"}, follow=True)
    assert "قفل باز شد" in response.content.decode()
    assert 'data-testid="no-lockouts"' in response.content.decode()
    client = Client()
    assert log_in(client, "rep1", PASSWORD).status_code == 302
    assert logged_in(client)


def test_unlocking_an_address_opens_it_for_everyone_behind_it(manager_client, rep):
    _lock_address("198.51.100.7")
    assert log_in(Client(), "rep1", PASSWORD, address="198.51.100.7").status_code == 429
    manager_client.post(URL, {"kind": "address", "value": "198.51.100.7"})
    assert not AccessAttempt.objects.filter(ip_address="198.51.100.7").exists()
    assert log_in(Client(), "rep1", PASSWORD, address="198.51.100.7").status_code == 302


def test_a_bad_unlock_request_changes_nothing_and_says_so(manager_client, rep):
    _lock_name("rep1")
    response = manager_client.post(URL, {"kind": "address", "value": "not-an-address"}, follow=True)
    assert "قفلی باز نشد" in response.content.decode()
    response = manager_client.post(URL, {"kind": "everything", "value": "rep1"}, follow=True)
    assert "قفلی باز نشد" in response.content.decode()
    assert AccessAttempt.objects.filter(username="rep1").exists()


def test_managers_find_the_page_in_the_navbar(manager, rep):
    for user, shown in ((manager, True), (rep, False)):
        client = Client()
        client.force_login(user)
        assert (URL in client.get(reverse("customers:list")).content.decode()) is shown
