"""WooCommerce's own order webhook (its signature, its JSON) goes to the same rules as Peygir's payload:
a paid order is a purchase once, refunds lower or remove it, an order not paid yet is skipped, and a
delivery replayed after a newer one changes nothing (WooCommerce signs no timestamp)."""

import base64
import hashlib
import hmac
import json
from decimal import Decimal

import pytest

from customers.models import Customer, Purchase
from tests.factories import CustomerFactory
from tests.webhooks.conftest import SECRET, days_ago, rows
from webhooks.models import ShopOrder

pytestmark = pytest.mark.django_db

URL = "/webhooks/woocommerce/"


def woocommerce_order(**fields) -> dict:
    """The parts of WooCommerce's order (REST API v3) that Peygir reads, and some it does not."""
    order = {
        "id": 727,
        "parent_id": 0,
        "number": "727",
        "status": "processing",
        "currency": "IRT",
        "date_created": f"{days_ago(30)}T10:20:30",
        "date_modified_gmt": "2026-01-01T12:00:00",
        "total": "255000.00",
        "shipping_total": "30000.00",
        "customer_id": 12,
        "customer_note": "",
        "billing": {
            "first_name": "مینا",
            "last_name": "طاهری",
            "email": "mina@example.com",
            "phone": "۰۹۱۲۳۴۵۶۷۸۹",
            "city": "تهران",
            "country": "IR",
        },
        "line_items": [{"id": 1, "name": "کتاب", "quantity": 1, "total": "225000.00"}],
        "refunds": [],
    }
    return order | fields


@pytest.fixture
def deliver(client, secret):
    """``deliver(order)``: posted as WooCommerce posts it, signed with the webhook's secret."""

    def send(order=None, *, body=None, signature=None, topic="order.updated", language="en"):
        body = json.dumps(order, ensure_ascii=False).encode() if body is None else body
        digest = hmac.new(SECRET.encode(), body, hashlib.sha256).digest()
        headers = {
            "X-WC-Webhook-Topic": topic,
            "X-WC-Webhook-Resource": topic.split(".")[0],
            "X-WC-Webhook-Event": topic.split(".")[-1],
            "X-WC-Webhook-Signature": base64.b64encode(digest).decode() if signature is None else signature,
            "X-WC-Webhook-ID": "3",
            "Accept-Language": language,
        }
        return client.post(URL, data=body, content_type="application/json", headers=headers)

    return send


def _ok(response) -> dict:
    assert response.status_code == 200, response.content
    return response.json()


def test_the_ping_woocommerce_sends_when_the_webhook_is_saved_is_answered(client, secret):
    before = rows()
    response = client.post(URL, data=b"webhook_id=3", content_type="application/x-www-form-urlencoded")
    assert (response.status_code, response.json()) == (200, {"result": "ping"})
    assert rows() == before


def test_a_paid_order_is_a_purchase_of_its_customer(deliver):
    answer = _ok(deliver(woocommerce_order()))
    customer = Customer.objects.get()
    assert answer == {
        "order_id": "727",
        "result": "created",
        "customer_id": customer.pk,
        "purchase_id": Purchase.objects.get().pk,
    }
    assert (customer.name, customer.reference, customer.mobile, customer.email) == (
        "مینا طاهری",
        "12",
        "09123456789",
        "mina@example.com",
    )
    purchase = Purchase.objects.get()
    assert (purchase.amount, purchase.reference, purchase.purchased_on.isoformat()) == (
        Decimal(2_550_000),
        "727",
        days_ago(30),
    )


def test_a_delivery_without_the_right_signature_is_refused(deliver):
    before = rows()
    response = deliver(woocommerce_order(), signature=base64.b64encode(b"x" * 32).decode())
    assert response.status_code == 401
    assert "signature does not match" in response.json()["detail"]
    assert rows() == before
    response = deliver(woocommerce_order(), signature="")
    assert response.status_code == 401
    assert rows() == before


def test_a_form_post_that_is_not_the_ping_is_refused(client, secret):
    response = client.post(URL, data=b"webhook_id=3&status=completed", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 401


def test_the_same_delivery_again_writes_nothing(deliver):
    _ok(deliver(woocommerce_order()))
    before = rows()
    assert _ok(deliver(woocommerce_order()))["result"] == "unchanged"
    assert rows() == before


@pytest.mark.parametrize("status", ["pending", "on-hold", "checkout-draft"])
def test_an_order_not_paid_yet_is_skipped(deliver, status):
    before = rows()
    answer = _ok(deliver(woocommerce_order(status=status), topic="order.created"))
    assert (answer["result"], answer["purchase_id"]) == ("skipped", None)
    assert "not paid yet" in answer["detail"]
    assert rows() == before


def test_completed_after_processing_changes_nothing(deliver):
    _ok(deliver(woocommerce_order()))
    completed = woocommerce_order(status="completed", date_modified_gmt="2026-01-02T09:00:00")
    assert _ok(deliver(completed))["result"] == "unchanged"
    assert Purchase.objects.count() == 1


def test_a_partial_refund_lowers_the_purchase(deliver):
    _ok(deliver(woocommerce_order()))
    refunded = woocommerce_order(
        refunds=[{"id": 730, "reason": "one book returned", "total": "-100000.00"}],
        date_modified_gmt="2026-01-02T09:00:00",
    )
    assert _ok(deliver(refunded))["result"] == "refunded"
    assert Purchase.objects.get().amount == Decimal(1_550_000)
    assert ShopOrder.objects.get().refunded_rial == Decimal(1_000_000)


def test_a_refunded_order_removes_the_purchase(deliver):
    _ok(deliver(woocommerce_order()))
    refunded = woocommerce_order(
        status="refunded",
        refunds=[{"id": 730, "reason": "", "total": "-255000.00"}],
        date_modified_gmt="2026-01-02T09:00:00",
    )
    assert _ok(deliver(refunded))["result"] == "refunded"
    assert Purchase.objects.count() == 0


def test_a_cancelled_order_removes_the_purchase(deliver):
    _ok(deliver(woocommerce_order()))
    cancelled = woocommerce_order(status="cancelled", date_modified_gmt="2026-01-02T09:00:00")
    assert _ok(deliver(cancelled))["result"] == "cancelled"
    assert Purchase.objects.count() == 0


def test_an_old_delivery_replayed_after_a_newer_one_changes_nothing(deliver):
    _ok(deliver(woocommerce_order()))
    _ok(deliver(woocommerce_order(status="cancelled", date_modified_gmt="2026-01-02T09:00:00")))
    before = rows()
    assert _ok(deliver(woocommerce_order()))["result"] == "ignored_older"
    assert rows() == before


def test_a_guests_order_finds_the_customer_by_phone(deliver):
    known = CustomerFactory(mobile="09123456789", reference="")
    answer = _ok(deliver(woocommerce_order(customer_id=0)))
    assert answer["customer_id"] == known.pk
    assert Customer.objects.count() == 1


def test_a_topic_other_than_orders_is_skipped(deliver):
    before = rows()
    answer = _ok(deliver({"id": 12, "email": "mina@example.com"}, topic="customer.created"))
    assert answer["result"] == "skipped"
    assert rows() == before


def test_errors_name_woocommerces_fields(deliver):
    before = rows()
    response = deliver(woocommerce_order(total="free", currency="EUR", date_modified_gmt=None))
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"total", "currency", "date_modified_gmt"}
    assert rows() == before


def test_a_woocommerce_delivery_to_peygirs_own_endpoint_is_refused(client, secret):
    """The two signatures are not interchangeable: WooCommerce's post has no Peygir timestamp."""
    body = json.dumps(woocommerce_order()).encode()
    signature = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()
    response = client.post(
        "/webhooks/orders/", data=body, content_type="application/json", headers={"X-WC-Webhook-Signature": signature}
    )
    assert response.status_code == 401
