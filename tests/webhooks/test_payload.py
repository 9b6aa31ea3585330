"""A post that is not an order is a 400 saying, field by field and in the request's language, what is
wrong, and writes nothing; a good one is read in the shop's units and forms (docs/shop-webhook.md)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from customers.matching import CustomerKeys
from tests.webhooks.conftest import an_order, days_ago, rows
from webhooks.payload import OrderPost, PayloadInvalid, read_order

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def _errors(post, order=None, *, body=None, language="en") -> dict:
    before = rows()
    response = post(order, body=body, language=language)
    assert response.status_code == 400, response.content
    assert rows() == before
    return response.json()["errors"]


def test_a_body_that_is_not_json_is_refused(post):
    errors = _errors(post, body=b'{"order_id": "1001",')
    assert errors == {"non_field_errors": ["The body is not JSON (line 1, column 21)."]}


def test_a_body_that_is_not_utf8_is_refused(post):
    assert _errors(post, body='{"order_id": "۱"}'.encode("utf-16-le")[1:]) == {
        "non_field_errors": ["The body is not JSON."]
    }


@pytest.mark.parametrize("body", [b"[]", b'"1001"', b"null"])
def test_a_body_that_is_not_an_object_is_refused(post, body):
    assert _errors(post, body=body) == {"non_field_errors": ["The body must be a JSON object: the order."]}


def test_nan_is_not_json(post):
    """Python's json reads NaN; it is neither JSON nor an amount."""
    assert _errors(post, body=b'{"amount": NaN}') == {"non_field_errors": ["The body is not JSON."]}


def test_every_missing_field_is_named_at_once(post):
    assert _errors(post, {}) == {
        "order_id": ["This field is required."],
        "date": ["This field is required."],
        "amount": ["This field is required."],
        "customer": ["Give the customer as an object with their customer ID, phone or email."],
    }


def test_the_errors_are_in_persian_unless_the_request_asks_for_english(post):
    response = post({"order_id": "1001"})
    assert response.status_code == 400
    assert response["Content-Language"] == "fa"
    with translation.override("fa"):
        required = gettext("This field is required.")
    assert required != "This field is required."
    assert response.json()["errors"]["date"] == [required]
    english = post({"order_id": "1001"}, language="en-US,en;q=0.9")
    assert english["Content-Language"] == "en"
    assert english.json()["errors"]["date"] == ["This field is required."]


def test_a_customer_without_a_key_is_refused(post):
    errors = _errors(post, an_order(customer={"name": "Mina"}))
    assert errors == {"customer": ["Give at least one of the customer ID, the phone and the email."]}


@pytest.mark.parametrize(
    ("fields", "field", "says"),
    [
        ({"date": "tomorrow"}, "date", "is not a date"),
        ({"date": "1403/07/31"}, "date", "does not exist in the calendar"),  # Mehr has 30 days
        ({"date": "1404/12/30"}, "date", "does not exist in the calendar"),  # 1403 is leap, 1404 is not
        ({"date": 20240504}, "date", "Give this as text."),
        ({"date": (timezone.localdate() + datetime.timedelta(days=2)).isoformat()}, "date", "is in the future"),
        ({"amount": "a lot"}, "amount", "is not an amount"),
        ({"amount": -5}, "amount", "is not an amount"),
        ({"amount": True}, "amount", "is not an amount"),
        ({"amount": 10**18}, "amount", "is too large"),
        ({"refunded_amount": 3_000_000}, "refunded_amount", "more than the order's amount"),
        ({"currency": "USD"}, "currency", "IRT (Toman)"),
        ({"status": "shipped"}, "status", "paid, refunded or cancelled"),
        ({"order_id": "x" * 65}, "order_id", "At most 64 characters (this has 65)."),
        ({"order_id": ["1001"]}, "order_id", "Give this as text."),
        ({"note": "x" * 501}, "note", "At most 500 characters"),
        ({"updated_at": "2024-05-04T10:20:30"}, "updated_at", "with its offset"),
        ({"customer": {"phone": "12345"}}, "customer.phone", "is not a phone number"),
        ({"customer": {"phone": 9123456789}}, "customer.phone", "Give this as text."),
        ({"customer": {"email": "mina@"}}, "customer.email", "Enter a valid email address."),
        ({"customer": {"reference": "C-1", "name": "x" * 201}}, "customer.name", "At most 200 characters"),
    ],
)
def test_a_bad_field_is_named_with_what_is_wrong(post, fields, field, says):
    errors = _errors(post, an_order(**fields))
    assert list(errors) == [field]
    assert says in errors[field][0]


def test_a_jalali_date_error_is_said_in_persian(post):
    errors = _errors(post, an_order(date="1404/12/30"), language=None)
    assert errors["date"] == ["تاریخ ⁦۱۴۰۴/۱۲/۳۰⁩ در تقویم وجود ندارد."]


def test_an_email_two_customers_share_asks_for_the_customer_id_or_phone(post):
    from tests.factories import CustomerFactory

    CustomerFactory(email="shared@example.com")
    CustomerFactory(email="Shared@example.com")
    errors = _errors(post, an_order(customer={"email": "shared@example.com"}))
    assert errors == {
        "customer.email": ["Several customers have the email shared@example.com: send their customer ID or phone too."]
    }


# --- how a good order is read ------------------------------------------------------------------


def _read(**fields) -> OrderPost:
    return read_order(an_order(**fields), signed_at=NOW)


def test_amounts_in_toman_are_stored_in_rial():
    order = _read(amount="255,000", currency="IRT", refunded_amount=5_000)
    assert (order.amount_rial, order.refunded_rial) == (Decimal(2_550_000), Decimal(50_000))


def test_thousands_of_toman_as_iranian_woocommerce_shops_send_them():
    assert _read(amount=255, currency="irht").amount_rial == Decimal(2_550_000)


def test_decimals_are_rounded_to_whole_rial():
    assert _read(amount=Decimal("1250.5")).amount_rial == Decimal(1251)
    assert _read(amount="125.04", currency="IRT").amount_rial == Decimal(1250)


def test_persian_digits_and_separators_are_read():
    assert _read(amount="۲٬۵۵۰٬۰۰۰").amount_rial == Decimal(2_550_000)


def test_a_jalali_date_is_read():
    assert _read(date="1403/02/15").ordered_on == datetime.date(2024, 5, 4)


def test_a_moment_is_read_as_its_day_in_tehran():
    """23:00 UTC on 3 May is already 4 May in Tehran."""
    assert _read(date="2024-05-03T23:00:00+00:00").ordered_on == datetime.date(2024, 5, 4)


def test_the_customer_is_read_in_the_stored_forms():
    order = _read(order_id=1001, customer={"reference": 77, "phone": "+98 912 345 6789", "email": " Mina@Example.com "})
    assert order.order_id == "1001"
    assert order.keys == CustomerKeys(reference="77", phone="09123456789", email="mina@example.com")


def test_a_refunded_order_without_an_amount_refunded_is_refunded_in_full():
    order = _read(status="refunded")
    assert (order.refunded_rial, order.is_purchase) == (order.amount_rial, False)


def test_a_partial_refund_keeps_the_rest_as_the_purchase():
    order = _read(refunded_amount=550_000)
    assert (order.net_rial, order.is_purchase) == (Decimal(2_000_000), True)


def test_a_cancelled_order_is_no_purchase():
    assert not _read(status="cancelled").is_purchase


def test_a_free_order_is_still_a_purchase():
    assert _read(amount=0).is_purchase


def test_the_order_is_ordered_by_its_updated_at_or_else_by_the_signature():
    assert _read().changed_at == NOW
    assert _read(updated_at="2024-05-04T10:20:30+03:30").changed_at == datetime.datetime(
        2024, 5, 4, 6, 50, 30, tzinfo=datetime.UTC
    )
    assert _read(updated_at=1714805430).changed_at == datetime.datetime(2024, 5, 4, 6, 50, 30, tzinfo=datetime.UTC)


def test_unknown_fields_are_ignored():
    assert _read(shipping={"city": "Tehran"}, date=days_ago(1)).order_id == "1001"


def test_read_order_refuses_with_every_field():
    with pytest.raises(PayloadInvalid) as refused:
        read_order({"order_id": ""}, signed_at=NOW)
    assert set(refused.value.errors) == {"order_id", "date", "amount", "customer"}
