"""Running the migrations back and forth in a test: to an older state (its models to write old rows
with), then to the latest, so a data migration is tested on rows as they were."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_to(targets):
    """Migrate to ``targets`` ([(app, migration), ...]); returns that state's apps (historical models)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()
