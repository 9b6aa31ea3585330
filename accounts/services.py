"""Account writes: lifting a lockout, the password-reset email and its rate limit, the team."""

import hashlib
import logging
import secrets

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.signals import member_leaving
from core.links import absolute_url
from core.roles import MANAGER_GROUP, REP_GROUP, display_name
from core.text import isolate
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


def password_reset_link_send(*, user: AbstractBaseUser) -> OutgoingEmail:
    """A reset link a manager sends (a new colleague sets their first password with it): the same
    link and email as the reset form's, without its rate limit (a manager asks, not a stranger)."""
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return password_reset_email_queue(user=user, path=path)


# --- the team ----------------------------------------------------------------------------------

ROLES = (REP_GROUP, MANAGER_GROUP)


@transaction.atomic
def member_add(
    *, username: str, email: str, role: str, first_name: str = "", last_name: str = "", by: AbstractBaseUser
) -> AbstractBaseUser:
    """A new colleague with no password: the reset email lets them choose their own, so no manager
    ever knows it. The email leaves only if the account is saved (the outbox sends after commit)."""
    if role not in ROLES:
        raise ValidationError({"role": _("Choose a role.")})
    user = get_user_model()(username=username, email=email, first_name=first_name, last_name=last_name)
    user.set_unusable_password()
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    password_reset_link_send(user=user)
    logger.info("Team member %s added as %s by %s", username, role, by.get_username())
    return user


def _active_manager_ids() -> list[int]:
    """Locked, so two managers deactivating each other at once cannot both succeed."""
    managers = get_user_model().objects.select_for_update().filter(is_active=True)
    in_group = Q(pk__in=Group.objects.filter(name=MANAGER_GROUP).values("user"))  # no outer join to lock
    return list(managers.filter(Q(is_superuser=True) | in_group).values_list("pk", flat=True))


@transaction.atomic
def member_deactivate(*, member: AbstractBaseUser, successor: AbstractBaseUser, by: AbstractBaseUser) -> None:
    """A colleague who left: they can no longer log in, and in the same transaction everything they
    were working on (``member_leaving``: their customers, open calls and plans) goes to the successor.

    Nobody deactivates themselves (they would be locked out mid-task), nor the last active manager
    (nobody could manage the team afterwards)."""
    if member.pk == by.pk:
        raise ValidationError(_("You cannot deactivate yourself: ask another manager."))
    if not member.is_active:
        raise ValidationError(_("%(name)s is already inactive.") % {"name": isolate(display_name(member))})
    if member.pk == successor.pk:
        raise ValidationError({"successor": _("Choose a colleague other than the one who is leaving.")})
    if not successor.is_active:
        raise ValidationError({"successor": _("The colleague who takes over must be active.")})
    managers = set(_active_manager_ids())
    if managers == {member.pk}:
        raise ValidationError(
            _("%(name)s is the last active manager: make someone else a manager first.")
            % {"name": isolate(display_name(member))}
        )
    member_leaving.send(sender=type(member), member=member, successor=successor, by=by)
    member.is_active = False
    member.save(update_fields=["is_active"])
    logger.info("Team member %s deactivated by %s; work went to %s", member, by, successor)


def member_reactivate(*, member: AbstractBaseUser, by: AbstractBaseUser) -> None:
    """A colleague back: they log in again (with the password they had, or a new reset link).
    Their former customers stay with whoever took them over."""
    member.is_active = True
    member.save(update_fields=["is_active"])
    logger.info("Team member %s reactivated by %s", member, by)
