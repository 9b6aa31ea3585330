"""Addresses of our pages as people outside the site see them (email links)."""

from django.conf import settings


def absolute_url(path: str) -> str:
    """``/calls/`` -> ``https://crm.example.com/calls/`` (``PEYGIR_SITE_URL``)."""
    return settings.PEYGIR_SITE_URL.rstrip("/") + path
