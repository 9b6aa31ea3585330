"""The one path for showing numbers: Persian digits and separators in Persian, grouped in English.

The template filters ``digits``, ``money`` and ``percent`` and every sentence Python writes
(a call's reason, a confirmation) come here, so a number never looks different in two places.
"""

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from core import dates
from core.formats.fa import formats as fa_formats
from core.text import isolate_ltr, to_persian_digits


def format_number(value, *, places: int | None = None) -> str:
    """1234567 -> "1,234,567" / "۱٬۲۳۴٬۵۶۷"; ``places`` rounds (trailing zeros dropped; a float gets
    two at most: 2.0 -> "2", 1.4286 -> "1.43"); text is only re-digited."""
    if value is None:
        return ""
    persian = dates.uses_jalali()
    if isinstance(value, float) and places is None:
        places = 2
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        if places is not None:
            text = f"{value:,.{places}f}"
            if "." in text:
                text = text.rstrip("0").rstrip(".")
        else:
            text = f"{value:,}"  # the separators of our format modules, without a lookup per number
        if persian:
            text = text.replace(",", "\x00").replace(".", fa_formats.DECIMAL_SEPARATOR)
            text = text.replace("\x00", fa_formats.THOUSAND_SEPARATOR)
    else:
        text = str(value)
    return to_persian_digits(text) if persian else text


def quote_typed(text, *, code: bool = False) -> str:
    """What a user typed (a date, an amount, a mobile) quoted back in a Persian sentence: in the
    reader's digits and kept left to right. ``code``: an email address or a username, whose
    digits are part of it, is only kept left to right. English sentences quote it as it is."""
    text = str(text)
    if not dates.uses_jalali():
        return text
    return isolate_ltr(text if code else to_persian_digits(text))


def _rials_per_unit() -> int:
    """The one reading of ``PEYGIR_CURRENCY``: amounts are stored in Rial, shown and typed in this unit."""
    return 10 if settings.PEYGIR_CURRENCY == "toman" else 1


def currency_unit() -> str:
    """"Toman" or "Rial", in the reader's language: the unit every amount is shown and typed in."""
    return _("Toman") if _rials_per_unit() == 10 else _("Rial")


def to_rials(amount: Decimal) -> Decimal:
    """An amount typed in the shop's unit, as stored (Rial)."""
    return Decimal(amount) * _rials_per_unit()


def from_rials(amount) -> Decimal:
    """A stored Rial amount in the shop's unit (a Rial amount not divisible by ten keeps one decimal in Toman)."""
    value = Decimal(amount) / _rials_per_unit()
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def format_money(value) -> str:
    """A Rial amount in the configured currency (Rial or Toman), whole and grouped."""
    if value is None or value == "":
        return ""
    return f"{format_number(from_rials(value).quantize(Decimal(1)))} {currency_unit()}"


def format_percent(value) -> str:
    """50.0 -> "50%" / "۵۰٪", 12.5 -> "12.5%" / "۱۲٫۵٪"."""
    if value is None or value == "":
        return ""
    text = format_number(float(value), places=1).replace(",", "").replace(fa_formats.THOUSAND_SEPARATOR, "")
    return text + "٪" if dates.uses_jalali() else text + "%"
