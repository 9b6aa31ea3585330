from core.roles import is_manager


def peygir(request):
    """What the base layout needs on every page: the role and the text direction."""
    return {"is_manager": is_manager(request.user) if hasattr(request, "user") else False}
