"""Posts at the same instant on PostgreSQL: a shop that sends an order twice at once (a retry racing the
first delivery) records one purchase; orders of one new customer at once make one customer."""

import json
import time

import pytest
from django.test import Client

from customers.models import Customer, Purchase
from loyalty.models import PointsEntry
from tests.concurrency import run_at_once, skip_on_sqlite
from tests.webhooks.conftest import URL, an_order, sign
from webhooks.models import ShopOrder

pytestmark = pytest.mark.django_db(transaction=True)


def _send(order: dict) -> dict:
    body = json.dumps(order).encode()
    now = int(time.time())
    response = Client().post(
        URL,
        data=body,
        content_type="application/json",
        headers={"X-Peygir-Timestamp": str(now), "X-Peygir-Signature": sign(body, now)},
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_the_same_order_posted_four_times_at_once_is_one_purchase(secret):
    skip_on_sqlite()
    answers = run_at_once(lambda: _send(an_order()), count=4)
    assert sorted(answer["result"] for answer in answers) == ["created", "unchanged", "unchanged", "unchanged"]
    assert len({(answer["customer_id"], answer["purchase_id"]) for answer in answers}) == 1
    assert (ShopOrder.objects.count(), Purchase.objects.count(), Customer.objects.count()) == (1, 1, 1)
    assert PointsEntry.objects.count() == 1


def test_orders_of_one_new_customer_at_once_make_one_customer(secret):
    skip_on_sqlite()
    order_ids = iter(["2001", "2002", "2003", "2004"])
    answers = run_at_once(lambda: _send(an_order(order_id=next(order_ids))), count=4)
    assert [answer["result"] for answer in answers] == ["created"] * 4
    customer = Customer.objects.get()
    assert {answer["customer_id"] for answer in answers} == {customer.pk}
    assert Purchase.objects.filter(customer=customer).count() == 4
    customer.refresh_from_db()
    assert customer.purchase_count == 4


def test_the_same_edit_posted_four_times_at_once_is_applied_once(secret):
    skip_on_sqlite()
    _send(an_order(updated_at="2026-01-01T12:00:00+00:00"))
    edit = an_order(amount=3_000_000, updated_at="2026-01-01T12:05:00+00:00")
    answers = run_at_once(lambda: _send(edit), count=4)
    assert sorted(answer["result"] for answer in answers) == ["unchanged", "unchanged", "unchanged", "updated"]
    assert Purchase.objects.get().amount == 3_000_000
    assert sum(PointsEntry.objects.values_list("points", flat=True)) == 30
