from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import translation

from surveys import nps

register = template.Library()


@register.filter
def nps_category(score) -> str:
    """"promoter", "passive" or "detractor" for a 0-10 score ("" for none)."""
    return "" if score is None or score == "" else nps.category_for(int(score))


# The badge for each (language, score): a list shows one per row, and eleven scores
# in two languages are all there are. A test that overrides a setting empties it.
_badges: dict[tuple, str] = {}


@receiver(setting_changed)
def _forget_badges(**kwargs):
    _badges.clear()


@register.simple_tag
def nps_badge(score):
    """``includes/nps_badge.html`` for ``score`` (a dash for none), drawn once per language and score."""
    key = (translation.get_language(), score)
    badge = None if settings.DEBUG else _badges.get(key)
    if badge is None:
        badge = _badges[key] = render_to_string("includes/nps_badge.html", {"score": score})
    return badge
