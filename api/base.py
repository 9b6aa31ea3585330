"""What every API view shares: the request's language, the colleague in the audit trail, the schema.

Pages follow the navbar's language switch (``core.middleware.ChosenLanguageMiddleware``); a
program has no navbar, so the API follows its ``Accept-Language`` header (Persian or English),
and without one the page's choice (Persian unless English was picked).
"""

from auditlog.context import auditlog_value
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import trans_real

from api.schema import ApiAutoSchema

# Ids in URLs and queries stop at 18 digits: a longer number is no record (and would overflow the database's integer).
MAX_ID = 10**18 - 1
ID_PATTERN = "[0-9]{1,18}"


def request_language(request) -> str:
    """The first language of ``Accept-Language`` that Peygir speaks, else the one the middleware chose."""
    for code, _quality in trans_real.parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return getattr(request, "LANGUAGE_CODE", None) or translation.get_language()


def _audit_as(user) -> None:
    """Entries written during this request name the token's colleague.

    django-auditlog's middleware picked its actor before the view ran, from the session: an API
    request has none, and the token is only read inside the view. Its request context is a dict
    we complete rather than nest another (a nested one would leave the outer receiver connected).
    """
    context = auditlog_value.get(None)
    if context is not None and user is not None and context.get("actor") is None:
        context["actor"] = user


class ApiViewMixin:
    """Mixed into every API view, before DRF's classes."""

    schema = ApiAutoSchema()
    lookup_value_regex = ID_PATTERN

    def initial(self, request, *args, **kwargs):
        language = request_language(request)
        translation.activate(language)  # before authentication: its refusal is said in this language too
        request.LANGUAGE_CODE = language
        super().initial(request, *args, **kwargs)
        _audit_as(request.user)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Language"] = translation.get_language()
        patch_vary_headers(response, ("Accept-Language", "Authorization"))
        return response
