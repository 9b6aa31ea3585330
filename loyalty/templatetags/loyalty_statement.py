"""``{% statement_link_of customer as url %}``: the customer's statement link, or "" when they have
no loyalty account yet (nothing to show them). Used by the staff's loyalty panel and the survey's
thank-you page."""

from django import template

from loyalty.models import LoyaltyAccount
from loyalty.statement import link_days, statement_link

register = template.Library()


@register.simple_tag
def statement_link_of(customer) -> str:
    if customer is None or not LoyaltyAccount.objects.filter(customer_id=customer.pk).exists():
        return ""
    return statement_link(customer)


@register.simple_tag
def statement_link_days() -> int:
    return link_days()
