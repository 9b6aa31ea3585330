"""Errors as ``{"errors": {field: [message, ...]}}``, in the request's language (DRF translates).

Anything else is ``{"detail": message}``: no token (401), nothing there (404), a conflict (409).
"""

from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler


def api_exception_handler(exc, context):
    if isinstance(exc, Http404):
        # get_object_or_404 says "No Customer matches the given query." in English: say DRF's "Not found.",
        # translated, and the same whether the record is another rep's or does not exist.
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and set(data) == {"detail"}:
        response.data = {"detail": data["detail"]}
    else:
        response.data = {"errors": data if isinstance(data, dict) else {"non_field_errors": data}}
    return response
