"""Purchases through the API: one at a time or up to 1,000 at once, each naming its customer by id
or by the keys the shop knows (customer ID, phone, email). A batch is all or nothing, and a batch
sent twice writes nothing the second time. Amounts are whole Rials."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.models import Customer, Purchase
from customers.services import purchase_add
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

ONE = "/api/v1/purchases/"
BULK = "/api/v1/purchases/bulk/"
DAY = "2026-03-01"


@pytest.fixture
def shop(rep, other_rep):
    return {
        "mine": CustomerFactory(name="آرش", owner=rep, mobile="09121110001", reference="C-1", email="arash@x.ir"),
        "mine_by_email": CustomerFactory(name="بهار", owner=rep, mobile="", email="bahar@x.ir"),
        "theirs": CustomerFactory(name="کیان", owner=other_rep, mobile="09121110003", reference="C-3"),
    }


def _item(**fields) -> dict:
    return {"purchased_on": DAY, "amount": 2_500_000, **fields}


# --- one purchase ----------------------------------------------------------------------------


def test_a_rep_adds_a_purchase_of_their_customer_and_its_figures_follow(rep_api, shop):
    customer = shop["mine"]

    response = rep_api.post(ONE, _item(customer=customer.pk, invoice_number="F-1", note="نقدی"), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["customer"], body["amount"], body["invoice_number"], body["purchased_on"]) == (
        customer.pk,
        2_500_000,
        "F-1",
        DAY,
    )
    customer.refresh_from_db()
    assert (customer.purchase_count, customer.total_spent) == (1, Decimal(2_500_000))


@pytest.mark.parametrize(
    "keys",
    [
        {"customer_reference": "C-1"},
        {"customer_phone": "+98 912 111 0001"},
        {"customer_email": "ARASH@x.ir"},
        {"customer_reference": "C-1", "customer_phone": "09000000000"},  # the customer ID decides
    ],
)
def test_a_purchase_finds_its_customer_by_the_shops_keys(rep_api, shop, keys):
    response = rep_api.post(ONE, _item(**keys), format="json")

    assert response.status_code == 201, response.content
    assert response.json()["customer"] == shop["mine"].pk


def test_another_reps_customer_is_no_customer_by_id_or_by_key(rep_api, shop):
    theirs = shop["theirs"]

    by_id = rep_api.post(ONE, _item(customer=theirs.pk), format="json")
    by_key = rep_api.post(ONE, _item(customer_reference="C-3"), format="json")
    unknown = rep_api.post(ONE, _item(customer=999_999), format="json")

    assert by_id.status_code == by_key.status_code == 400
    assert by_id.json() == unknown.json() == {"errors": {"customer": ["No customer has this id."]}}
    assert by_key.json() == {"errors": {"customer": ["No customer has this customer ID, phone or email."]}}
    assert not Purchase.objects.exists()


def test_a_manager_adds_a_purchase_for_any_customer(manager_api, shop):
    response = manager_api.post(ONE, _item(customer_phone="09121110003"), format="json")

    assert response.status_code == 201
    assert response.json()["customer"] == shop["theirs"].pk


def test_an_email_two_customers_share_is_refused_with_what_to_send_instead(manager_api, shop, other_rep):
    CustomerFactory(owner=other_rep, email="bahar@x.ir", mobile="09121119999")

    response = manager_api.post(ONE, _item(customer_email="bahar@x.ir"), format="json")

    assert response.status_code == 400
    assert "customer_email" in response.json()["errors"]
    assert not Purchase.objects.exists()


def test_a_purchase_needs_its_customer_a_date_and_an_amount(rep_api, shop):
    response = rep_api.post(ONE, {"note": "؟"}, format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"customer", "purchased_on", "amount"}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": -1}, "amount"),
        ({"amount": 10**18}, "amount"),
        ({"amount": "12.5"}, "amount"),
        ({"purchased_on": "2999-01-01"}, "purchased_on"),
        ({"purchased_on": "1399/01/01"}, "purchased_on"),
        ({"purchased_on": "1043-01-01"}, "purchased_on"),
        ({"customer_phone": "12"}, "customer_phone"),
        ({"invoice_number": "x" * 65}, "invoice_number"),
    ],
)
def test_a_bad_field_is_named_and_nothing_is_written(rep_api, shop, fields, field):
    response = rep_api.post(ONE, {**_item(customer=shop["mine"].pk), **fields}, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Purchase.objects.exists()


def test_an_invoice_number_the_customer_already_has_is_refused(rep_api, shop):
    rep_api.post(ONE, _item(customer=shop["mine"].pk, invoice_number="F-1"), format="json")

    again = rep_api.post(ONE, _item(customer=shop["mine"].pk, invoice_number="F-1"), format="json")

    assert again.status_code == 400
    assert again.json() == {
        "errors": {"invoice_number": ["This customer already has a purchase with this invoice number."]}
    }
    assert Purchase.objects.count() == 1


# --- batches ---------------------------------------------------------------------------------


def test_a_batch_is_written_in_one_go_and_a_second_time_writes_nothing(rep_api, shop):
    batch = [
        _item(customer=shop["mine"].pk, invoice_number="F-1"),
        _item(customer_reference="C-1", invoice_number="F-2", amount=100),
        _item(customer_email="bahar@x.ir", invoice_number="F-1"),  # another customer's F-1
    ]

    first = rep_api.post(BULK, batch, format="json")
    second = rep_api.post(BULK, batch, format="json")

    assert first.status_code == 201, first.content
    assert first.json() == {"received": 3, "created": 3, "already_there": 0}
    assert second.status_code == 200
    assert second.json() == {"received": 3, "created": 0, "already_there": 3}
    assert Purchase.objects.count() == 3
    mine = Customer.objects.get(pk=shop["mine"].pk)
    assert (mine.purchase_count, mine.total_spent) == (2, Decimal(2_500_100))


def test_a_batch_with_one_bad_item_writes_nothing_and_names_each_bad_item(rep_api, shop):
    batch = [
        _item(customer=shop["mine"].pk, invoice_number="F-1"),
        _item(customer=shop["mine"].pk, amount=-5),
        _item(customer=shop["theirs"].pk),
        _item(customer_phone="not a phone"),
        _item(),
    ]

    response = rep_api.post(BULK, batch, format="json")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"1", "3", "4"}  # the shape of each item is checked first
    assert set(errors["1"]) == {"amount"}
    assert set(errors["3"]) == {"customer_phone"}
    assert set(errors["4"]) == {"customer"}
    assert not Purchase.objects.exists()


def test_a_batch_whose_items_are_well_formed_but_name_no_customer_writes_nothing(rep_api, shop):
    batch = [_item(customer=shop["mine"].pk), _item(customer=shop["theirs"].pk), _item(customer_reference="nope")]

    response = rep_api.post(BULK, batch, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "errors": {
            "1": {"customer": ["No customer has this id."]},
            "2": {"customer": ["No customer has this customer ID, phone or email."]},
        }
    }
    assert not Purchase.objects.exists()


def test_an_invoice_number_twice_in_one_batch_for_one_customer_is_a_mistake(rep_api, shop):
    batch = [
        _item(customer=shop["mine"].pk, invoice_number="F-1"),
        _item(customer_reference="C-1", invoice_number="F-1"),
    ]

    response = rep_api.post(BULK, batch, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "errors": {"1": {"invoice_number": ["This invoice number is already in this batch for the same customer."]}}
    }
    assert not Purchase.objects.exists()


def test_a_batch_says_how_many_were_already_there(rep_api, shop):
    purchase_add(customer=shop["mine"], purchased_on=datetime.date(2026, 3, 1), amount=Decimal(5), reference="F-1")
    batch = [_item(customer=shop["mine"].pk, invoice_number="F-1"), _item(customer=shop["mine"].pk)]

    response = rep_api.post(BULK, batch, format="json")

    assert response.status_code == 201
    assert response.json() == {"received": 2, "created": 1, "already_there": 1}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"customer": 1}, "Send a list of purchases."),
        ([], "Send at least one purchase."),
        ("F-1", "Send a list of purchases."),
    ],
)
def test_a_batch_is_a_list(rep_api, shop, body, message):
    response = rep_api.post(BULK, body, format="json")

    assert response.status_code == 400
    assert response.json() == {"errors": {"non_field_errors": [message]}}


def test_a_batch_holds_at_most_1000_purchases_said_in_the_readers_digits(api_as, rep, shop):
    item = _item(customer=shop["mine"].pk)

    english = api_as(rep, "en").post(BULK, [item] * 1001, format="json")
    persian = api_as(rep, "fa").post(BULK, [item] * 1001, format="json")

    assert english.json() == {"errors": {"non_field_errors": ["Send at most 1,000 purchases in one request."]}}
    assert "۱٬۰۰۰" in persian.json()["errors"]["non_field_errors"][0]
    assert not Purchase.objects.exists()


def test_a_batch_of_1000_costs_about_the_queries_of_a_batch_of_10(rep_api, rep, shop):
    customers = [shop["mine"], *(CustomerFactory(owner=rep) for _ in range(19))]

    def queries_for(size: int, start: int) -> int:
        batch = [_item(customer=customers[n % 20].pk, invoice_number=f"F-{start + n}") for n in range(size)]
        with CaptureQueriesContext(connection) as context:
            response = rep_api.post(BULK, batch, format="json")
        assert response.json() == {"received": size, "created": size, "already_there": 0}
        return len(context)

    small, large = queries_for(10, 0), queries_for(1000, 10)

    assert large <= small + 10  # SQLite splits the one INSERT by its variable limit; nothing per purchase
    assert Purchase.objects.count() == 1010


# --- a customer's purchases ------------------------------------------------------------------


def test_a_customers_purchases_newest_first(rep_api, shop):
    customer = shop["mine"]
    for day, amount in ((datetime.date(2026, 1, 5), 10), (datetime.date(2026, 2, 5), 20)):
        purchase_add(customer=customer, purchased_on=day, amount=Decimal(amount))

    response = rep_api.get(f"/api/v1/customers/{customer.pk}/purchases/")

    assert response.status_code == 200
    assert [(row["purchased_on"], row["amount"]) for row in response.json()["results"]] == [
        ("2026-02-05", 20),
        ("2026-01-05", 10),
    ]


@pytest.mark.parametrize("role", ["manager_api", "rep_api"])
def test_a_customers_purchases_cost_the_same_queries_for_1_and_150(request, role, shop, django_assert_num_queries):
    client = request.getfixturevalue(role)
    customer = shop["mine"]
    url = f"/api/v1/customers/{customer.pk}/purchases/"
    Purchase.objects.create(customer=customer, purchased_on=timezone.localdate(), amount=1)
    client.get(url)
    # the token, the role, the customer, the count, the page
    with django_assert_num_queries(5):
        assert len(client.get(url).json()["results"]) == 1
    Purchase.objects.bulk_create(
        Purchase(customer=customer, purchased_on=timezone.localdate(), amount=n) for n in range(150)
    )
    with django_assert_num_queries(5):
        assert len(client.get(url, {"page_size": 200}).json()["results"]) == 151


def test_the_same_invoice_sent_twice_at_the_same_moment_is_a_400_not_a_500(rep_api, shop, monkeypatch):
    rep_api.post(ONE, _item(customer=shop["mine"].pk, invoice_number="F-1"), format="json")
    monkeypatch.setattr(Purchase, "full_clean", lambda self, *args, **kwargs: None)  # as if the first were not in yet

    again = rep_api.post(ONE, _item(customer=shop["mine"].pk, invoice_number="F-1"), format="json")

    assert again.status_code == 400
    assert set(again.json()["errors"]) == {"invoice_number"}
    assert Purchase.objects.count() == 1
