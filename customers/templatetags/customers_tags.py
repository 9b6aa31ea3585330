from django import template
from django.utils import timezone

from customers import rhythm

register = template.Library()


@register.simple_tag
def silence(customer) -> str:
    """Why a silent customer counts as silent, as of today."""
    return rhythm.customer_silence_sentence(customer, day=timezone.localdate())


@register.simple_tag
def purchase_rhythm(customer) -> str:
    """"usually every 42 days; next expected 1405/10/12; silent 2.3×" (empty without purchases)."""
    return rhythm.rhythm_sentence(customer, day=timezone.localdate())


@register.filter
def rule_label(rule) -> str:
    return rhythm.rule_label(rule)
