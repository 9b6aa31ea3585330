"""The lockout rule: wrong passwords are counted per user name and per address.

Both counts cover the last ``PEYGIR_LOGIN_LOCKOUT_MINUTES``; either reaching its limit locks.
A name has a small allowance (one name guessed from many addresses stops quickly); an address
a large one, because a whole office logs in from one address: a few typos by several reps
must not lock the office, while one address trying many names must stop. django-axes does the
counting, the blocking and the cool-off (https://django-axes.readthedocs.io/en/latest/5_customization.html);
this module gives it the two limits and the client's address.
"""

import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import HttpRequest


def name_limit(request: HttpRequest | None = None, credentials: dict | None = None) -> int:
    """``AXES_FAILURE_LIMIT``: the one number axes compares with (the address's is scaled to it)."""
    return settings.PEYGIR_LOGIN_FAILURES_PER_NAME


def failures_counted(*, by_name: int, by_address: int) -> int:
    """Axes compares one number with one limit (the name's): the address's failures are scaled to it.

    ``by_address * name_limit // address_limit`` reaches the name limit exactly when
    ``by_address`` reaches the address limit (integer division rounds down, never early).
    """
    name_limit = settings.PEYGIR_LOGIN_FAILURES_PER_NAME
    address_limit = settings.PEYGIR_LOGIN_FAILURES_PER_ADDRESS
    return max(by_name, by_address * name_limit // address_limit)


def _failures(attempts: QuerySet) -> int:
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class NameAndAddressHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per name and a larger one per address."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        recent = AccessAttempt.objects.all()
        if get_cool_off(request) is not None:
            recent = recent.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        by_name = _failures(recent.filter(username=username)) if username else 0
        by_address = _failures(recent.filter(ip_address=request.axes_ip_address))
        return failures_counted(by_name=by_name, by_address=by_address)

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """A right password forgives that name's wrong ones only: the address keeps others' failures,
        so an attacker with one valid account cannot clear the count of the names they tried."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def client_address(request: HttpRequest) -> str | None:
    """The address wrong passwords and reset requests are counted by (``AXES_CLIENT_IP_CALLABLE``).

    Behind ``PEYGIR_PROXY_COUNT`` reverse proxies that each append to X-Forwarded-For, the
    client is that many entries from the right; entries further left are the client's own
    claims and are ignored. Without proxies it is the connection's address.
    """
    proxies = settings.PEYGIR_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies and _is_address(forwarded[-proxies]):
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
