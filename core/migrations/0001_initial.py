# The table was created by the configuration package's migrations (retention_crm 0001);
# this adopts it (or creates it on a new installation) without touching its rows.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from core.db import adopt_table


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="UserPreference",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("language", models.CharField(choices=[("fa", "Persian"), ("en", "English")], default="fa", max_length=8, verbose_name="language")),
                        ("user", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="preference", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "user preference",
                        "verbose_name_plural": "user preferences",
                        "db_table": "retention_crm_userpreference",
                    },
                ),
            ],
        ),
        adopt_table("core", "UserPreference", from_app="retention_crm"),
    ]
