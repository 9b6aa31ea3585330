from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserPreference(models.Model):
    """What a colleague chose for themselves; emails sent to them (the morning digest) follow it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)

    class Meta:
        # The table predates the core app (it was created by the configuration package).
        db_table = "retention_crm_userpreference"
        verbose_name = _("user preference")
        verbose_name_plural = _("user preferences")

    def __str__(self):
        return f"{self.user} · {self.language}"


def language_of(user) -> str:
    """The language to write to ``user`` in: their last choice in the navbar, else Persian."""
    try:
        return user.preference.language
    except UserPreference.DoesNotExist:
        return settings.LANGUAGE_CODE
