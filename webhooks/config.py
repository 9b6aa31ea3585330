"""The webhook's settings, read here only (retention_crm/settings.py sets them from the environment)."""

from django.conf import settings

# A shop's order is a few KiB; anything far larger is not an order and is refused unread.
MAX_BODY_BYTES = 256 * 1024


def shop_secret() -> str:
    """The secret shared with the shop; empty means the webhook is off."""
    return settings.PEYGIR_SHOP_WEBHOOK_SECRET


def tolerance_seconds() -> int:
    """How far a post's timestamp may be from our clock before it is refused as a replay."""
    return settings.PEYGIR_SHOP_WEBHOOK_TOLERANCE_SECONDS
