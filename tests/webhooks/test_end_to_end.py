"""A shop's post to Peygir as it runs in production (gunicorn, DEBUG off, PostgreSQL), signed the way
docs/shop-webhook.md tells a shop to sign: HMAC-SHA256 of "<timestamp>.<raw body>", hex, after "sha256="."""

import hashlib
import hmac
import json
import socket
import time
import urllib.error
import urllib.request

import pytest

from customers.models import Customer, Purchase
from tests.production import free_port, production_stack, wait_for
from tests.webhooks.conftest import days_ago
from webhooks.models import ShopOrder

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "a-long-secret-the-shop-and-peygir-share"


def shop_post(url: str, order: dict, *, secret: str = SECRET) -> tuple[int, dict]:
    """What a shop's code does: sign the timestamp and the body it sends, then post both."""
    body = json.dumps(order).encode()
    timestamp = str(int(time.time()))
    signature = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Peygir-Timestamp": timestamp,
            "X-Peygir-Signature": f"sha256={signature}",
            "Accept-Language": "en",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
    except OSError:
        return False
    return True


@pytest.fixture
def site(tmp_path):
    with production_stack(tmp_path) as stack:
        port = free_port()
        stack.url = f"http://127.0.0.1:{port}"
        stack.processes.gunicorn({**stack.env, "PEYGIR_SHOP_WEBHOOK_SECRET": SECRET}, port)
        wait_for(lambda: _listening(port), timeout=60, what="gunicorn")
        yield stack


def test_a_shop_posts_an_order_twice_and_a_forged_one_to_the_running_site(site):
    url = f"{site.url}/webhooks/orders/"
    order = {
        "order_id": "WEB-5001",
        "date": days_ago(2),
        "amount": "1250000",
        "currency": "IRT",
        "customer": {"phone": "0912 345 6789", "name": "Mina Taheri", "email": "mina@example.com"},
    }
    status, answer = shop_post(url, order)
    assert (status, answer["result"]) == (200, "created"), answer
    status, again = shop_post(url, order)
    assert (status, again) == (200, answer | {"result": "unchanged"})

    status, refused = shop_post(url, order | {"amount": "1"}, secret="guessed")
    assert status == 401, refused
    assert "signature" in refused["detail"]

    purchase = Purchase.objects.get()
    assert (purchase.pk, purchase.amount, purchase.reference) == (answer["purchase_id"], 12_500_000, "WEB-5001")
    assert Customer.objects.get().pk == answer["customer_id"]
    assert ShopOrder.objects.count() == 1
    assert "Traceback" not in site.processes.output("gunicorn")
