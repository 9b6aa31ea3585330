"""The tokens page: managers only; a new token's key is on the answer to the form and never again."""

import pytest
from django.urls import reverse

from api import services
from api.models import ApiToken

pytestmark = pytest.mark.django_db

TOKENS = "/api/tokens/"


def _key_of(response) -> str:
    return response.context["key"]


def test_a_manager_creates_a_token_and_sees_its_key_once(manager_client, rep):
    response = manager_client.post(TOKENS, {"name": "صندوق فروشگاه", "user": rep.pk})

    assert response.status_code == 200
    key = _key_of(response)
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.created_by.username) == (rep, "صندوق فروشگاه", "manager")
    body = response.content.decode()
    assert f'data-testid="token-key">{key}</code>' in body
    assert "no-store" in response["Cache-Control"]
    again = manager_client.get(TOKENS)
    assert key not in again.content.decode()
    assert token.prefix in again.content.decode()
    assert services.token_user(key) == rep


def test_the_form_refuses_a_token_without_a_name_or_colleague(manager_client):
    response = manager_client.post(TOKENS, {"name": "", "user": ""})

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "user"}
    assert not ApiToken.objects.exists()
    assert response.context["key"] == ""


def test_a_colleague_without_a_role_is_not_offered(manager_client):
    from tests.factories import UserFactory

    outsider = UserFactory(username="outsider")

    response = manager_client.post(TOKENS, {"name": "اسکریپت", "user": outsider.pk})

    assert response.status_code == 400
    assert "user" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_a_manager_revokes_a_token_from_the_page(manager_client, manager, rep):
    token = services.token_create(user=rep, name="اسکریپت", by=manager)[0]

    response = manager_client.post(reverse("api:token_revoke", args=[token.pk]), follow=True)

    token.refresh_from_db()
    assert token.revoked_by == manager
    assert response.redirect_chain[-1][0] == TOKENS
    assert 'data-testid="revoke"' not in response.content.decode()


def test_reps_cannot_open_or_use_the_tokens_page(rep_client, manager, rep):
    token = services.token_create(user=rep, name="اسکریپت", by=manager)[0]

    assert rep_client.get(TOKENS).status_code == 403
    assert rep_client.post(TOKENS, {"name": "x", "user": rep.pk}).status_code == 403
    assert rep_client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 403
    assert ApiToken.objects.count() == 1
    assert ApiToken.objects.get().revoked_at is None


def test_someone_not_logged_in_is_sent_to_log_in(client):
    response = client.get(TOKENS)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_audit_log_page_lists_the_tokens_made_and_revoked(manager_client, manager, rep):
    token = services.token_create(user=rep, name="صندوق فروشگاه", by=manager)[0]
    services.token_revoke(token=token, by=manager)

    body = manager_client.get(reverse("audit:log")).content.decode()

    assert "صندوق فروشگاه" in body
    assert body.count("صندوق فروشگاه") >= 2
