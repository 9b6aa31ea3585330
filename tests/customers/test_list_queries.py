"""The customer list costs the same number of queries for 10 rows as for 200 (no query per row)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers import selectors
from customers.models import Customer
from tests.factories import CustomerFactory, RepFactory, SegmentFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("customers:list")


@pytest.fixture
def many_customers(rep, other_rep):
    """250 customers spread over several owners and segments, so each row touches both relations."""
    owners = [rep, other_rep, RepFactory(first_name="رضا"), None]
    segments = [SegmentFactory(name=f"بخش {n}") for n in range(3)] + [None]
    Customer.objects.bulk_create(
        CustomerFactory.build(owner=owners[n % 4], segment=segments[n % 4], city="تهران" if n % 2 else "")
        for n in range(250)
    )
    assert Customer.objects.count() == 250


def measure(client, per_page: int) -> tuple[int, int]:
    """(queries, rows shown) for one list page, after a warm-up request."""
    client.get(LIST_URL, {"per_page": per_page})
    with CaptureQueriesContext(connection) as context:
        response = client.get(LIST_URL, {"per_page": per_page})
    assert response.status_code == 200
    return len(context), len(response.context["page"].object_list)


@pytest.mark.parametrize("role_client", ["manager_client", "rep_client"])
def test_the_list_makes_the_same_queries_for_10_and_200_rows(
    request, many_customers, role_client, django_assert_num_queries, django_assert_max_num_queries
):
    client = request.getfixturevalue(role_client)
    queries, rows = measure(client, per_page=10)
    assert rows == 10
    with django_assert_num_queries(queries):
        response = client.get(LIST_URL, {"per_page": 200})
    assert len(response.context["page"].object_list) > 50  # many more rows, not one more query
    with django_assert_max_num_queries(queries):
        client.get(LIST_URL, {"per_page": 200, "sort": "-total_spent", "q": "مشتری", "page": 2})


def test_the_manager_s_list_renders_200_rows_with_owners_and_segments(manager_client, many_customers):
    response = manager_client.get(LIST_URL, {"per_page": 200})
    page = response.context["page"]
    assert len(page.object_list) == 200
    assert page.paginator.count == 250
    html = response.content.decode()
    assert "بخش 1" in html
    assert "رضا" in html


@pytest.fixture
def spenders(rep):
    """Customers whose yearly value and total spent rank them differently: old big spenders are
    worth less per year than new ones."""
    today = timezone.localdate()
    for number in range(30):
        customer = CustomerFactory(owner=rep, name=f"خریدار {number}")
        Customer.objects.filter(pk=customer.pk).update(
            purchase_count=1 + number % 3 if number % 7 else 0,
            total_spent=Decimal(((number * 37) % 23) * 1_000_000) if number % 7 else Decimal(0),
            first_purchase_on=today - datetime.timedelta(days=30 + (number * 211) % 2000),
        )


@pytest.mark.parametrize("search", ["", "خریدار", "خریدار 5"])
def test_every_page_by_yearly_value_is_the_page_of_sorting_them_all(rep, spenders, search):
    """The page looks only at customers who spent enough to be on it; it must be the same page."""
    everyone = [c.pk for c in selectors.customer_list(user=rep, search=search, sort="-yearly_value")]
    pages, bounded = [], 0
    for number in range(1, 9):
        with CaptureQueriesContext(connection) as context:
            page = selectors.customer_page(
                selectors.customer_list(user=rep, search=search, sort="-yearly_value"),
                sort="-yearly_value",
                number=number,
                per_page=4,
            )
        pages += [customer.pk for customer in page.object_list] if page.number == number else []
        bounded += any('"total_spent" >=' in query["sql"] for query in context.captured_queries)
    assert pages == everyone
    assert bounded  # the bound was used, not only the full sort


@pytest.mark.parametrize("number", [1, 2, 3, 99, "x", None])
def test_a_search_s_page_and_count_are_those_of_counting_apart(rep, spenders, number):
    """The search counts its matches in the query that finds the page; the page and count are the same."""
    from django.core.paginator import Paginator

    def searched():
        return selectors.customer_list(user=rep, search="خریدار", sort="-total_spent")

    expected = Paginator(searched(), 12).get_page(number)
    with CaptureQueriesContext(connection) as context:
        page = selectors.customer_page(searched(), sort="-total_spent", number=number, per_page=12)
    assert (page.number, page.paginator.count) == (expected.number, expected.paginator.count) == (page.number, 30)
    assert [c.pk for c in page.object_list] == [c.pk for c in expected.object_list]
    counted_apart = any("COUNT(*) AS" in query["sql"] for query in context.captured_queries)
    assert counted_apart == (number == 99)  # past the end the page is found again, after a count
