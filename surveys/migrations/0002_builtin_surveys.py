"""The two built-in surveys, with their default wording in Persian and English."""

from django.db import migrations

from surveys.defaults import BUILTIN_SURVEYS


def create_surveys(apps, schema_editor):
    Survey = apps.get_model("surveys", "Survey")
    for fields in BUILTIN_SURVEYS:
        Survey.objects.get_or_create(kind=fields["kind"], defaults=fields)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(create_surveys, migrations.RunPython.noop)]
