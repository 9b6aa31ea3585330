"""At 100,000 customers every sort of the list is an index read and a search finds its rows through
the trigram index (migrations 0014 and 0015, PostgreSQL only); on SQLite the migrations add nothing."""

import importlib
import re

import pytest
from django.db import connection

from customers import selectors
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

indexes = importlib.import_module("customers.migrations.0014_customer_list_indexes")
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's")
INDEXED_SORTS = [sort for sort in selectors.CUSTOMER_SORTS if sort != "-yearly_value"]  # it depends on the day


def _customer_indexes() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, "customers_customer"))


def _plan(queryset, *, avoid=("seqscan", "sort", "incremental_sort")) -> str:
    """EXPLAIN of ``queryset`` as PostgreSQL would run it over a large table: a tiny test table would
    be read whole (or sorted by another index) whatever the indexes, so the plans in ``avoid`` are
    made the last resort."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE customers_customer")
        for plan in avoid:
            cursor.execute(f"SET LOCAL enable_{plan} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@on_postgres
def test_every_index_of_the_list_exists():
    assert {*indexes.INDEXES, indexes.TRIGRAM_INDEX} <= _customer_indexes()


@on_postgres
@pytest.mark.parametrize("sort", INDEXED_SORTS)
def test_a_page_of_each_sort_is_read_from_its_index_unsorted(manager, sort):
    CustomerFactory.create_batch(3)
    page_ids = selectors.customer_list(user=manager, sort=sort).values_list("pk", flat=True)[:50]
    plan = _plan(page_ids)
    assert "Index" in plan
    assert "Sort" not in plan, plan


@on_postgres
def test_a_rep_s_page_is_read_from_the_same_index(rep):
    CustomerFactory.create_batch(3, owner=rep)
    plan = _plan(selectors.customer_list(user=rep, sort="-last_contact_on").values_list("pk", flat=True)[:50])
    assert "customer_sort_last_contact" in plan and "Sort" not in plan, plan


@on_postgres
@pytest.mark.parametrize("sort", INDEXED_SORTS)
def test_a_rep_s_deep_page_is_read_from_the_index_alone(rep, sort):
    """The owner is held in each sort index (0015): a rep's page 100 never visits the table's rows."""
    CustomerFactory.create_batch(3, owner=rep)
    page_ids = selectors.customer_list(user=rep, sort=sort).values_list("pk", flat=True)[4950:5000]
    plan = _plan(page_ids, avoid=("seqscan", "sort", "incremental_sort", "indexscan", "bitmapscan"))
    assert re.search(r"Index Only Scan (Backward )?using customer_sort_", plan), plan


@on_postgres
@pytest.mark.parametrize("search", ["علی", "0912", "SH-104"])
def test_a_search_finds_its_rows_through_the_trigram_index(manager, search):
    CustomerFactory.create_batch(3)
    plan = _plan(selectors.customer_list(user=manager, search=search), avoid=("seqscan", "indexscan"))
    assert indexes.TRIGRAM_INDEX in plan, plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_on_sqlite_the_migration_adds_nothing():
    assert not {*indexes.INDEXES, indexes.TRIGRAM_INDEX} & _customer_indexes()
