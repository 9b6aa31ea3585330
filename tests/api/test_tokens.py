"""API tokens: only a hash is kept, a revoked token or a colleague who left is refused at once,
"last used" is written at most once a minute, and the audit trail says who made and revoked one."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone, translation
from rest_framework.test import APIClient

from api import services
from api.models import ApiToken
from audit import reading
from tests.factories import CustomerFactory, UserFactory
from tests.text import readable

pytestmark = pytest.mark.django_db


def _bearer(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_ACCEPT_LANGUAGE="en")
    return client


def test_only_the_hash_and_a_short_prefix_of_the_key_are_stored(manager, rep):
    token, key = services.token_create(user=rep, name="صندوق فروشگاه", by=manager)

    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert len(key) >= 43  # token_urlsafe(32): 256 random bits
    assert key not in [str(value) for value in stored.values()]
    assert stored["key_hash"] == services.key_hash(key) != key
    assert stored["prefix"] == key[:8]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_apitoken")
        assert not any(key in str(value) for row in cursor.fetchall() for value in row)


def test_a_token_acts_as_its_colleague(manager, rep):
    key = services.token_create(user=rep, name="اسکریپت", by=manager)[1]
    CustomerFactory(owner=rep, name="مشتری علی")

    response = _bearer(key).get("/api/v1/customers/")

    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == ["مشتری علی"]
    assert services.token_user(key) == rep


def test_a_revoked_token_is_refused_at_once(manager, rep):
    token, key = services.token_create(user=rep, name="اسکریپت", by=manager)
    client = _bearer(key)
    assert client.get("/api/v1/customers/").status_code == 200

    services.token_revoke(token=token, by=manager)
    response = client.get("/api/v1/customers/")

    assert response.status_code == 401
    assert response.json() == {"detail": "This token is not valid, or it was revoked."}
    assert response["WWW-Authenticate"] == "Bearer"
    token.refresh_from_db()
    assert token.revoked_by == manager and token.revoked_at is not None


def test_revoking_twice_keeps_the_first_revocation(manager, rep):
    token = services.token_create(user=rep, name="اسکریپت", by=manager)[0]
    first = services.token_revoke(token=token, by=manager).revoked_at

    again = services.token_revoke(token=token, by=manager)

    assert again.revoked_at == first
    assert LogEntry.objects.filter(action=LogEntry.Action.UPDATE, object_pk=str(token.pk)).count() == 1


def test_the_token_of_a_colleague_who_can_no_longer_log_in_is_refused(manager, rep):
    key = services.token_create(user=rep, name="اسکریپت", by=manager)[1]
    rep.is_active = False
    rep.save()

    assert _bearer(key).get("/api/v1/customers/").status_code == 401
    assert services.token_user(key) is None


@pytest.mark.parametrize(
    "header",
    ["Bearer not-a-token", "Bearer", "Bearer two parts", "Token abc", "Basic dXNlcjpwYXNz", ""],
)
def test_a_missing_or_wrong_token_is_a_401_that_names_the_scheme(manager, rep, header):
    services.token_create(user=rep, name="اسکریپت", by=manager)
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get("/api/v1/customers/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert set(response.json()) == {"detail"}


def test_last_used_is_written_at_most_once_a_minute(manager, rep, monkeypatch):
    token, key = services.token_create(user=rep, name="اسکریپت", by=manager)
    start = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: start)
    services.token_user(key)
    token.refresh_from_db()
    assert token.last_used_at == start

    monkeypatch.setattr(timezone, "now", lambda: start + datetime.timedelta(seconds=59))
    services.token_user(key)
    token.refresh_from_db()
    assert token.last_used_at == start

    later = start + datetime.timedelta(seconds=61)
    monkeypatch.setattr(timezone, "now", lambda: later)
    services.token_user(key)
    token.refresh_from_db()
    assert token.last_used_at == later


def test_only_a_manager_makes_or_revokes_a_token(manager, rep):
    with pytest.raises(PermissionDenied):
        services.token_create(user=rep, name="اسکریپت", by=rep)
    token = services.token_create(user=rep, name="اسکریپت", by=manager)[0]
    with pytest.raises(PermissionDenied):
        services.token_revoke(token=token, by=rep)
    assert ApiToken.objects.get().revoked_at is None


def test_a_token_acts_only_as_an_active_rep_or_manager(manager):
    outsider = UserFactory(username="no-role")
    with pytest.raises(ValidationError) as refused:
        services.token_create(user=outsider, name="اسکریپت", by=manager)
    assert "user" in refused.value.message_dict
    assert not ApiToken.objects.exists()


def test_a_token_needs_a_name(manager, rep):
    with pytest.raises(ValidationError) as refused:
        services.token_create(user=rep, name="   ", by=manager)
    assert "name" in refused.value.message_dict
    assert not ApiToken.objects.exists()


def test_the_audit_log_says_who_made_a_token_for_whom_and_who_revoked_it(manager, rep):
    token = services.token_create(user=rep, name="صندوق فروشگاه", by=manager)[0]
    services.token_revoke(token=token, by=manager)

    entries = LogEntry.objects.filter(object_pk=str(token.pk)).order_by("timestamp", "pk")
    with translation.override("en"):
        created, revoked = reading.lines(entries)

    assert {entry.actor for entry in entries} == {manager}
    assert readable(created.sentence) == "مریم صدری created the API token صندوق فروشگاه"
    assert [readable(detail) for detail in created.details] == ["Acts as: علی رستمی"]
    assert readable(revoked.sentence) == "مریم صدری revoked the API token صندوق فروشگاه"
