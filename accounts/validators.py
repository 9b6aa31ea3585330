from django.contrib.auth import password_validation
from django.utils.translation import ngettext

from core.numbers import format_number


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's rule with the number in the reader's digits: a Persian page shows no Latin digit."""

    def get_error_message(self):
        return ngettext(
            "This password is too short: it needs at least %(min_length)s character.",
            "This password is too short: it needs at least %(min_length)s characters.",
            self.min_length,
        ) % {"min_length": format_number(self.min_length)}

    def get_help_text(self):
        return ngettext(
            "Your password must contain at least %(min_length)s character.",
            "Your password must contain at least %(min_length)s characters.",
            self.min_length,
        ) % {"min_length": format_number(self.min_length)}
