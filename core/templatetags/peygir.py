"""Template filters for Persian-first display: dates, digits and money.

Loaded as a builtin (settings.TEMPLATES), so every template can use them.
"""

from decimal import Decimal

from django import template
from django.conf import settings
from django.utils.translation import gettext as _

from core import dates
from core.formats.fa import formats as fa_formats
from core.roles import display_name
from core.text import to_persian_digits

register = template.Library()


@register.filter
def jdate(value, style="short"):
    """A date or datetime in the reader's calendar: ``{{ d|jdate }}``, ``{{ d|jdate:"long" }}``."""
    return dates.format_date(value, style)


@register.filter
def jdatetime(value):
    return dates.format_datetime(value)


@register.filter
def digits(value):
    """Persian digits in Persian pages; grouped thousands for numbers (٬ in Persian, , in English)."""
    if value is None:
        return ""
    persian = dates.uses_jalali()
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        text = f"{value:,}"  # the separators of our format modules, without a lookup per number
        if persian:
            text = text.replace(",", fa_formats.THOUSAND_SEPARATOR).replace(".", fa_formats.DECIMAL_SEPARATOR)
    else:
        text = str(value)
    return to_persian_digits(text) if persian else text


@register.filter
def money(value):
    """A Rial amount shown in the configured currency (Rial or Toman), grouped."""
    if value is None or value == "":
        return ""
    amount = Decimal(value)
    if settings.PEYGIR_CURRENCY == "toman":
        amount, unit = amount / 10, _("Toman")
    else:
        unit = _("Rial")
    return f"{digits(amount.quantize(Decimal(1)))} {unit}"


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")


@register.filter
def person(user):
    return display_name(user)


@register.filter
def percent(value):
    """50.0 -> "50%" / "۵۰٪", 12.5 -> "12.5%" / "۱۲٫۵٪"."""
    if value is None or value == "":
        return ""
    text = f"{float(value):.1f}".removesuffix(".0")
    if dates.uses_jalali():
        return to_persian_digits(text.replace(".", "٫")) + "٪"
    return text + "%"
