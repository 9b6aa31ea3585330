"""An order posted by the shop is one purchase, however often it is posted: its customer found by the
shop's customer ID, the phone or the email (or made), an edit edits the purchase, a refund lowers or
removes it (loyalty's points follow), and a post about an older state of the order changes nothing."""

import datetime
import time
from decimal import Decimal

import pytest
from django.utils import timezone

from customers.models import Customer, Purchase
from customers.services import purchase_delete
from loyalty.models import LoyaltyAccount, PointsEntry
from tests.factories import CustomerFactory, PurchaseFactory
from tests.webhooks.conftest import an_order, days_ago, rows
from webhooks.models import ShopOrder

pytestmark = pytest.mark.django_db


def _moment(minutes: int) -> str:
    """``updated_at``: the order's change ``minutes`` after a fixed moment."""
    return (datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.UTC) + datetime.timedelta(minutes=minutes)).isoformat()


def _ok(response) -> dict:
    assert response.status_code == 200, response.content
    return response.json()


def _points(customer_id: int) -> int:
    return LoyaltyAccount.objects.get(customer_id=customer_id).available


# --- the customer ------------------------------------------------------------------------------


def test_an_unknown_customer_is_made_from_the_order(post):
    answer = _ok(post(an_order()))
    customer = Customer.objects.get()
    purchase = Purchase.objects.get()
    assert answer == {"order_id": "1001", "result": "created", "customer_id": customer.pk, "purchase_id": purchase.pk}
    assert (customer.name, customer.reference, customer.mobile, customer.email, customer.source) == (
        "مینا طاهری",
        "C-77",
        "09123456789",
        "mina@example.com",
        Customer.Source.SHOP,
    )
    assert (purchase.customer, purchase.reference, purchase.amount) == (customer, "1001", Decimal(2_550_000))
    assert purchase.purchased_on.isoformat() == days_ago(30)
    assert (customer.purchase_count, customer.total_spent) == (1, Decimal(2_550_000))
    order = ShopOrder.objects.get()
    assert (order.order_id, order.customer, order.purchase, order.status) == ("1001", customer, purchase, "paid")


def test_a_customer_without_a_name_is_called_by_their_phone(post):
    _ok(post(an_order(customer={"phone": "09123456789"})))
    assert Customer.objects.get().name == "09123456789"


def test_the_customer_is_found_by_the_shops_customer_id_first(post):
    known = CustomerFactory(reference="C-77", mobile="09350000000", email="")
    CustomerFactory(mobile="09123456789")  # the order's phone is someone else's: the customer ID decides
    answer = _ok(post(an_order()))
    assert answer["customer_id"] == known.pk
    assert Customer.objects.count() == 2
    assert Purchase.objects.get().customer == known


def test_the_customer_is_found_by_the_phone_in_any_form(post):
    known = CustomerFactory(mobile="09123456789", reference="")
    answer = _ok(post(an_order(customer={"reference": "C-77", "phone": "+98 912 345 6789"})))
    assert answer["customer_id"] == known.pk
    assert Customer.objects.count() == 1


def test_a_customer_found_by_phone_takes_the_shops_customer_id(post):
    known = CustomerFactory(mobile="09123456789", reference="")
    _ok(post(an_order()))
    known.refresh_from_db()
    assert known.reference == "C-77"
    # The next order finds them by it, whatever phone it gives.
    answer = _ok(post(an_order(order_id="1002", customer={"reference": "C-77", "phone": "09350000000"})))
    assert answer["customer_id"] == known.pk


def test_the_customer_is_found_by_the_email_in_any_case(post):
    known = CustomerFactory(email="Mina@Example.com", mobile="", reference="")
    answer = _ok(post(an_order(customer={"email": "mina@example.COM"})))
    assert answer["customer_id"] == known.pk
    assert Customer.objects.count() == 1


def test_a_phone_that_is_another_customers_is_refused_and_nothing_is_written(post):
    """The phone belongs to a customer the shop knows under another customer ID: not the same person."""
    CustomerFactory(reference="C-12", mobile="09123456789")
    before = rows()
    response = post(an_order(), language="en")
    assert response.status_code == 400
    assert response.json()["errors"] == {"customer.phone": ["Another customer has this phone number."]}
    assert rows() == before


# --- posted again ------------------------------------------------------------------------------


def test_the_same_order_posted_again_writes_nothing(post):
    first = _ok(post(an_order()))
    customer_id = first["customer_id"]
    assert _points(customer_id) == 25
    before = rows()
    again = _ok(post(an_order()))
    assert again == first | {"result": "unchanged"}
    assert rows() == before  # no purchase, points, audit entry or order row more
    assert PointsEntry.objects.filter(customer_id=customer_id).count() == 1
    assert _points(customer_id) == 25


def test_the_same_order_signed_again_later_is_still_unchanged(post):
    _ok(post(an_order(), timestamp=int(time.time()) - 60))
    assert _ok(post(an_order()))["result"] == "unchanged"
    assert Purchase.objects.count() == 1


def test_a_new_post_of_an_order_writes_audit_entries_once(post):
    from auditlog.models import LogEntry

    _ok(post(an_order()))
    written = LogEntry.objects.count()
    assert written >= 2  # the customer and the purchase added, by Peygir
    _ok(post(an_order()))
    assert LogEntry.objects.count() == written


def test_a_purchase_imported_with_the_order_id_as_its_invoice_becomes_the_orders(post):
    customer = CustomerFactory(reference="C-77")
    imported = PurchaseFactory(customer=customer, reference="1001", amount=Decimal(2_550_000))
    answer = _ok(post(an_order(date=imported.purchased_on.isoformat())))
    assert answer["purchase_id"] == imported.pk
    assert Purchase.objects.count() == 1


# --- edits and refunds -------------------------------------------------------------------------


def test_an_edited_order_edits_its_purchase_and_points(post):
    first = _ok(post(an_order(updated_at=_moment(0))))
    edited = _ok(post(an_order(amount=3_000_000, note="one more item", updated_at=_moment(5))))
    assert edited == first | {"result": "updated"}
    purchase = Purchase.objects.get()
    assert (purchase.amount, purchase.note) == (Decimal(3_000_000), "one more item")
    assert purchase.customer.total_spent == Decimal(3_000_000)
    assert _points(first["customer_id"]) == 30


def test_an_edited_date_moves_the_purchase(post):
    _ok(post(an_order(updated_at=_moment(0))))
    assert _ok(post(an_order(date=days_ago(31), updated_at=_moment(5))))["result"] == "updated"
    assert Purchase.objects.get().purchased_on.isoformat() == days_ago(31)


def test_a_full_refund_removes_the_purchase_and_its_points(post):
    first = _ok(post(an_order(updated_at=_moment(0))))
    refunded = _ok(post(an_order(status="refunded", updated_at=_moment(5))))
    assert refunded == first | {"result": "refunded", "purchase_id": None}
    assert Purchase.objects.count() == 0
    order = ShopOrder.objects.get()
    assert (order.status, order.refunded_rial, order.purchase) == ("refunded", Decimal(2_550_000), None)
    customer = Customer.objects.get()
    assert (customer.purchase_count, customer.total_spent) == (0, Decimal(0))
    assert _points(customer.pk) == 0
    assert PointsEntry.objects.filter(customer=customer, kind=PointsEntry.Kind.REVERSAL).count() == 1


def test_a_refund_posted_again_reverses_the_points_once(post):
    _ok(post(an_order(updated_at=_moment(0))))
    _ok(post(an_order(status="refunded", updated_at=_moment(5))))
    before = rows()
    assert _ok(post(an_order(status="refunded", updated_at=_moment(5))))["result"] == "unchanged"
    assert rows() == before


def test_a_partial_refund_lowers_the_purchase(post):
    first = _ok(post(an_order(updated_at=_moment(0))))
    answer = _ok(post(an_order(refunded_amount=1_000_000, updated_at=_moment(5))))
    assert answer == first | {"result": "refunded"}
    assert Purchase.objects.get().amount == Decimal(1_550_000)
    assert ShopOrder.objects.get().refunded_rial == Decimal(1_000_000)
    assert _points(first["customer_id"]) == 15


def test_a_cancelled_order_removes_its_purchase(post):
    _ok(post(an_order(updated_at=_moment(0))))
    assert _ok(post(an_order(status="cancelled", updated_at=_moment(5))))["result"] == "cancelled"
    assert Purchase.objects.count() == 0
    assert ShopOrder.objects.get().status == "cancelled"


def test_an_order_paid_again_after_a_refund_is_a_purchase_again(post):
    _ok(post(an_order(updated_at=_moment(0))))
    _ok(post(an_order(status="refunded", updated_at=_moment(5))))
    answer = _ok(post(an_order(updated_at=_moment(10))))
    assert answer["result"] == "created"
    assert Purchase.objects.get().pk == answer["purchase_id"]
    assert Customer.objects.count() == 1


def test_an_order_first_posted_cancelled_makes_no_customer(post):
    before = rows()
    answer = _ok(post(an_order(status="cancelled")))
    assert answer == {"order_id": "1001", "result": "cancelled", "customer_id": None, "purchase_id": None}
    assert rows() == before | {"orders": 1}


def test_a_purchase_deleted_in_peygir_is_not_brought_back_by_the_same_post(post):
    """A colleague removed it on purpose; the order must change in the shop before it is recorded again."""
    _ok(post(an_order()))
    purchase_delete(purchase=Purchase.objects.get())
    assert _ok(post(an_order()))["result"] == "unchanged"
    assert Purchase.objects.count() == 0


# --- out of order ------------------------------------------------------------------------------


def test_a_post_about_an_older_state_is_ignored(post):
    _ok(post(an_order(updated_at=_moment(0))))
    _ok(post(an_order(status="refunded", updated_at=_moment(10))))
    before = rows()
    late = post(an_order(amount=3_000_000, updated_at=_moment(5)), language="en")
    answer = _ok(late)
    assert answer["result"] == "ignored_older"
    assert "newer state of this order" in answer["detail"]
    assert rows() == before
    assert ShopOrder.objects.get().status == "refunded"


def test_without_updated_at_the_signed_timestamps_order_the_posts(post):
    now = int(time.time())
    _ok(post(an_order(amount=3_000_000), timestamp=now - 10))
    assert _ok(post(an_order(), timestamp=now - 100))["result"] == "ignored_older"
    assert Purchase.objects.get().amount == Decimal(3_000_000)


def test_an_older_paid_post_does_not_undo_a_cancellation_first_posted(post):
    _ok(post(an_order(status="cancelled", updated_at=_moment(10))))
    assert _ok(post(an_order(updated_at=_moment(0))))["result"] == "ignored_older"
    assert rows()["purchases"] == 0


def test_the_order_row_keeps_when_it_was_posted(post):
    _ok(post(an_order(updated_at=_moment(0))))
    first = ShopOrder.objects.get()
    _ok(post(an_order(amount=100, updated_at=_moment(5))))
    later = ShopOrder.objects.get()
    assert later.first_posted_at == first.first_posted_at
    assert later.last_posted_at >= first.last_posted_at
    assert later.changed_at == datetime.datetime.fromisoformat(_moment(5))
    assert later.first_posted_at <= timezone.now()
