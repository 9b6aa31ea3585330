"""Account tests log in through the real login view (not force_login), so django-axes counts."""

import pytest
from django.urls import reverse

PASSWORD = "secret-pass-123"  # tests/factories.py UserFactory's


@pytest.fixture(autouse=True)
def _account_rules(settings):
    """The documented defaults, pinned so a developer's .env cannot change the results."""
    settings.PEYGIR_LOGIN_FAILURES_PER_NAME = 5
    settings.PEYGIR_LOGIN_FAILURES_PER_ADDRESS = 30
    settings.PEYGIR_LOGIN_LOCKOUT_MINUTES = 30
    settings.PEYGIR_PROXY_COUNT = 0
    settings.PEYGIR_PASSWORD_RESET_PER_EMAIL = 3
    settings.PEYGIR_PASSWORD_RESET_PER_ADDRESS = 10
    settings.PEYGIR_PASSWORD_RESET_WINDOW_MINUTES = 60
    settings.PEYGIR_SITE_URL = "https://crm.example.com"


def log_in(client, username: str, password: str, *, address: str = "10.0.0.1"):
    """One submission of the login form, from ``address``."""
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session
