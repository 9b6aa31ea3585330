"""Template filters for Persian-first display: dates, digits and money; and the base layout's
parts that are the same on every page (the menu's links, static file addresses, a list row's
links), drawn once.

Loaded as a builtin (settings.TEMPLATES), so every template can use them.
"""

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils import translation

from core import dates, numbers
from core.phones import display_phone
from core.roles import display_name

register = template.Library()

# Rendered menus and static addresses, kept for the life of the process: both depend only on the
# key (no user name, no token, no query), and URLs, translations and the static manifest change
# only with a deploy, which restarts the process. A test that overrides a setting empties them.
_menus: dict[tuple, str] = {}
_static_urls: dict[str, str] = {}
_url_patterns: dict[tuple[str, str], str] = {}


@receiver(setting_changed)
def _forget_drawn_parts(**kwargs):
    _menus.clear()
    _static_urls.clear()
    _url_patterns.clear()


@register.simple_tag(takes_context=True)
def navbar_links(context):
    """The menu's links, drawn once per (language, role, admin link, marked item) rather than
    per page: 15 includes and URL reversals a manager's page no longer pays each time. The key
    holds the role, so a rep is never served a manager's menu; DEBUG draws afresh so an edited
    template shows at once."""
    values = {name: context.get(name) for name in ("is_manager", "can_use_admin", "nav_section", "nav_entry")}
    key = (translation.get_language(), get_script_prefix(), *values.values())
    menu = None if settings.DEBUG else _menus.get(key)
    if menu is None:
        menu = _menus[key] = render_to_string("includes/navbar_links.html", values)
    return menu


@register.simple_tag
def static_url(path):
    """``{% static %}`` remembered per path: the manifest lookup and URL joining run once per file
    (nine files on every page)."""
    url = None if settings.DEBUG else _static_urls.get(path)
    if url is None:
        url = _static_urls[path] = static(path)
    return url


@register.simple_tag
def url_for(name: str, pk: int) -> str:
    """``{% url name pk %}`` for list rows: the URL is resolved once per name, then the pk is filled in
    (a list of fifty rows reversed fifty URLs of the same pattern)."""
    key = (name, get_script_prefix())
    pattern = _url_patterns.get(key)
    if pattern is None:
        pattern = _url_patterns[key] = reverse(name, args=[int(_PK_SENTINEL)])
    return pattern.replace(_PK_SENTINEL, str(pk))


_PK_SENTINEL = "987654321"


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
