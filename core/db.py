"""Database helpers that know nothing of Peygir's business: portable date arithmetic, keyset pages,
and moving a model's table into a new app without touching its rows."""

from django.db import migrations


def adopt_table(app_label: str, model_name: str, *, from_app: str) -> migrations.RunPython:
    """A migration step for a model that moved from ``from_app`` with its table (``Meta.db_table``).

    An existing installation keeps the table and its rows; a new one gets the table created.
    The old content type is relabelled, so permissions granted on the model still hold.
    Put it after a state-only ``CreateModel`` of the model.
    """

    def forwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        if model._meta.db_table not in schema_editor.connection.introspection.table_names():
            schema_editor.create_model(model)
        content_types = apps.get_model("contenttypes", "ContentType").objects
        if not content_types.filter(app_label=app_label, model=model_name.lower()).exists():
            content_types.filter(app_label=from_app, model=model_name.lower()).update(app_label=app_label)

    def backwards(apps, schema_editor):
        schema_editor.delete_model(apps.get_model(app_label, model_name))

    return migrations.RunPython(forwards, backwards)
