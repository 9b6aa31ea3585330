"""Who is locked out now: the manager's unlock page reads it."""

from dataclasses import dataclass
from datetime import datetime

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

# An attacker may lock many made-up names: the page shows the latest this many of each kind.
SHOWN = 200


@dataclass(frozen=True)
class Lockout:
    kind: str  # "name" or "address"
    value: str
    failures: int
    last_attempt: datetime
    until: datetime | None  # None: until a manager unlocks it


def lockouts_current(*, now: datetime | None = None) -> list[Lockout]:
    """Names and addresses past their limit within the window (accounts/lockout.py), latest first."""
    now = now or timezone.now()
    cool_off = get_cool_off()
    recent = AccessAttempt.objects.all()
    if cool_off is not None:
        recent = recent.filter(attempt_time__gte=now - cool_off)
    found = []
    for kind, field, limit in (
        ("name", "username", settings.PEYGIR_LOGIN_FAILURES_PER_NAME),
        ("address", "ip_address", settings.PEYGIR_LOGIN_FAILURES_PER_ADDRESS),
    ):
        rows = (
            recent.exclude(**{f"{field}__isnull": True})
            .values(field)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=limit)
            .order_by("-last")[:SHOWN]
        )
        found += [
            Lockout(
                kind=kind,
                value=row[field],
                failures=row["failures"],
                last_attempt=row["last"],
                until=row["last"] + cool_off if cool_off is not None else None,
            )
            for row in rows
            if row[field]
        ]
    return sorted(found, key=lambda lockout: lockout.last_attempt, reverse=True)
