"""One index per sort of the customer list (issue 14).

On PostgreSQL migration 0014 gave every sort its own index in the list's order (holding the owner
since 0015); the older single-column indexes on the last purchase, the total spent and the next call,
and the owner's own index (the (owner, name) index starts with it), were second copies. A write of a
customer row that cannot stay on its page adds an entry to every index: the nightly win-back raise
moves the next call of every newly silent customer (254,000 rows at 1,000,000 customers).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0016_purchase_rhythm_of_its_own"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="customer",
            name="customers_c_last_pu_bb8d13_idx",
        ),
        migrations.RemoveIndex(
            model_name="customer",
            name="customers_c_total_s_53375f_idx",
        ),
        migrations.AlterField(
            model_name="customer",
            name="next_call_on",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="next call"),
        ),
        migrations.AlterField(
            model_name="customer",
            name="owner",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="customers",
                to=settings.AUTH_USER_MODEL,
                verbose_name="owner",
            ),
        ),
    ]
