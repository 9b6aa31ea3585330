from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Logging in safely: the lockout after wrong passwords, its unlock page, the password reset."""

    name = "accounts"
    verbose_name = _("Accounts")
