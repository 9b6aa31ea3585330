import ipaddress

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.services import password_reset_email_queue
from core.forms import ColleagueChoiceField
from core.roles import MANAGER_GROUP, REP_GROUP


class PasswordResetRequestForm(PasswordResetForm):
    """Django's reset form, its email sent through the outbox rather than directly."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]})
        password_reset_email_queue(user=context["user"], path=path)


class NewPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django's Persian wording of its hint reads "enter the old password": ours says what it means.
        self.fields["new_password2"].help_text = _("Type the same new password again, to check it.")


class UnlockForm(forms.Form):
    kind = forms.ChoiceField(choices=[("name", _("user name")), ("address", _("network address"))])
    value = forms.CharField(max_length=255)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == "address" and cleaned.get("value"):
            try:
                ipaddress.ip_address(cleaned["value"])
            except ValueError:
                self.add_error("value", _("Enter a valid address."))
        return cleaned


class MemberAddForm(forms.Form):
    """A new colleague: who they are and their role; they choose their own password from the email."""

    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("What they type to log in: letters, digits and @ . + - _ only."),
    )
    email = forms.EmailField(label=_("Email"), help_text=_("The link to set their password goes here."))
    role = forms.ChoiceField(label=_("Role"), choices=[(REP_GROUP, _("Sales rep")), (MANAGER_GROUP, _("Manager"))])

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("Someone on the team already has this user name."))
        return username

    def clean_email(self):
        email = self.cleaned_data["email"]
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Someone on the team already uses this email."))
        return email


class MemberDeactivateForm(forms.Form):
    successor = ColleagueChoiceField(
        label=_("Who takes over their customers and open calls"),
        queryset=get_user_model().objects.none(),
        empty_label=None,
    )

    def __init__(self, *args, successors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = successors
