"""The two roles: a rep works their own customers; a manager sees and reassigns all.

Roles are Django groups so an admin can grant them without code; superusers
count as managers.
"""

from functools import wraps

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

MANAGER_GROUP = "manager"
REP_GROUP = "rep"


def is_manager(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_peygir_is_manager", None)
    if cached is None:
        cached = user.groups.filter(name=MANAGER_GROUP).exists()
        user._peygir_is_manager = cached
    return cached


def can_use_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Staff who would find at least one model in Django admin: a staff account without any
    permission gets an admin index that says "nothing to view or edit", so it is not offered."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    return any(user.has_module_perms(model._meta.app_label) for model in admin.site._registry)


def display_name(user: AbstractBaseUser | None) -> str:
    """A colleague's full name, else username; "Unassigned" for nobody."""
    if user is None:
        return _("Unassigned")
    return user.get_full_name() or user.get_username()


def manager_required(view):
    """Managers only: others get 403 (these pages name no customer, so nothing leaks)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_manager(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
