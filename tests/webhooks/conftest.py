"""Posting orders as a shop would: signed with the shared secret (the signing here follows the docs,
it does not call webhooks.signing, so a change of the scheme breaks these tests as it would a shop)."""

import datetime
import hashlib
import hmac
import json
import time

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from customers.models import Customer, Purchase
from loyalty.models import PointsEntry
from webhooks.models import ShopOrder

SECRET = "shop-secret-for-tests"
URL = "/webhooks/orders/"


def sign(body: bytes, timestamp: int, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def days_ago(days: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()


def an_order(**fields) -> dict:
    """A paid order of 2,550,000 Rial a month ago by a customer Peygir may not know yet."""
    order = {
        "order_id": "1001",
        "status": "paid",
        "date": days_ago(30),
        "amount": 2_550_000,
        "currency": "IRR",
        "customer": {"reference": "C-77", "phone": "0912 345 6789", "email": "mina@example.com", "name": "مینا طاهری"},
    }
    return order | fields


def rows() -> dict:
    """What a post may write, counted: a refused post must leave every count as it was."""
    return {
        "customers": Customer.objects.count(),
        "purchases": Purchase.objects.count(),
        "orders": ShopOrder.objects.count(),
        "audit": LogEntry.objects.count(),
        "points": PointsEntry.objects.count(),
    }


@pytest.fixture
def secret(settings):
    settings.PEYGIR_SHOP_WEBHOOK_SECRET = SECRET
    settings.PEYGIR_SHOP_WEBHOOK_TOLERANCE_SECONDS = 300
    return SECRET


@pytest.fixture
def post(client, secret):
    """``post(order)``: the order signed now, as JSON; ``body`` (bytes), ``timestamp``, ``signature``,
    ``headers`` and ``language`` (Accept-Language) change what is sent."""

    def send(order=None, *, body=None, timestamp=None, signature=None, headers=None, language=None):
        body = json.dumps(order, ensure_ascii=False).encode() if body is None else body
        timestamp = int(time.time()) if timestamp is None else timestamp
        sent = {
            "X-Peygir-Timestamp": str(timestamp),
            "X-Peygir-Signature": sign(body, timestamp) if signature is None else signature,
        }
        if language:
            sent["Accept-Language"] = language
        sent.update(headers or {})
        sent = {name: value for name, value in sent.items() if value is not None}
        return client.post(URL, data=body, content_type="application/json", headers=sent)

    return send
