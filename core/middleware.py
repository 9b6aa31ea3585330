from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


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
