"""Template filters for Persian-first display: dates, digits and money.

Loaded as a builtin (settings.TEMPLATES), so every template can use them.
"""

from django import template

from core import dates, numbers
from core.phones import display_phone
from core.roles import display_name

register = template.Library()


@register.filter
def jdate(value):
    """A date or datetime in the reader's calendar and its one reading format: ``{{ d|jdate }}``."""
    return dates.format_date(value)


@register.filter
def jdatetime(value):
    return dates.format_datetime(value)


@register.filter
def digits(value):
    """Persian digits in Persian pages; grouped thousands for numbers (٬ in Persian, , in English)."""
    return numbers.format_number(value)


@register.filter
def money(value):
    """A Rial amount shown in the configured currency (Rial or Toman), grouped."""
    return numbers.format_money(value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")


@register.filter
def phone(stored):
    """A customer's stored phone as people read it (core.phones.display_phone); then ``|digits``."""
    return display_phone(stored or "")


@register.filter
def person(user):
    return display_name(user)


@register.filter
def percent(value):
    """50.0 -> "50%" / "۵۰٪", 12.5 -> "12.5%" / "۱۲٫۵٪"."""
    return numbers.format_percent(value)
