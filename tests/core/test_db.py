"""core.db: day arithmetic the same on PostgreSQL and SQLite, keyset pages, page cursors, adopted tables."""

import datetime
import importlib

import pytest
from django.apps import apps as global_apps
from django.db import connection, transaction
from django.db.models import F, Value

from core.db import DaysBetween, SortKey, cursor_decode, cursor_encode, keyset_after, keyset_order, without_nested_loops
from customers.models import Customer
from outbox.models import OutgoingEmail
from tests.factories import CustomerFactory
from tests.outbox.factories import OutgoingEmailFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("end", "start", "days"),
    [
        (datetime.date(2026, 12, 8), datetime.date(2026, 12, 1), 7),
        (datetime.date(2026, 12, 1), datetime.date(2026, 12, 8), -7),
        (datetime.date(2025, 3, 21), datetime.date(2024, 3, 20), 366),  # across a leap day
        (datetime.date(2026, 1, 1), datetime.date(2026, 1, 1), 0),
    ],
)
def test_days_between_two_dates(end, start, days):
    CustomerFactory(first_purchase_on=start)
    assert Customer.objects.annotate(days=DaysBetween(Value(end), F("first_purchase_on"))).get().days == days


def test_a_keyset_page_continues_after_the_last_row_in_any_direction():
    customers = [CustomerFactory(purchase_count=count) for count in (3, 1, 3, 2, 1)]
    keys = (SortKey("purchase_count", descending=True), SortKey("id"))
    ordered = list(Customer.objects.order_by(*keyset_order(keys)))
    assert [c.purchase_count for c in ordered] == [3, 3, 2, 1, 1]

    for position, last in enumerate(ordered):
        after = keyset_after(Customer.objects.all(), keys, [last.purchase_count, last.pk])
        assert list(after.order_by(*keyset_order(keys))) == ordered[position + 1 :]
    assert len(customers) == 5


@pytest.mark.parametrize(
    "values",
    [
        [12345.678901234567, 7],
        [datetime.date(2026, 12, 8), 1.5, 3],
        [datetime.datetime(2026, 12, 8, 9, 30, tzinfo=datetime.UTC), 9],
        [0.1 + 0.2, -1],
    ],
)
def test_a_cursor_gives_back_exactly_what_it_was_given(values):
    assert cursor_decode(cursor_encode(values)) == values


@pytest.mark.parametrize("text", ["", "not-a-cursor", "e30", cursor_encode([]) + "!", "WyJhIl0", "W3RydWVd"])
def test_anything_else_is_not_a_cursor(text):
    """e30 is {} and WyJhIl0 is ["a"], W3RydWVd is [true]: JSON, but not what a cursor holds."""
    with pytest.raises(ValueError):
        cursor_decode(text)


@pytest.mark.django_db(transaction=True)
def test_adopting_a_table_that_exists_keeps_its_rows_and_relabels_the_old_content_type():
    """What an installation from before the outbox app sees: its table stays, with every email."""
    email = OutgoingEmailFactory()
    ContentType = global_apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="outbox", model="outgoingemail").update(app_label="retention_crm")
    migration = importlib.import_module("outbox.migrations.0001_initial").Migration
    adopt = migration.operations[-1]

    with connection.schema_editor() as editor:
        adopt.code(global_apps, editor)

    assert list(OutgoingEmail.objects.values_list("pk", flat=True)) == [email.pk]
    assert ContentType.objects.filter(app_label="outbox", model="outgoingemail").exists()
    assert not ContentType.objects.filter(app_label="retention_crm").exists()


def _nested_loops() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_nestloop")
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
def test_statements_planned_without_nested_loops_get_them_back_afterwards():
    with transaction.atomic():
        with without_nested_loops():
            assert _nested_loops() == "off"
        assert _nested_loops() == "on"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
def test_a_failed_statement_leaves_the_setting_to_the_rollback():
    with pytest.raises(ValueError), transaction.atomic(), without_nested_loops():
        raise ValueError("the statement failed")
    assert _nested_loops() == "on"


def test_on_sqlite_the_block_just_runs():
    with without_nested_loops():
        assert Customer.objects.count() == 0
