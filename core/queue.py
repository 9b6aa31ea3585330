"""Celery work started by a page or a service, only once the caller's transaction has committed."""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_after_commit(task, *args, fallback: str) -> None:
    """``task.delay(*args)`` after commit. A broker that is down is logged, not raised: the caller's
    work is saved, and every queued job has a scheduled run behind it (``fallback`` says which)."""

    def send():
        try:
            task.delay(*args)
        except Exception:
            logger.warning("Could not enqueue %s%s; %s.", task.name, args, fallback, exc_info=True)

    transaction.on_commit(send)
