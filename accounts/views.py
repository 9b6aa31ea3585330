"""Login lockout page and unlock, the team page, and Django's password-reset flow in our layout."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import MemberAddForm, MemberDeactivateForm, NewPasswordForm, PasswordResetRequestForm, UnlockForm
from accounts.lockout import client_address
from accounts.selectors import lockouts_current, member_counts, successors_for, team_members
from accounts.services import (
    lockout_lift,
    member_add,
    member_deactivate,
    member_reactivate,
    password_reset_allowed,
    password_reset_link_send,
)
from core.numbers import format_number
from core.roles import display_name, manager_required
from core.text import isolate

TEAM_PER_PAGE = 50


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


@manager_required
@require_http_methods(["GET"])
def team_list(request: HttpRequest) -> HttpResponse:
    """Everyone on the team, active or not, with their role and what they hold; 50 a page."""
    page = Paginator(team_members(), TEAM_PER_PAGE).get_page(request.GET.get("page"))
    columns = member_counts()
    rows = [(member, [getattr(member, f"count_{column.key}") for column in columns]) for member in page]
    return render(request, "accounts/team.html", {"page": page, "rows": rows, "columns": columns})


@manager_required
@require_http_methods(["GET", "POST"])
def team_member_add(request: HttpRequest) -> HttpResponse:
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = member_add(**form.cleaned_data, by=request.user)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(
                request,
                _("%(name)s was added; an email with a link to set their password went to %(email)s.")
                % {"name": isolate(display_name(member)), "email": isolate(member.email)},
            )
            return redirect("accounts:team")
    return render(request, "accounts/team_member_add.html", {"form": form}, status=400 if form.errors else 200)


@manager_required
@require_http_methods(["GET", "POST"])
def team_member_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """A colleague who left: the manager picks who takes over, then one step moves it all."""
    member = get_object_or_404(team_members(), pk=pk)
    form = MemberDeactivateForm(request.POST or None, successors=successors_for(member=member))
    if request.method == "POST" and form.is_valid():
        try:
            member_deactivate(member=member, successor=form.cleaned_data["successor"], by=request.user)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(
                request,
                _("%(name)s can no longer log in; their customers and open calls are now %(successor)s's.")
                % {
                    "name": isolate(display_name(member)),
                    "successor": isolate(display_name(form.cleaned_data["successor"])),
                },
            )
            return redirect("accounts:team")
    columns = member_counts()
    holds = [(column.label, getattr(member, f"count_{column.key}")) for column in columns]
    return render(
        request,
        "accounts/team_member_deactivate.html",
        {"member": member, "form": form, "holds": holds},
        status=400 if form.errors else 200,
    )


@manager_required
@require_POST
def team_member_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(get_user_model(), pk=pk)
    member_reactivate(member=member, by=request.user)
    messages.success(request, _("%(name)s can log in again.") % {"name": isolate(display_name(member))})
    return redirect("accounts:team")


@manager_required
@require_POST
def team_member_reset_link(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(get_user_model(), pk=pk)
    name = isolate(display_name(member))
    if not member.email:
        messages.error(request, _("%(name)s has no email, so no link was sent.") % {"name": name})
    elif not member.is_active:
        messages.error(request, _("%(name)s is inactive: reactivate them first.") % {"name": name})
    else:
        password_reset_link_send(user=member)
        messages.success(
            request,
            _("A link to set a new password went to %(email)s.") % {"email": isolate(member.email)},
        )
    return redirect("accounts:team")


def _errors_to_form(form, error: ValidationError) -> None:
    """A service's refusal shown on the form: on its field if it names one of the form's, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


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
