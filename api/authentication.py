"""``Authorization: Bearer <token>``: a token a manager issued in the app to one colleague."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token after “Bearer ” and nothing else."))
        from api.services import token_user  # the tokens' models load after the settings

        try:
            raw = parts[1].decode()
        except UnicodeDecodeError:
            raw = ""
        user = token_user(raw)
        if user is None:
            raise exceptions.AuthenticationFailed(_("This token is not valid, or it was revoked."))
        return user, None

    def authenticate_header(self, request):
        return self.keyword
