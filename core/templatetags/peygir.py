"""Template filters for Persian-first display: dates, digits and money; and the base layout's
parts that are the same on every page (the menu's links, static file addresses, a list row's
links), drawn once (``core.drawn``).

Loaded as a builtin (settings.TEMPLATES), so every template can use them.
"""

import html

from django import template
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils import translation

from core import dates, numbers
from core.drawn import DrawnOnce
from core.phones import display_phone
from core.roles import display_name

register = template.Library()

_menus, _static_urls, _url_patterns = DrawnOnce(), DrawnOnce(), DrawnOnce()


@register.simple_tag(takes_context=True)
def navbar_links(context):
    """The menu's links, drawn once per (language, role, admin link, marked item) rather than
    per page: 15 includes and URL reversals a manager's page no longer pays each time. The key
    holds the role, so a rep is never served a manager's menu."""
    values = {name: context.get(name) for name in ("is_manager", "can_use_admin", "nav_section", "nav_entry")}
    key = (translation.get_language(), get_script_prefix(), *values.values())
    return _menus.get(key, lambda: render_to_string("includes/navbar_links.html", values))


@register.simple_tag
def static_url(path):
    """``{% static %}`` remembered per path: the manifest lookup and URL joining run once per file
    (nine files on every page)."""
    return _static_urls.get(path, lambda: static(path))


@register.simple_tag
def url_for(name: str, pk: int) -> str:
    """``{% url name pk %}`` for list rows: the URL is resolved once per name, then the pk is filled in
    (a list of fifty rows reversed fifty URLs of the same pattern)."""
    pattern = _url_patterns.get((name, get_script_prefix()), lambda: reverse(name, args=[int(_PK_SENTINEL)]))
    return pattern.replace(_PK_SENTINEL, str(pk))


_PK_SENTINEL = "987654321"


def escaped(value) -> str:
    """What ``{{ value }}`` prints, for a tag that draws a list row in Python: safe text as it is, any
    other escaped (``conditional_escape``, without the lazy-text check it makes for every value)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


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
