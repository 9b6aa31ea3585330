from django.views.decorators.http import require_POST
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
