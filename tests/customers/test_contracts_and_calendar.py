"""Contracts on the customer page and in the import, and the customer's contact calendar."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from core import dates
from customers import csv_io
from customers.models import Contract, Customer, Interaction, Purchase
from customers.selectors import contact_calendar
from customers.services import interaction_log, purchase_add
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _jalali(day):
    return dates.input_value(day, "fa")


def test_a_rep_adds_a_contract_term_on_the_customer_page(rep_client, rep):
    customer = CustomerFactory(owner=rep)
    ends = timezone.localdate() + 200 * DAY

    response = rep_client.post(
        reverse("customers:contract_create", args=[customer.pk]),
        {"starts_on": _jalali(ends - 365 * DAY), "ends_on": _jalali(ends), "value": "۱۲٬۰۰۰٬۰۰۰", "offer": "ده درصد"},
    )

    assert response.status_code == 302
    contract = Contract.objects.get()
    assert (contract.customer, contract.ends_on, contract.value, contract.offer) == (
        customer,
        ends,
        Decimal(120_000_000),  # typed in Toman, stored in Rial
        "ده درصد",
    )
    html = rep_client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert 'data-testid="contract"' in html
    assert dates.format_date(ends, language="fa") in html


def test_a_contract_that_ends_before_it_starts_is_refused_in_persian_and_nothing_is_saved(rep_client, rep):
    customer = CustomerFactory(owner=rep)
    day = timezone.localdate()

    response = rep_client.post(
        reverse("customers:contract_create", args=[customer.pk]),
        {"starts_on": _jalali(day), "ends_on": _jalali(day - DAY)},
    )

    assert response.status_code == 400
    assert "پایان قرارداد باید پس از شروع آن باشد" in response.content.decode()
    assert not Contract.objects.exists()


def test_a_rep_cannot_add_a_contract_to_another_reps_customer(rep_client, other_rep):
    customer = CustomerFactory(owner=other_rep)
    response = rep_client.post(
        reverse("customers:contract_create", args=[customer.pk]), {"ends_on": _jalali(timezone.localdate())}
    )
    assert response.status_code == 404
    assert not Contract.objects.exists()


def test_the_import_accepts_a_contract_end_and_the_export_gives_it_back(rep, rep_client):
    text = "name,mobile,contract_end\nمشتری قراردادی,09121112222,1406/01/15\nبی‌قرارداد,09121113333,\n"

    checked = csv_io.preview_import(kind=csv_io.CUSTOMERS, text=text)
    assert csv_io.apply_import(checked) == 2

    customer = Customer.objects.get(mobile="09121112222")
    assert customer.contracts.get().ends_on == dates.parse_date("1406/01/15")
    assert not Customer.objects.get(mobile="09121113333").contracts.exists()
    Customer.objects.update(owner=rep)
    exported = b"".join(rep_client.get(reverse("customers:export")).streaming_content).decode("utf-8-sig")
    assert "1406/01/15" in exported


def test_a_bad_contract_end_is_the_rows_error(rep):
    checked = csv_io.preview_import(
        kind=csv_io.CUSTOMERS, text="name,mobile,پایان قرارداد\nالف,09121112222,1406/13/40\n"
    )

    assert checked.error_count == 1
    assert not Customer.objects.exists()


def test_the_contact_calendar_counts_each_kind_per_month_in_the_readers_calendar(rep):
    customer = CustomerFactory(owner=rep)
    today = timezone.localdate()
    contacts = [(1, "call"), (2, "call"), (3, "visit"), (40, "email"), (400, "call")]
    for days_ago, kind in contacts:
        moment = timezone.make_aware(datetime.datetime.combine(today - days_ago * DAY, datetime.time(12)))
        interaction_log(customer=customer, kind=kind, summary="…", occurred_at=moment, by=rep)
    purchase_add(customer=customer, purchased_on=today, amount=Decimal(1))

    with translation.override("fa"):
        calendar = contact_calendar(customer=customer, day=today)
        rows = dict(calendar.rows)
        months = dates.months_back(today, 12)
        expected = {kind: [0] * 12 for kind in ("call", "visit", "email")}
        for days_ago, kind in contacts:
            month = dates.month_of(today - days_ago * DAY)
            if month in months:
                expected[kind][months.index(month)] += 1
        labels = {kind: str(Interaction.Kind(kind).label) for kind in expected}
        purchases = str(Purchase._meta.verbose_name_plural)

    assert calendar.months == [dates.format_month(month, "fa") for month in months]
    assert all(rows[labels[kind]] == counts for kind, counts in expected.items())
    assert rows[purchases][-1] == 1
    assert sum(sum(counts) for counts in rows.values()) == 5  # the call of 400 days ago is out of the year


def test_the_calendar_is_on_the_customer_page_in_each_language(rep_client, rep):
    customer = CustomerFactory(owner=rep)
    interaction_log(customer=customer, kind="call", summary="…", by=rep)

    fa = rep_client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    rep_client.cookies["django_language"] = "en"
    en = rep_client.get(reverse("customers:detail", args=[customer.pk])).content.decode()

    assert 'data-testid="contact-calendar"' in fa
    assert dates.format_month(dates.month_of(timezone.localdate(), "fa"), "fa") in fa
    assert dates.format_month(dates.month_of(timezone.localdate(), "en"), "en") in en
