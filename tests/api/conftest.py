"""API test wiring: tokens made through the service, and clients that send them."""

import pytest
from rest_framework.test import APIClient

from api import services


def token_for(user, *, by, name="اسکریپت فروشگاه") -> str:
    """A new token acting as ``user``, made by the manager ``by``; its key."""
    _token, key = services.token_create(user=user, name=name, by=by)
    return key


@pytest.fixture
def api_as(manager):
    """api_as(user, lang=None) -> an APIClient sending a new token of ``user`` (and Accept-Language)."""

    def _client(user, lang: str | None = None) -> APIClient:
        client = APIClient()
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(user, by=manager)}"}
        if lang:
            headers["HTTP_ACCEPT_LANGUAGE"] = lang
        client.credentials(**headers)
        return client

    return _client


@pytest.fixture
def manager_api(api_as, manager):
    return api_as(manager, lang="en")


@pytest.fixture
def rep_api(api_as, rep):
    return api_as(rep, lang="en")


@pytest.fixture
def other_rep_api(api_as, other_rep):
    return api_as(other_rep, lang="en")
