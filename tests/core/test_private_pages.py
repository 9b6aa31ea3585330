"""core.middleware.PrivatePagesMiddleware: nothing shown to a logged-in user is kept by a cache."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize("name", ["customers:list", "followups:calls_due", "home"])
def test_every_page_of_a_logged_in_user_is_private_and_not_stored(manager_client, name):
    response = manager_client.get(reverse(name))
    assert {"private", "no-store"} <= _directives(response)


def test_a_download_is_not_stored_either(manager_client):
    response = manager_client.get(reverse("customers:export"))
    assert response.status_code == 200
    assert {"private", "no-store"} <= _directives(response)


def test_a_visitors_response_is_left_alone(client):
    """(Django's login page says never-cache by itself; the front door's redirect does not.)"""
    assert "private" not in _directives(client.get(reverse("home")))
