from django.conf import settings
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers


class ChosenLanguageMiddleware:
    """Persian unless the user picked English with the navbar switch.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language:
    most browsers in Iranian shops are set to English, and the product is Persian first.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        # A view may switch language (a survey page speaks the customer's): report what was used.
        response.headers.setdefault("Content-Language", translation.get_language() or language)
        return response


class PrivatePagesMiddleware:
    """``Cache-Control: private, no-store`` (and no-cache) on every response to a logged-in user.

    Those pages name customers and money: neither a shared proxy nor the browser may keep a copy
    (the back button after logging out on an office computer must not show them).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
