"""The staff pages of the API: the managers' tokens page and the interactive documentation.

The key of a new token is shown in the answer to the form that made it, and nowhere else: it
is not stored (only its hash is), not put in the session, not in a redirect.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated

from api import selectors, services
from api.authentication import ApiTokenAuthentication
from api.forms import TokenCreateForm
from api.models import ApiToken
from core.roles import display_name, manager_required
from core.text import isolate

TOKENS_PER_PAGE = 50


@manager_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    created, key = None, ""
    if request.method == "POST" and form.is_valid():
        try:
            created, key = services.token_create(
                user=form.cleaned_data["user"], name=form.cleaned_data["name"], by=request.user
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form = TokenCreateForm()
    page = Paginator(selectors.tokens_for_page(), TOKENS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "created": created, "key": key}
    response = render(request, "api/tokens.html", context, status=400 if form.errors else 200)
    if key:
        response["Cache-Control"] = "no-store"  # the key must not stay in a cache (PrivatePagesMiddleware too)
    return response


@manager_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk)
    if token.revoked_at is None:
        services.token_revoke(token=token, by=request.user)
        messages.success(
            request,
            _("The token %(name)s of %(user)s was revoked: its next request is refused.")
            % {"name": isolate(token.name), "user": isolate(display_name(token.user))},
        )
    return redirect("api:tokens")


@extend_schema(exclude=True)
class SchemaView(SpectacularJSONAPIView):
    """The OpenAPI schema (JSON): for a logged-in colleague (the docs page) or a token."""

    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request, *args, **kwargs):
        # The schema is written in English; its model labels follow the language asked for (``?lang=fa``).
        with translation.override(request.GET.get("lang") or "en"):
            return super().get(request, *args, **kwargs)


@method_decorator(login_required, name="dispatch")
class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from our own static files, its script a file of its own: the site's
    Content-Security-Policy lets no inline script or style run."""

    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated]
    template_name = "api/swagger_ui.html"
    template_name_js = "api/swagger_ui.js"
    url_name = "api:schema"
    title = "Peygir API"
