import ipaddress

from django import forms
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.services import password_reset_email_queue


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
