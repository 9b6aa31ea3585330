"""Running the migrations back and forth in a test: to an older state (its models to write old rows
with), then to the latest, so a data migration is tested on rows as they were."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_to(targets):
    """Migrate to ``targets`` ([(app, migration), ...]); returns the apps (historical models) of every
    migration applied then: the targets' and those of apps the targets do not depend on, which stay
    where they were (the targets' own state alone would miss a later change to such an app)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(list(executor.loader.applied_migrations)).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()
