from urllib.parse import urlencode

from django import template
from django.urls import reverse

from core.numbers import format_percent
from core.text import isolate_ltr

register = template.Library()


@register.filter
def share(value) -> str:
    """A rate (0.25) as the reader reads it ("۲۵٪"), or a dash when there is nothing to divide; a
    negative one (a difference) kept left to right, so its minus stays in front in Persian."""
    if value is None:
        return "—"
    text = format_percent(value * 100)
    return isolate_ltr(text) if value < 0 else text


@register.filter
def period_label(period) -> str:
    return period.label()


@register.filter
def heat(value) -> str:
    """A heat-map cell's shade for a rate: ten steps of the primary colour."""
    if value is None:
        return ""
    return f"heat-{min(9, max(0, int(value * 10)))}"


@register.simple_tag(takes_context=True)
def scoped_url(context, name: str, **extra) -> str:
    """A dashboard address carrying the page's pickers (calendar, periods, N, segment, rep), plus ``extra``."""
    query = {**context.get("query", {}), **{key: value for key, value in extra.items() if value is not None}}
    return f"{reverse(name)}?{urlencode(query)}"
