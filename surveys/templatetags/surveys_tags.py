from django import template

from surveys import nps

register = template.Library()


@register.filter
def nps_category(score) -> str:
    """"promoter", "passive" or "detractor" for a 0-10 score ("" for none)."""
    return "" if score is None or score == "" else nps.category_for(int(score))
