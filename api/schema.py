"""How drf-spectacular describes the API: the bearer token, and the errors every operation can answer.

Every error has one of two shapes (``api.errors``): ``{"errors": {field: [message]}}`` for what
was sent, ``{"detail": message}`` for the rest (no token, not found). The contract test holds
the API to this description, so each operation lists the error statuses it can answer.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "ApiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token a manager made on the API tokens page: `Authorization: Bearer <token>`.",
        }


ERROR = inline_serializer(
    name="Error",
    fields={
        "detail": serializers.CharField(required=False, help_text="What went wrong, in the request's language."),
        "errors": serializers.DictField(
            required=False,
            help_text="Field name (or item index, or `non_field_errors`) to its messages.",
        ),
    },
)
ERRORS = {
    "400": OpenApiResponse(ERROR, description="The request's data or query is not valid: `errors` says why."),
    "401": OpenApiResponse(ERROR, description="No token, or a token that is not valid or was revoked."),
    "404": OpenApiResponse(ERROR, description="No such record among those the token's colleague may see."),
}


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's schema plus the error answers (400, 401, 404) of every operation; tags and
    operation ids from the resource (``customers_list``), not the version segment of the path."""

    def _tokenize_path(self):
        tokens = super()._tokenize_path()
        return tokens[1:] if tokens[:1] == ["v1"] else tokens

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status, response in ERRORS.items():
            if status not in responses:
                responses[status] = self._get_response_for_code(response, status, direction=direction)
        return responses
