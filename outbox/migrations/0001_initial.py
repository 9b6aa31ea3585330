# The table was created by the configuration package's migrations (retention_crm 0002-0003);
# this adopts it (or creates it on a new installation): every waiting email stays where it is.

import django.utils.timezone
from django.db import migrations, models

from core.db import adopt_table


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OutgoingEmail",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(help_text="What the email is for, once.", max_length=100, unique=True, verbose_name="key")),
                        ("to", models.EmailField(max_length=254, verbose_name="to")),
                        ("subject", models.CharField(max_length=300, verbose_name="subject")),
                        ("text_body", models.TextField(verbose_name="text")),
                        ("html_body", models.TextField(blank=True, verbose_name="HTML")),
                        ("headers", models.JSONField(blank=True, default=dict)),
                        ("status", models.CharField(choices=[("pending", "Waiting"), ("sending", "Sending"), ("sent", "Sent"), ("failed", "Failed")], default="pending", max_length=8, verbose_name="status")),
                        ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                        ("last_error", models.TextField(blank=True, verbose_name="last error")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                        ("sending_since", models.DateTimeField(blank=True, null=True, verbose_name="sending since")),
                        ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent")),
                    ],
                    options={
                        "verbose_name": "outgoing email",
                        "verbose_name_plural": "outgoing emails",
                        "ordering": ["-created_at", "-id"],
                        "db_table": "retention_crm_outgoingemail",
                        "indexes": [models.Index(fields=["status", "created_at"], name="retention_c_status_00a390_idx")],
                    },
                ),
            ],
        ),
        adopt_table("outbox", "OutgoingEmail", from_app="retention_crm"),
    ]
