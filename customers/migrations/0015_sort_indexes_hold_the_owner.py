"""The customer list's sort indexes also hold the owner (``INCLUDE (owner_id)``, issue 14).

A rep's list is the same sort filtered by owner. With the owner only in the table, a deep page
(page 100 of a rep's 23,570 customers by total spent) read 21,000 rows from the table to keep
5,000 of them: 63 ms. With the owner in the index the same page is an index-only scan: 2 ms.
The same seven indexes, so nothing more to keep up on each write. PostgreSQL only, as in 0014.
"""

import importlib

from django.db import migrations

# The same seven indexes as 0014 (its names and columns), each rebuilt holding the owner.
INDEXES = importlib.import_module("customers.migrations.0014_customer_list_indexes").INDEXES


def _recreate(schema_editor, include: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name("customers_customer")
    for name, columns in INDEXES.items():
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        schema_editor.execute(f"CREATE INDEX {name} ON {table} {columns}{include}")


def hold_the_owner(apps, schema_editor):
    _recreate(schema_editor, " INCLUDE (owner_id)")


def without_the_owner(apps, schema_editor):
    _recreate(schema_editor, "")


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0014_customer_list_indexes"),
    ]

    operations = [
        migrations.RunPython(hold_the_owner, without_the_owner, elidable=False),
    ]
