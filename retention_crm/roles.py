"""The two roles: a rep works their own customers; a manager sees and reassigns all.

Roles are Django groups so an admin can grant them without code; superusers
count as managers.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
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


def display_name(user: AbstractBaseUser | None) -> str:
    """A colleague's full name, else username; "Unassigned" for nobody."""
    if user is None:
        return _("Unassigned")
    return user.get_full_name() or user.get_username()
