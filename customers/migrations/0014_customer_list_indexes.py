"""An index for each sort of the customer list and a trigram index for its search (issue 14).

At 100,000 customers a sort without an index reads and sorts every row for each page, and a search
(``search_text LIKE '%word%'``) reads the whole table. Each index below is in the order its sort
uses (``customers.selectors.CUSTOMER_SORTS``, the id breaking ties), so a page is the first rows of
an index scan; a descending sort whose NULLs go last reads its ascending twin backwards. The search
finds its rows through pg_trgm's GIN index on ``search_text`` (the name, company, phone, email and
customer ID a search matches).

PostgreSQL only, and outside ``Customer.Meta``: SQLite (the embedded default and the test suite)
cannot write NULLS FIRST in an index nor index trigrams, and its lists are small. The expected
yearly value sort has no index (it depends on the day); ``selectors.customer_page`` bounds it by the
total spent instead.
"""

from django.db import migrations

INDEXES = {
    "customer_sort_name": "(name, id)",
    "customer_sort_spent": "(total_spent DESC, id)",
    "customer_sort_last_purchase": "(last_purchase_on ASC NULLS FIRST, id)",
    "customer_sort_last_contact": "(last_contact_on ASC NULLS FIRST, id)",
    "customer_sort_next_call": "(next_call_on ASC NULLS LAST, id)",
    "customer_sort_next_call_latest": "(next_call_on DESC NULLS LAST, id)",
    "customer_sort_created": "(created_at, id)",
}
TRIGRAM_INDEX = "customer_search_trigram"


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'")
        [schema] = cursor.fetchone()
    table = schema_editor.quote_name("customers_customer")
    for name, columns in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} {columns}")
    # Qualified: the extension may live in another schema than this connection's search_path.
    opclass = f"{schema_editor.quote_name(schema)}.gin_trgm_ops"
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON {table} USING gin (search_text {opclass})")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in [*INDEXES, TRIGRAM_INDEX]:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0013_email_any_case"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
