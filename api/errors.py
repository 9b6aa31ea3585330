"""Errors as ``{"errors": {field: [message, ...]}}``, in the request's language (DRF translates)."""

from rest_framework.views import exception_handler


def api_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and set(data) == {"detail"}:
        response.data = {"detail": data["detail"]}
    else:
        response.data = {"errors": data if isinstance(data, dict) else {"non_field_errors": data}}
    return response
