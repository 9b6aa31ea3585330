from django import template

from core.roles import is_manager
from loyalty import selectors
from loyalty.views import adjustment_form

register = template.Library()

PANEL_ENTRIES = 5


@register.inclusion_tag("loyalty/_panel.html", takes_context=True)
def loyalty_panel(context, customer):
    """The customer page's points: balances, the latest entries, and (managers) the adjustment form."""
    request = context.get("request")
    manager = request is not None and is_manager(request.user)
    latest = list(selectors.ledger_of(customer)[: PANEL_ENTRIES + 1])
    return {
        "customer": customer,
        "balance": selectors.balance_of(customer),
        "entries": selectors.entry_sentences(latest[:PANEL_ENTRIES]),
        "more": len(latest) > PANEL_ENTRIES,
        "form": adjustment_form() if manager else None,
        "csrf_token": context.get("csrf_token"),
    }
