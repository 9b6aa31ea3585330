"""The customer page's "History": managers only, newest first, bounded, in a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from auditlog.context import set_actor
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.selectors import HISTORY_LENGTH
from customers import services
from tests.factories import CustomerFactory
from tests.text import readable

pytestmark = pytest.mark.django_db


def _history(response) -> list[str]:
    return [readable(line.sentence) for line in response.context["lines"]] if "lines" in response.context else []


def _page(client, customer):
    response = client.get(reverse("customers:detail", args=[customer.pk]))
    assert response.status_code == 200
    return response


def test_a_manager_sees_the_customer_s_and_their_purchases_changes_newest_first(
    manager_client, manager, customer, purchase, other_rep
):
    with set_actor(manager):
        services.customer_reassign(customer=customer, owner=other_rep)
        services.purchase_delete(purchase=purchase)
    CustomerFactory(name="همسایه")  # someone else's entries stay out

    response = _page(manager_client, customer)

    assert _history(response) == [
        "مریم صدری خریدی از علی کاظمی را حذف کرد",
        "مریم صدری مشتری علی کاظمی را از علی رستمی به سارا نیک‌نام سپرد",
        "پیگیر خریدی برای علی کاظمی ثبت کرد",
        "پیگیر مشتری علی کاظمی را افزود",
    ]
    page = response.content.decode()
    assert 'data-testid="audit-history"' in page
    assert "مبلغ: ۲۵۰٬۰۰۰ تومان" in page
    assert f"{reverse('audit:log')}?customer={customer.pk}" in page


def test_a_rep_sees_no_history_on_their_own_customer(rep_client, customer, purchase):
    services.purchase_delete(purchase=purchase)

    response = _page(rep_client, customer)

    assert 'data-testid="audit-history"' not in response.content.decode()
    assert _history(response) == []


def test_the_history_is_bounded_and_points_to_the_log_for_the_rest(manager_client, customer, rep, other_rep):
    for _ in range(HISTORY_LENGTH):
        services.customer_reassign(customer=customer, owner=other_rep)
        services.customer_reassign(customer=customer, owner=rep)

    response = _page(manager_client, customer)

    assert len(_history(response)) == HISTORY_LENGTH
    assert response.context["more"]
    assert "تغییرهای قدیمی‌تر در گزارش تغییرات" in response.content.decode()


def test_the_customer_page_makes_the_same_queries_for_a_short_or_a_long_history(
    manager_client, customer, rep, other_rep, django_assert_num_queries
):
    services.purchase_add(customer=customer, purchased_on=datetime.date(2024, 1, 1), amount=Decimal(10))
    _page(manager_client, customer)
    with CaptureQueriesContext(connection) as short:
        _page(manager_client, customer)
    for day in range(2, 12):
        services.purchase_add(customer=customer, purchased_on=datetime.date(2024, 1, day), amount=Decimal(day))
        services.customer_reassign(customer=customer, owner=other_rep if day % 2 else rep)

    with django_assert_num_queries(len(short.captured_queries)):
        _page(manager_client, customer)
