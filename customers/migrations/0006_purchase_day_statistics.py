"""Tell PostgreSQL how many distinct (customer, day) pairs purchases hold.

Without it the planner takes customers x days as 10^5 where a shop has 10^6, and the rhythm's
first step (one visit per customer and day) spills a hash to disk instead of reading the
(customer, purchased_on) index in order: the nightly refresh ran 40% slower. Other databases
need nothing.
"""

from django.db import migrations


def create_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE STATISTICS IF NOT EXISTS customers_purchase_customer_day (ndistinct) "
            "ON customer_id, purchased_on FROM customers_purchase"
        )
        schema_editor.execute("ANALYZE customers_purchase")


def drop_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP STATISTICS IF EXISTS customers_purchase_customer_day")


class Migration(migrations.Migration):
    dependencies = [("customers", "0005_contracts")]

    operations = [migrations.RunPython(create_statistics, drop_statistics)]
