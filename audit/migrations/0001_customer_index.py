"""On PostgreSQL, an index for a customer's history: entries by the customer id auditlog keeps in
``additional_data`` (see audit.registry.CUSTOMER_KEY), newest first. The expression is the one
Django writes for ``additional_data__customer_id=``. SQLite (the embedded default) scans instead."""

from django.db import migrations

INDEX = "audit_entry_customer_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON auditlog_logentry "
            "((additional_data -> 'customer_id'), \"timestamp\" DESC)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("auditlog", "0017_add_actor_email")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
