"""Search puts the exact match first: the customer whose mobile was typed, then the names that are
the whole search as words, then the rest in the list's order. "Customer since" is the earlier of
the first purchase and the day the record was made."""

import datetime

import pytest
from django.utils import timezone

from customers.selectors import customer_list
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _names(user, search, sort="name"):
    return [customer.name for customer in customer_list(user=user, search=search, sort=sort)]


def test_the_whole_name_comes_before_a_longer_number(manager):
    for name in ("مشتری 11234", "مشتری 1234", "مشتری 12345"):
        CustomerFactory(name=name)
    assert _names(manager, "مشتری ۱۲۳۴")[0] == "مشتری 1234"  # typed in Persian digits too
    assert sorted(_names(manager, "مشتری 1234")) == ["مشتری 11234", "مشتری 1234", "مشتری 12345"]


def test_the_mobile_typed_comes_first_whatever_the_sort(manager):
    CustomerFactory(name="الف", mobile="09121110001", total_spent=9)
    wanted = CustomerFactory(name="ی", mobile="09121110000", total_spent=1)
    assert _names(manager, "0912 111 0000", sort="-total_spent")[0] == wanted.name
    assert _names(manager, "+98 912 111 0000")[0] == wanted.name


def test_without_a_search_the_list_keeps_its_sort(manager):
    CustomerFactory(name="ب")
    CustomerFactory(name="الف")
    assert _names(manager, "") == ["الف", "ب"]


def test_customer_since_is_the_first_purchase_when_it_came_before_the_record(rep):
    imported = CustomerFactory(owner=rep)
    imported.first_purchase_on = datetime.date(2021, 3, 5)
    assert imported.customer_since == datetime.date(2021, 3, 5)
    typed = CustomerFactory(owner=rep)
    typed.first_purchase_on = timezone.localdate() + datetime.timedelta(days=3)
    assert typed.customer_since == timezone.localdate(typed.created_at)
    assert CustomerFactory(owner=rep).customer_since == timezone.localdate()


def test_the_customer_page_says_since_the_first_purchase(rep_client, rep):
    from django.urls import reverse

    from customers.models import Customer

    customer = CustomerFactory(owner=rep)
    Customer.objects.filter(pk=customer.pk).update(first_purchase_on=datetime.date(2021, 3, 5))
    html = rep_client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert '<span data-testid="customer-since">۱۵ اسفند ۱۳۹۹</span>' in html
