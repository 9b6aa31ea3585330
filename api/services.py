"""API tokens: made and revoked by a manager, checked on every API request.

The key is ``secrets.token_urlsafe(32)`` (256 random bits); only its SHA-256 is stored, so the
lookup by hash is the comparison (nothing is compared character by character against a
secret) and the stored value is useless to whoever reads the table.
"""

import datetime
import hashlib
import hmac
import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.audit_trail import token_revoked_recorded
from api.models import ApiToken
from audit.services import creation_recorded
from core.roles import is_manager
from customers.selectors import sales_team

PREFIX_LENGTH = 8
# A busy integration calls many times a minute: its "last used" is written at most once a minute.
LAST_USED_EVERY = datetime.timedelta(minutes=1)


def key_hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: AbstractBaseUser, name: str, by: AbstractBaseUser) -> tuple[ApiToken, str]:
    """A new token acting as ``user`` (an active rep or manager); returns it and its key, which
    is never stored and so can only be shown now."""
    if not is_manager(by):
        raise PermissionDenied
    if not sales_team().filter(pk=user.pk).exists():
        raise ValidationError({"user": _("Choose an active colleague: a sales rep or a manager.")}, code="user")
    raw_key = secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name.strip(), prefix=raw_key[:PREFIX_LENGTH], key_hash=key_hash(raw_key))
    token.created_by = by
    token.full_clean()
    token.save()
    creation_recorded(instance=token, fields={"name": token.name, "user": user.pk}, customer_id=None, by=by)
    return token, raw_key


@transaction.atomic
def token_revoke(*, token: ApiToken, by: AbstractBaseUser) -> ApiToken:
    """The token stops working at once (its next request is refused); revoking twice changes nothing."""
    if not is_manager(by):
        raise PermissionDenied
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at, token.revoked_by = timezone.now(), by
    token.save(update_fields=["revoked_at", "revoked_by"])
    token_revoked_recorded(token=token, by=by)
    return token


def token_user(raw_key: str) -> AbstractBaseUser | None:
    """The colleague a key acts as, or None: unknown, revoked, or its colleague can no longer log in."""
    if not raw_key or len(raw_key) > 200:
        return None
    digest = key_hash(raw_key)
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=digest, revoked_at__isnull=True, user__is_active=True)
        .only("pk", "key_hash", "last_used_at", "user")
        .first()
    )
    if token is None or not hmac.compare_digest(token.key_hash, digest):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
