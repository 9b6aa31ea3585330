from core.roles import can_use_admin, is_manager


def peygir(request):
    """What the base layout needs on every page: the role and whether Django admin has something for them."""
    user = getattr(request, "user", None)
    if user is None:
        return {"is_manager": False, "can_use_admin": False}
    return {"is_manager": is_manager(user), "can_use_admin": can_use_admin(user)}
