"""Who is locked out now (the manager's unlock page) and who is on the team (the team page)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Exists, Expression, Max, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from core.roles import MANAGER_GROUP, REP_GROUP

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


# --- the team ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberCount:
    """A column of the team page that a higher app fills (customers owned, open calls)."""

    key: str
    label: str
    count: Callable[[], Expression]  # a per-user count, OuterRef("pk") the user


_member_counts: dict[str, MemberCount] = {}


def register_member_count(*, key: str, label: str, count: Callable[[], Expression]) -> None:
    """Apps above accounts (customers, followups) say what each colleague holds; this app imports none."""
    _member_counts[key] = MemberCount(key=key, label=label, count=count)


def member_counts() -> list[MemberCount]:
    return list(_member_counts.values())


def team_members() -> QuerySet:
    """Everyone who can log in or could, with their role and what they hold, in one query."""
    managers = Group.objects.filter(name=MANAGER_GROUP, user=OuterRef("pk"))
    reps = Group.objects.filter(name=REP_GROUP, user=OuterRef("pk"))
    return (
        get_user_model()
        .objects.annotate(
            is_manager_role=Exists(managers),
            is_rep_role=Exists(reps),
            **{f"count_{column.key}": column.count() for column in _member_counts.values()},
        )
        .order_by("-is_active", "first_name", "last_name", "username")
    )


def successors_for(*, member) -> QuerySet:
    """Who can take over a leaving colleague's work: the active reps and managers but them."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name__in=[REP_GROUP, MANAGER_GROUP]) | Q(is_superuser=True))
        .exclude(pk=member.pk)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
