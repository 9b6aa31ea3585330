from django import template
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core import dates, numbers
from core.phones import display_phone
from core.roles import display_name
from core.templatetags.peygir import escaped, url_for
from customers import rhythm

register = template.Library()


@register.simple_tag
def silence(customer) -> str:
    """Why a silent customer counts as silent, as of today."""
    return rhythm.customer_silence_sentence(customer, day=timezone.localdate())


@register.simple_tag
def purchase_rhythm(customer) -> str:
    """ "usually every 42 days; next expected 1405/10/12; silent 2.3×" (empty without purchases)."""
    return rhythm.rhythm_sentence(customer, day=timezone.localdate())


@register.filter
def rule_label(rule) -> str:
    return rhythm.rule_label(rule)


@register.simple_tag(takes_context=True)
def customer_cells(context, customer) -> SafeString:
    """A customer-list row's cells up to the NPS badge (which ``surveys_tags`` draws), in one pass:
    as template nodes and filters, fifty rows cost the list more than its SQL."""
    e = escaped
    city = f'\n            <div class="small text-body-secondary">{e(customer.city)}</div>' if customer.city else ""
    mobile = (
        f'<a class="ltr text-decoration-none" href="tel:{e(customer.mobile)}">'
        f"{e(numbers.format_number(display_phone(customer.mobile)))}</a>"
        if customer.mobile
        else ""
    )
    owner = ""
    if context["is_manager"]:
        owner = f'<td class="d-none d-lg-table-cell">{e(display_name(customer.owner))}</td>'
    if customer.next_call_on:
        overdue = customer.next_call_on < context["today"]
        next_call = e(dates.format_date(customer.next_call_on)) + (
            f' <span class="badge text-bg-danger">{e(_("overdue"))}</span>' if overdue else ""
        )
    else:
        next_call = f'<span class="text-body-secondary">{e(_("none planned"))}</span>'
    cells = (
        f'<td><a href="{e(url_for("customers:detail", customer.pk))}" class="fw-semibold text-decoration-none">'
        f"{e(customer.name)}</a>{city}</td>",
        f"<td>{mobile}</td>",
        f'<td class="d-none d-md-table-cell">{e(customer.company)}</td>',
        f'<td class="d-none d-lg-table-cell">{e(customer.segment or "")}</td>',
        owner,
        f'<td class="d-none d-md-table-cell">{e(dates.format_date(customer.last_purchase_on) or "—")}</td>',
        '<td class="d-none d-md-table-cell" data-testid="last-contact">'
        f"{e(dates.format_date(customer.last_contact_on) or _('never'))}</td>",
        f'<td class="d-none d-md-table-cell text-nowrap" data-testid="next-call">{next_call}</td>',
        f'<td class="text-end text-nowrap">{e(numbers.format_money(customer.total_spent))}</td>',
        '<td class="text-end text-nowrap d-none d-xl-table-cell" data-testid="yearly-value">'
        f"{e(numbers.format_money(customer.yearly_value))}</td>",
    )
    return SafeString("\n          ".join(cell for cell in cells if cell))
