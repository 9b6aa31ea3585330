from django import template
from django.template.loader import render_to_string
from django.utils import translation

from core.drawn import DrawnOnce
from surveys import nps

register = template.Library()


@register.filter
def nps_category(score) -> str:
    """ "promoter", "passive" or "detractor" for a 0-10 score ("" for none)."""
    return "" if score is None or score == "" else nps.category_for(int(score))


_badges = DrawnOnce()  # eleven scores and none, in two languages: all there are


@register.simple_tag
def nps_badge(score):
    """``includes/nps_badge.html`` for ``score`` (a dash for none), drawn once per language and score:
    a list shows one per row."""
    key = (translation.get_language(), score)
    return _badges.get(key, lambda: render_to_string("includes/nps_badge.html", {"score": score}))
