from core.navigation import place_of
from core.roles import can_use_admin, is_manager


def peygir(request):
    """What the base layout needs on every page: the role, whether Django admin has something for
    them, and which menu item the page belongs to (``nav_section``, and ``nav_entry`` under Manage)."""
    match = getattr(request, "resolver_match", None)
    section, entry = place_of(match.view_name) if match else ("", "")
    user = getattr(request, "user", None)
    if user is None:
        return {"is_manager": False, "can_use_admin": False, "nav_section": section, "nav_entry": entry}
    return {
        "is_manager": is_manager(user),
        "can_use_admin": can_use_admin(user),
        "nav_section": section,
        "nav_entry": entry,
    }
