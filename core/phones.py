"""Iranian mobile numbers, normalised to the one form we store: 09XXXXXXXXX."""

import re

from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from core.numbers import quote_typed
from core.text import to_latin_digits

# Besides spaces and dashes: the invisible bidi marks that messengers wrap around a copied number.
_SEPARATORS = re.compile(r"[\s\-().\u200c\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NATIONAL = re.compile(r"9\d{9}")
_quoted = lazy(quote_typed, str)


def normalize_mobile(value: str) -> str:
    """Accept +98, 0098, 98, 0 or no prefix, separators and Persian/Arabic digits.

    Raises ValidationError for anything that is not an Iranian mobile number.
    """
    digits = _SEPARATORS.sub("", to_latin_digits(value or ""))
    for prefix in ("+98", "0098", "98", "0"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 10:
            digits = digits[len(prefix) :]
            break
    if not _NATIONAL.fullmatch(digits):
        raise ValidationError(
            _("“%(value)s” is not a valid Iranian mobile number (e.g. %(example)s)."),
            code="invalid_mobile",
            # lazy, like the message: quoted in the digits of the language it is shown in
            params={"value": _quoted(value), "example": _quoted("0912 123 4567")},
        )
    return "0" + digits
