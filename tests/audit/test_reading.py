"""Entries read as sentences in the reader's language: names, Jalali dates, Persian digits, money."""

import datetime
import re
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.utils import translation

from audit import reading, services
from customers import services as customer_services
from tests.factories import SegmentFactory, UserFactory
from tests.text import readable

pytestmark = pytest.mark.django_db

LATIN = re.compile(r"[A-Za-z0-9]")


def _read(**filters):
    entries = LogEntry.objects.filter(**filters).select_related("actor").order_by("id")
    return reading.lines(entries)


def _text(line) -> str:
    return readable(" ".join([line.sentence, *line.details]))


def test_a_reassignment_reads_with_the_owners_names_in_persian(customer, rep, other_rep, manager):
    from auditlog.context import set_actor

    with set_actor(manager):
        customer_services.customer_reassign(customer=customer, owner=other_rep)

    [line] = _read(action=LogEntry.Action.UPDATE)
    assert readable(line.sentence) == "مریم صدری مشتری علی کاظمی را از علی رستمی به سارا نیک‌نام سپرد"
    assert line.who == "مریم صدری"
    assert line.customer_id == customer.pk and line.customer_exists


def test_a_purchase_edit_reads_with_money_and_jalali_dates_and_no_latin_in_persian(customer, purchase):
    purchase.amount, purchase.purchased_on = Decimal(3_000_000), datetime.date(2024, 5, 5)
    customer_services.purchase_update(purchase=purchase)

    [line] = _read(action=LogEntry.Action.UPDATE)
    text = _text(line)
    assert "۲۵۰٬۰۰۰ تومان" in text and "۳۰۰٬۰۰۰ تومان" in text  # Rial stored, Toman shown
    assert "۱۵ اردیبهشت ۱۴۰۳" in text and "۱۶ اردیبهشت ۱۴۰۳" in text
    assert not LATIN.search(text)


def test_the_same_entry_reads_in_english_for_an_english_reader(customer, purchase):
    customer_services.purchase_delete(purchase=purchase)

    with translation.override("en"):
        [line] = _read(action=LogEntry.Action.DELETE)
    assert readable(line.sentence) == "Peygir deleted a purchase of علی کاظمی"
    assert set(line.details) == {"Amount: 250,000 Toman", "Date: 4 May 2024"}


def test_a_deleted_customer_is_still_named_by_their_entries(customer, purchase):
    customer.delete()

    lines = _read(action=LogEntry.Action.DELETE)
    assert {readable(line.sentence) for line in lines} == {
        "پیگیر مشتری علی کاظمی را حذف کرد",
        "پیگیر خریدی از علی کاظمی را حذف کرد",
    }
    assert not any(line.customer_exists for line in lines)


def test_an_owner_whose_account_is_gone_reads_as_a_former_colleague(customer, other_rep):
    leaving = UserFactory(username="leaving", first_name="رضا")
    customer_services.customer_reassign(customer=customer, owner=leaving)
    leaving.delete()

    [line] = _read(action=LogEntry.Action.UPDATE)
    assert "همکار پیشین" in line.sentence


def test_an_export_reads_with_its_filters_by_name(manager, rep):
    vip = SegmentFactory(name="ویژه")
    services.export_recorded(
        by=manager,
        export="customers",
        filters={"search": "0912", "owner_id": rep.pk, "segment_id": vip.pk, "sort": "-total_spent"},
        rows=1234,
    )

    [line] = _read(action=LogEntry.Action.ACCESS)
    assert readable(line.sentence) == "مریم صدری از فهرست مشتریان خروجی گرفت: ۱٬۲۳۴ ردیف"
    assert {readable(detail) for detail in line.details} >= {"جستجو: ۰۹۱۲", "مسئول: علی رستمی", "بخش: ویژه"}
    assert not LATIN.search(_text(line))


def test_a_page_of_entries_is_read_in_the_same_queries_whatever_its_length(
    customer, rep, other_rep, django_assert_num_queries
):
    for _ in range(3):
        customer_services.customer_reassign(customer=customer, owner=other_rep)
        customer_services.customer_reassign(customer=customer, owner=rep)
    few = list(LogEntry.objects.select_related("actor")[:2])
    many = list(LogEntry.objects.select_related("actor"))

    with django_assert_num_queries(2):  # the people named, the customers named
        reading.lines(few)
    with django_assert_num_queries(2):
        reading.lines(many)
