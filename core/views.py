from collections.abc import Mapping

from django.shortcuts import redirect
from django.templatetags.static import static
from django.views import defaults
from django.views.decorators.http import require_POST, require_safe
from django.views.i18n import set_language

from core.models import UserPreference


@require_POST
def language_switch(request):
    """Django's set_language (the cookie), remembered for the user's emails too."""
    response = set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(UserPreference._meta.get_field("language").choices):
        UserPreference.objects.update_or_create(user=request.user, defaults={"language": language})
    return response


def page_not_found(request, exception, *, templates: Mapping[str, str]):
    """Django's 404 in the look of where the address points: a customer's survey link (/s/) shows
    the customers' layout, never the staff menu. ``templates`` maps a path prefix to its 404 page."""
    template = next((name for prefix, name in templates.items() if request.path.startswith(prefix)), "404.html")
    return defaults.page_not_found(request, exception, template_name=template)


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever a page links: the one icon is the SVG in static/."""
    return redirect(static("favicon.svg"))
