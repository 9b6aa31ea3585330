"""Every call says why it is due: ``kind`` becomes ``reason``; causes other than a plan raise
calls with a unique ``source_key`` and the ``facts`` their sentence is written from; the
ranking replaces ``priority``."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("followups", "0003_digests_through_the_outbox"),
    ]

    operations = [
        migrations.RenameField(model_name="followup", old_name="kind", new_name="reason"),
        migrations.AlterField(
            model_name="followup",
            name="reason",
            field=models.CharField(
                choices=[
                    ("periodic", "Periodic"),
                    ("one_off", "One-off"),
                    ("detractor", "Detractor"),
                    ("referral", "Referral"),
                    ("win_back", "Win-back"),
                    ("points_expiring", "Points expiring"),
                    ("renewal", "Renewal"),
                    ("onboarding", "Onboarding"),
                ],
                default="periodic",
                max_length=16,
                verbose_name="reason",
            ),
        ),
        migrations.AddField(
            model_name="followup",
            name="source_key",
            field=models.CharField(blank=True, editable=False, max_length=120, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="followup",
            name="facts",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.RemoveField(model_name="followup", name="priority"),
        migrations.AlterModelOptions(
            name="followup",
            options={"ordering": ["due_on", "id"], "verbose_name": "follow-up", "verbose_name_plural": "follow-ups"},
        ),
    ]
