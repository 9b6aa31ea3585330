"""Phone numbers, normalised to the one form we store.

An Iranian mobile is stored as 09XXXXXXXXX, as reps type and read it. Any other number (a
landline, a number abroad) is stored in E.164 (+982188776655, +4915123456789), checked with
phonenumbers (Google's libphonenumber rules), never with hand-written patterns.
"""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from core.numbers import quote_typed
from core.text import to_latin_digits

# Besides spaces and dashes: the invisible bidi marks that messengers wrap around a copied number.
_SEPARATORS = re.compile(r"[\s\-().\u200c\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NATIONAL = re.compile(r"9\d{9}")
_quoted = lazy(quote_typed, str)
# The longest stored form: "+" and the 15 digits E.164 allows.
PHONE_MAX_LENGTH = 16
# A number typed without a country code is read as Iranian.
_HOME_REGION = "IR"


def _digits(value: str) -> str:
    return _SEPARATORS.sub("", to_latin_digits(value or ""))


def _iranian_mobile(digits: str) -> str | None:
    """09XXXXXXXXX from +98, 0098, 98, 0 or no prefix; None if the digits are not an Iranian mobile."""
    for prefix in ("+98", "0098", "98", "0"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 10:
            digits = digits[len(prefix) :]
            break
    return "0" + digits if _NATIONAL.fullmatch(digits) else None


def normalize_mobile(value: str) -> str:
    """An Iranian mobile only (a referral's number, where a text message must reach): 09XXXXXXXXX.

    Accepts +98, 0098, 98, 0 or no prefix, separators and Persian/Arabic digits.
    """
    mobile = _iranian_mobile(_digits(value))
    if mobile is None:
        raise ValidationError(
            _("“%(value)s” is not a valid Iranian mobile number (e.g. %(example)s)."),
            code="invalid_mobile",
            # lazy, like the message: quoted in the digits of the language it is shown in
            params={"value": _quoted(value), "example": _quoted("0912 123 4567")},
        )
    return mobile


def normalize_phone(value: str) -> str:
    """A customer's phone: an Iranian mobile as 09XXXXXXXXX, any other valid number in E.164.

    A landline typed the Iranian way (021 8877 6655) is read in Iran; a number abroad needs its
    country code (+49 ..., 0049 ...). Raises ValidationError for anything that is not a number.
    """
    digits = _digits(value)
    mobile = _iranian_mobile(digits)
    if mobile is not None:
        return mobile
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    try:
        number = phonenumbers.parse(digits, _HOME_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number) or _short_iranian(number):
        raise ValidationError(
            _(
                "“%(value)s” is not a phone number. Type an Iranian number (e.g. %(mobile)s or %(landline)s) "
                "or a number abroad with its country code (e.g. %(abroad)s)."
            ),
            code="invalid_phone",
            params={
                "value": _quoted(value),
                # no-break spaces: an example never wraps in the middle of the number
                "mobile": _quoted("0912\u00a0123\u00a04567"),
                "landline": _quoted("021\u00a08877\u00a06655"),
                "abroad": _quoted("+49\u00a0151\u00a02345\u00a06789"),
            },
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _short_iranian(number: phonenumbers.PhoneNumber) -> bool:
    """libphonenumber also accepts Iran's few short service numbers; a customer's phone in Iran,
    landline or mobile, has ten digits after the 0 (21 8877 6655, 311 234 5678)."""
    return number.country_code == 98 and len(str(number.national_number)) != 10


def display_phone(stored: str) -> str:
    """A stored phone as people read it: a mobile as kept (09121234567), E.164 grouped (+98 21 8877 6655)."""
    if not stored.startswith("+"):
        return stored
    try:
        return phonenumbers.format_number(phonenumbers.parse(stored), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return stored
