"""Celery tasks: thin wrappers over the loyalty services, retried on database errors."""

import logging

from celery import shared_task
from django.db import DatabaseError

from loyalty import notices, services, tiers

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=60, max_retries=5)
def nightly_loyalty_task() -> dict:
    """Points past the returns window become available, points due expire, customers whose points
    expire soon are warned (and called when the points are worth a lot), tiers are reviewed; then the kept balances
    are checked against the ledger, and any drift is logged (and repaired from the ledger)."""
    released = services.points_release_pending()
    expired = services.points_expire()
    warned, called = notices.expiry_warnings_send(), notices.expiry_calls_raise()
    moved = tiers.tiers_review()
    birthdays = services.birthday_bonuses_give()
    drifted, rows = services.accounts_drift()
    if drifted:
        logger.error("loyalty: %s kept balances differ from the ledger, e.g. %s; rewritten", drifted, rows[:5])
        services.accounts_refresh()
    return {
        "released": released,
        "expired": expired,
        "warned": warned,
        "called": called,
        "moved_tier": moved,
        "birthdays": birthdays,
        "drifted": drifted,
    }
