"""The purchase rhythm moves off the customer row into a table of its own (issue 14).

The nightly refresh rewrote four columns of every buyer's row; on the customer table each new row
version took an entry in every one of its 18 indexes, and at 1,000,000 customers the job grew 3
times faster than its data. The figures are copied over (and back, on the way down).
"""

import django.db.models.deletion
from django.db import migrations, models

FORWARD = """
INSERT INTO customers_purchaserhythm (customer_id, gap_days, basis, expected_purchase_on, silent_since)
SELECT id, rhythm_gap_days, rhythm_basis, expected_purchase_on, silent_since
FROM customers_customer WHERE rhythm_basis <> '' OR rhythm_gap_days IS NOT NULL
"""

BACKWARD = """
UPDATE customers_customer SET
    rhythm_gap_days = (
        SELECT r.gap_days FROM customers_purchaserhythm AS r WHERE r.customer_id = customers_customer.id
    ),
    rhythm_basis = COALESCE(
        (SELECT r.basis FROM customers_purchaserhythm AS r WHERE r.customer_id = customers_customer.id), ''
    ),
    expected_purchase_on = (
        SELECT r.expected_purchase_on FROM customers_purchaserhythm AS r WHERE r.customer_id = customers_customer.id
    ),
    silent_since = (
        SELECT r.silent_since FROM customers_purchaserhythm AS r WHERE r.customer_id = customers_customer.id
    )
WHERE id IN (SELECT customer_id FROM customers_purchaserhythm)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0015_sort_indexes_hold_the_owner"),
    ]

    operations = [
        migrations.CreateModel(
            name="PurchaseRhythm",
            fields=[
                (
                    "customer",
                    models.OneToOneField(
                        editable=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="rhythm",
                        serialize=False,
                        to="customers.customer",
                    ),
                ),
                (
                    "gap_days",
                    models.PositiveIntegerField(
                        blank=True, editable=False, null=True, verbose_name="typical gap (days)"
                    ),
                ),
                (
                    "basis",
                    models.CharField(
                        choices=[
                            ("own", "their own purchases"),
                            ("first_return", "how soon customers come back after a first purchase"),
                        ],
                        editable=False,
                        max_length=12,
                    ),
                ),
                (
                    "expected_purchase_on",
                    models.DateField(blank=True, editable=False, null=True, verbose_name="next purchase expected"),
                ),
                ("silent_since", models.DateField(blank=True, editable=False, null=True, verbose_name="silent since")),
            ],
            options={
                "verbose_name": "purchase rhythm",
                "verbose_name_plural": "purchase rhythms",
            },
        ),
        migrations.RunSQL(
            sql=FORWARD,
            reverse_sql=BACKWARD,
        ),
        migrations.RemoveIndex(
            model_name="customer",
            name="customer_silent",
        ),
        migrations.RemoveField(
            model_name="customer",
            name="expected_purchase_on",
        ),
        migrations.RemoveField(
            model_name="customer",
            name="rhythm_basis",
        ),
        migrations.RemoveField(
            model_name="customer",
            name="rhythm_gap_days",
        ),
        migrations.RemoveField(
            model_name="customer",
            name="silent_since",
        ),
        migrations.AddIndex(
            model_name="purchaserhythm",
            index=models.Index(
                condition=models.Q(("silent_since__isnull", False)), fields=["silent_since"], name="rhythm_silent"
            ),
        ),
    ]
