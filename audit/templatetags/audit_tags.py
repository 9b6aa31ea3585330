from django import template

from audit import selectors
from core.roles import is_manager

register = template.Library()


@register.inclusion_tag("audit/_history.html", takes_context=True)
def audit_history(context, customer):
    """The customer page's "History": managers only, whoever includes it (reps see nothing)."""
    request = context.get("request")
    if request is None or not is_manager(request.user):
        return {"shown": False}
    lines, more = selectors.customer_history(customer_id=customer.pk)
    return {"shown": True, "lines": lines, "more": more, "customer": customer}
