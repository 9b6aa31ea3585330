from django import template

from loyalty import rewards
from loyalty.models import LoyaltyAccount

register = template.Library()


@register.inclusion_tag("loyalty/_redeem.html", takes_context=True)
def redeem_section(context, customer, row=None):
    """Inside the loyalty panel: the rewards the customer can afford, each with its button, the
    result of what was just done (htmx answers set it on the request), and the latest redemptions."""
    request = getattr(context, "request", None)
    available = LoyaltyAccount.objects.filter(customer=customer).values_list("available", flat=True).first() or 0
    offered = list(rewards.rewards_offered())
    return {
        "customer": customer,
        "affordable": [reward for reward in offered if reward.cost <= available],
        "out_of_reach": sum(1 for reward in offered if reward.cost > available),
        "redemptions": rewards.redemptions_of(customer),
        "redeemed": getattr(request, "loyalty_redeemed", None),
        "cancelled": getattr(request, "loyalty_cancelled", None),
        "error": getattr(request, "loyalty_redeem_error", ""),
        # On a calls-due row (its pk): the answers swap this section in the row, not the panel.
        "row": row,
        "target": f"row-redeem-{row}" if row else "loyalty",
    }
