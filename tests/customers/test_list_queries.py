"""The customer list costs the same number of queries for 10 rows as for 200 (no query per row)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

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
