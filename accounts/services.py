"""Account writes: lifting a lockout, the password-reset email and its rate limit."""

import hashlib
import logging
import secrets

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.template.loader import render_to_string

from core.links import absolute_url
from outbox.models import OutgoingEmail
from outbox.services import email_queue

logger = logging.getLogger(__name__)


def lockout_lift(*, kind: str, value: str, by: AbstractBaseUser) -> int:
    """A manager's unlock of a name or an address: its failures are forgotten (axes' own reset).

    Returns how many attempt records were removed (0: it was no longer locked)."""
    if kind == "name":
        count = axes_reset(username=value)
    elif kind == "address":
        count = axes_reset(ip=value)
    else:
        raise ValueError(f"unknown lockout kind {kind!r}")
    logger.info("Login lockout of %s %s lifted by %s (%d records)", kind, value, by.get_username(), count)
    return count


def _counted(key: str, *, window_seconds: int) -> int:
    """One more request in a fixed window that starts with the first one; the window's count."""
    cache.add(key, 0, timeout=window_seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        return 1


def password_reset_allowed(*, address: str | None, email: str) -> bool:
    """At most ``PEYGIR_PASSWORD_RESET_PER_EMAIL`` requests for one email and
    ``PEYGIR_PASSWORD_RESET_PER_ADDRESS`` from one address per window, counted whether or not an
    account uses the email, so the answer never tells. Both counts grow on every request."""
    window = settings.PEYGIR_PASSWORD_RESET_WINDOW_MINUTES * 60
    email_hash = hashlib.sha256(email.strip().lower().encode()).hexdigest()  # no address kept in the cache
    by_email = _counted(f"peygir:password-reset:email:{email_hash}", window_seconds=window)
    by_address = _counted(f"peygir:password-reset:address:{address or 'unknown'}", window_seconds=window)
    return (
        by_email <= settings.PEYGIR_PASSWORD_RESET_PER_EMAIL
        and by_address <= settings.PEYGIR_PASSWORD_RESET_PER_ADDRESS
    )


def password_reset_email_queue(*, user: AbstractBaseUser, path: str) -> OutgoingEmail:
    """The reset link, in the requester's language, through the outbox. Each request its own email
    (a random key part), so asking again after a lost email sends a new one."""
    context = {
        "user": user,
        "reset_url": absolute_url(path),
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    subject = " ".join(render_to_string("registration/password_reset_subject.txt", context).split())
    return email_queue(
        key=f"password-reset:{user.pk}:{secrets.token_hex(8)}",
        to=user.email,
        subject=subject,
        text=render_to_string("registration/password_reset_email.txt", context),
        html=render_to_string("registration/password_reset_email.html", context),
    )
