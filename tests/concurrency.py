"""Run a callable in several threads released at the same instant: races tested for real (PostgreSQL)."""

import threading

import pytest
from django.db import connection


def skip_on_sqlite() -> None:
    if connection.vendor == "sqlite":
        pytest.skip(
            "SQLite has one writer and no SELECT ... FOR UPDATE: writer threads on the in-memory test "
            "database fail with 'database table is locked' instead of racing; this runs on PostgreSQL (CI)."
        )


def run_at_once(work, count: int = 4) -> list:
    """``count`` threads call ``work()`` together; each closes its own connection. Returns their results."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(work())
        except Exception as error:  # reported on the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [], errors
    assert len(results) == count
    return results
