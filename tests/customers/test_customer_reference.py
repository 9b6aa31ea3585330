"""The shop's own customer ID (``Customer.reference``): optional, unique when given, found by search,
shown on the customer page, and how imported purchases find their customer (before the mobile)."""

import pytest
from django.urls import reverse
from django.utils import translation

from customers import csv_io
from customers.import_files import ImportFileError
from customers.models import Customer, Purchase
from customers.selectors import customer_list
from tests.factories import CustomerFactory
from tests.text import readable

pytestmark = pytest.mark.django_db


def _preview(kind: str, *lines: str) -> csv_io.ImportPreview:
    return csv_io.preview_import(kind=kind, text="\n".join(lines) + "\n")


def _errors(preview) -> list[list[str]]:
    return [row.errors for row in preview.rows]


def test_two_customers_cannot_share_an_id_but_many_may_have_none(rep_client, rep):
    CustomerFactory(owner=rep, reference="C-1001")
    CustomerFactory(owner=rep)
    CustomerFactory(owner=rep)  # two without an ID: allowed
    response = rep_client.post(
        reverse("customers:create"),
        {"name": "مینا", "mobile": "09120000099", "reference": "C-1001", "preferred_language": "fa"},
    )
    assert response.status_code == 200
    assert "مشتری دیگری همین شناسه را دارد." in response.content.decode()
    assert not Customer.objects.filter(mobile="09120000099").exists()


def test_the_id_is_searched_and_comes_first(manager):
    CustomerFactory(name="C-1001 Trading")
    wanted = CustomerFactory(name="مینا", reference="C-1001")
    found = list(customer_list(user=manager, search="C-1001"))
    assert found[0] == wanted and len(found) == 2


def test_the_customer_page_shows_the_id(rep_client, rep):
    customer = CustomerFactory(owner=rep, reference="C-77")
    html = rep_client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert 'data-testid="customer-reference">C-77<' in html


def test_imported_customers_keep_their_id_and_a_known_id_is_skipped(rep):
    CustomerFactory(reference="C-1", name="مینا")
    preview = _preview(
        "customers",
        "name,mobile,کد مشتری",
        "مینا,09121110001,C-1",
        "رضا,09121110002,C-2",
        "سارا,09121110003,C-2",
    )
    assert preview.rows[0].skipped  # already a customer, by the ID
    assert _errors(preview)[2] == ["شناسه‌ی مشتری همان خط ۳ است."]
    csv_io.apply_import(preview)
    assert Customer.objects.get(mobile="09121110002").reference == "C-2"


def test_purchases_find_their_customer_by_the_id_before_the_mobile(rep):
    by_id = CustomerFactory(reference="C-9", mobile="09121110009")
    other = CustomerFactory(mobile="09121110008")
    preview = _preview(
        "purchases",
        "reference,mobile,date,amount,invoice",
        "C-9,09121110008,1404/01/10,1000000,F-1",  # the ID wins over a mobile of another customer
        ",09121110008,1404/01/11,2000000,F-2",  # no ID: the mobile
        "C-404,,1404/01/12,3000000,F-3",
    )
    assert [[readable(error) for error in errors] for errors in _errors(preview)] == [
        [],
        [],
        ["هیچ مشتری‌ای شناسه‌ی C-404 را ندارد."],  # the ID as typed, Latin digits kept
    ]
    csv_io.apply_import(preview)
    assert Purchase.objects.get(reference="F-1").customer == by_id
    assert Purchase.objects.get(reference="F-2").customer == other


def test_a_purchases_file_without_an_id_or_mobile_column_is_refused_and_writes_nothing(rep):
    with pytest.raises(ImportFileError, match="says who the customer is"), translation.override("en"):
        _preview("purchases", "date,amount,invoice", "1404/01/10,1000000,F-1")
    assert not Purchase.objects.exists()


def test_purchases_may_name_their_customer_by_email_when_it_is_unambiguous(rep):
    mina = CustomerFactory(email="Mina@Example.com")
    CustomerFactory(email="shared@example.com")
    CustomerFactory(email="shared@example.com")
    preview = _preview(
        "purchases",
        "email,date,amount,invoice",
        "mina@example.com,1404/01/10,1000000,E-1",
        "shared@example.com,1404/01/11,1000000,E-2",
        "nobody@example.com,1404/01/12,1000000,E-3",
    )
    assert [[readable(error) for error in errors] for errors in _errors(preview)] == [
        [],
        ["چند مشتری ایمیل shared@example.com را دارند: شناسه‌ی مشتری یا تلفنشان را بیفزایید."],
        ["هیچ مشتری‌ای ایمیل nobody@example.com را ندارد."],
    ]
    csv_io.apply_import(preview)
    assert Purchase.objects.get().customer == mina
