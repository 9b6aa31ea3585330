"""Celery work started by a page or a service, only once the caller's transaction has committed.

A page must never hang on a broker that is away: the publish is tried once, with the short
socket timeouts from settings, and after a failure this process stops trying for
BROKER_REST_SECONDS (one log line, not one traceback per email). Every job queued here has a
scheduled run behind it that does the work late (``fallback`` names it).
"""

import logging
import threading
import time

from django.conf import settings
from django.db import connections, transaction

logger = logging.getLogger(__name__)

BROKER_REST_SECONDS = 30.0
_broker_away_until = 0.0


def enqueue_after_commit(task, *args, fallback: str, on_failure=None) -> None:
    """``task.delay(*args)`` after commit; ``on_failure()`` runs if it could not be queued."""

    def send():
        global _broker_away_until
        if time.monotonic() < _broker_away_until:
            _failed(on_failure)
            return
        try:
            task.apply_async(args, retry=False)
        except Exception as error:
            _broker_away_until = time.monotonic() + BROKER_REST_SECONDS
            logger.warning(
                "Broker unreachable (%s: %s) enqueueing %s; %s. Not trying again for %ss.",
                type(error).__name__, error, task.name, fallback, int(BROKER_REST_SECONDS),
            )
            _failed(on_failure)

    transaction.on_commit(send)


def broker_rest_end() -> None:
    """Forget a broker failure (tests, or a process that knows the broker is back)."""
    global _broker_away_until
    _broker_away_until = 0.0


def _failed(on_failure) -> None:
    if on_failure is not None:
        on_failure()


def run_in_background(task, *args, fallback: str) -> None:
    """Long work a page starts and then watches (an import): in a worker when there is a broker;
    without one (the embedded default) in a thread of this process, so the page still shows
    its progress. Tests set ``PEYGIR_BACKGROUND_THREADS`` off to run it in line, after commit."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        enqueue_after_commit(task, *args, fallback=fallback)
    elif settings.PEYGIR_BACKGROUND_THREADS:
        transaction.on_commit(lambda: threading.Thread(target=_run_and_close, args=(task, args), daemon=True).start())
    else:
        transaction.on_commit(lambda: task.apply(args))


def _run_and_close(task, args) -> None:
    try:
        task.apply(args)
    finally:
        connections.close_all()  # this thread's own database connection
