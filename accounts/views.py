"""Login lockout page and unlock, and Django's password-reset flow in our layout."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import NewPasswordForm, PasswordResetRequestForm, UnlockForm
from accounts.lockout import client_address
from accounts.selectors import lockouts_current
from accounts.services import lockout_lift, password_reset_allowed
from core.numbers import format_number
from core.roles import manager_required


def locked_out(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: the login page again, saying why, rather than a bare 429 text page.

    The form stays, so a colleague at the same desk can still log in with their own name."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    context = {
        "form": AuthenticationForm(request, initial={"username": username}),
        "locked_out": True,
        "lockout_minutes": settings.PEYGIR_LOGIN_LOCKOUT_MINUTES,
        "next": request.POST.get("next", ""),
    }
    return render(request, "registration/login.html", context, status=429)


@manager_required
@require_http_methods(["GET", "POST"])
def lockout_list(request: HttpRequest) -> HttpResponse:
    """Names and addresses locked out by wrong passwords; a manager unlocks one with a button."""
    if request.method == "POST":
        form = UnlockForm(request.POST)
        if form.is_valid():
            lockout_lift(kind=form.cleaned_data["kind"], value=form.cleaned_data["value"], by=request.user)
            messages.success(request, _("Unlocked: logging in with that name or from that address works again."))
        else:
            messages.error(request, _("Nothing was unlocked: that name or address is not valid."))
        return redirect("accounts:lockouts")
    return render(
        request,
        "accounts/lockouts.html",
        {
            "lockouts": lockouts_current(),
            "per_name": settings.PEYGIR_LOGIN_FAILURES_PER_NAME,
            "per_address": settings.PEYGIR_LOGIN_FAILURES_PER_ADDRESS,
            "minutes": settings.PEYGIR_LOGIN_LOCKOUT_MINUTES,
        },
    )


class PasswordResetRequestView(auth_views.PasswordResetView):
    """Ask for a reset link by email; the answer is the same whether or not an account uses it."""

    form_class = PasswordResetRequestForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        if not password_reset_allowed(address=client_address(self.request), email=form.cleaned_data["email"]):
            minutes = format_number(settings.PEYGIR_PASSWORD_RESET_WINDOW_MINUTES)
            form.add_error(
                None,
                _("Too many reset requests for this email or from this network. Try again in %(minutes)s minutes.")
                % {"minutes": minutes},
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetSetView(auth_views.PasswordResetConfirmView):
    """The link from the email: a new password. A used, expired or forged link says so."""

    form_class = NewPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Owning the mailbox proves the person: wrong passwords typed before no longer lock the name.
        lockout_lift(kind="name", value=self.user.get_username(), by=self.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"
