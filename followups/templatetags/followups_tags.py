import functools

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from core import dates, numbers
from core.phones import display_phone
from core.roles import display_name
from core.templatetags.peygir import escaped, url_for
from followups import cadence, reasons, selectors, services
from followups.forms import PlanForm
from followups.models import FollowUp

register = template.Library()


@register.filter
def days_before(earlier, later) -> int:
    """Whole days from ``earlier`` to ``later`` (how overdue a due date is)."""
    return (later - earlier).days


@register.simple_tag
def why(followup, day) -> str:
    """The row's reason, in the reader's language, from the facts stored with the call."""
    return reasons.explain(followup, day=day)


@register.simple_tag
def row_action_templates() -> list[str]:
    """The parts other apps add to a row's "more actions" (``selectors.register_row_action``)."""
    return selectors.row_actions()


@register.filter
def row_facts(followup) -> list[str]:
    """What other apps tell a rep about the row's customer (loyalty: tier and points)."""
    return selectors.row_facts(followup)


@register.filter
def outcome_label(value: str) -> str:
    return FollowUp.Outcome(value).label if value in FollowUp.Outcome.values else value


@register.inclusion_tag("followups/_customer_plans.html", takes_context=True)
def customer_followups(context, customer):
    """The follow-up block of the customer page: plans, what is due, and how to add a plan."""
    request = context["request"]
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "customer": customer,
        "plans": selectors.plans_for_customer(customer=customer),
        "pending": selectors.pending_followups_for_customer(customer=customer),
        "raised": selectors.raised_calls_for_customer(customer=customer),
        "plan_form": PlanForm(user=request.user, customer=customer),
        "presets": cadence.PRESET_MONTHS,
        "default_months": services.default_cadence_months(),
        "today": timezone.localdate(),
    }


@register.simple_tag(takes_context=True)
def call_row(context, followup) -> dict:
    """What a calls-due row says, worked out in one pass; ``_row.html`` only places it, and the part
    that only shows comes drawn (``head`` and ``body``), so the template keeps the row's states and forms.

    A screen renders up to 60 rows, and each filter, ``{% blocktranslate %}`` and include the row
    template ran per row cost more than the row's share of the SQL; plain lookups are cheap.
    """
    calls, f = context["calls"], followup
    customer, day, pending, labels = f.customer, calls.day, f.is_pending, _choice_labels(get_language())
    overdue = (day - f.due_on).days if pending and f.due_on < day else 0
    row = {
        "f": f,
        "pk": str(f.pk),  # a str: the template would send an int through number formatting, six times a row
        "customer": customer,
        "state": (" border-danger escalated" if pending and f.due_on < calls.escalate_before else "")
        if pending
        else " is-closed",
        "customer_url": url_for("customers:detail", customer.pk),
        "tel": numbers.format_number(display_phone(customer.mobile)) if customer.mobile else "",
        "reason": labels["reason"].get(f.reason, f.reason) if f.reason != FollowUp.Reason.PERIODIC else "",
        "overdue": ngettext("%(n)s day overdue", "%(n)s days overdue", overdue) % {"n": numbers.format_number(overdue)}
        if overdue
        else "",
        "escalated": _("Escalated") if overdue and f.due_on < calls.escalate_before else "",
        "snoozed": ngettext("snoozed %(n)s time", "snoozed %(n)s times", f.snooze_count)
        % {"n": numbers.format_number(f.snooze_count)}
        if f.snooze_count
        else "",
        "channel": labels["channel"].get(f.channel, f.channel) if f.channel != "call" else "",
        "due": dates.format_date(f.due_on),
        "assignee": display_name(f.assignee) if context.get("show_assignee") else "",
        "why": reasons.explain(f, day=day),
        "purpose": f.purpose if f.purpose and f.reason != FollowUp.Reason.ONE_OFF else "",
        "last_contact": _last_contact(f, customer, context["labels"]["never"], labels["outcome"]),
        "summary": _truncated(f.last_contact_summary, 90) if customer.last_contact_on else "",
        "last_purchase": dates.format_date(customer.last_purchase_on) or "—",
        "purchase_count": numbers.format_number(customer.purchase_count),
        "spent": numbers.format_money(customer.total_spent),
        "facts": selectors.row_facts(f),
    }
    row["head"], row["body"] = _what_the_row_says(row, f, customer, context["labels"])
    if pending:
        row["complete_url"] = url_for("followups:complete", f.pk)
        row["actions_url"] = url_for("followups:actions", f.pk)
        row["rank_url"] = url_for("followups:rank", f.pk)
    else:
        row["status"] = labels["status"].get(f.status, f.status)
        row["outcome"] = labels["outcome"].get(f.outcome, f.outcome)
        row["note"] = _truncated(f.note, 120)
        row["completed"] = dates.format_datetime(f.completed_at) if f.completed_at else ""
        row["next_call"] = dates.format_date(f.next_call_on) if f.next_call_on else ""
        if f.status == FollowUp.Status.DONE and f.outcome == FollowUp.Outcome.REACHED:
            row["survey_url"] = (
                url_for("surveys:send_to_customer", customer.pk)
                if customer.email and not customer.email_opt_out
                else ""
            )
    return row


def _what_the_row_says(r: dict, f, customer, labels: dict) -> tuple[SafeString, SafeString]:
    """The part of ``_row.html`` that only shows (who, badges, due, why, purpose, facts), drawn here:
    as template nodes its forty values and conditions cost a screen of rows more than its SQL.
    In two pieces, before and after the NPS badge, which the template draws (``surveys_tags``)."""
    e = escaped
    head = [f'<div class="call-head"><div class="call-who"><a href="{e(r["customer_url"])}">{e(customer.name)}</a>']
    if r["tel"]:
        head.append(f' <a class="ltr" href="tel:{e(customer.mobile)}" data-testid="tel">☎ {e(r["tel"])}</a>')
    if customer.company:
        head.append(f" <small>· {e(customer.company)}</small>")
    head.append('\n<div class="call-badges">')
    for key, style in (("reason", "info"), ("overdue", "warning"), ("escalated", "danger")):
        if r[key]:
            head.append(f'<span class="badge text-bg-{style}" data-testid="{key}">{e(r[key])}</span>')
    body = []
    if r["snoozed"]:
        body.append(
            f'<span class="badge text-bg-secondary" data-testid="snoozed" title="{e(f.snooze_reason)}">'
            f"{e(r['snoozed'])}</span>"
        )
    if r["channel"]:
        body.append(f'<span class="badge text-bg-light border">{e(r["channel"])}</span>')
    body.append(f'</div></div>\n<div class="call-due"><div>{e(labels["due"])} {e(r["due"])}</div>')
    if r["assignee"]:
        body.append(f'<div data-testid="assignee">{e(r["assignee"])}</div>')
    body.append(f'</div></div>\n<div data-testid="why"><small>{e(labels["why"])}:</small> {e(r["why"])}</div>')
    if r["purpose"]:
        body.append(f'\n<div><small>{e(labels["purpose"])}:</small> <bdi dir="auto">{e(r["purpose"])}</bdi></div>')
    body.append(
        f'\n<div class="call-facts"><div data-testid="last-contact">{e(labels["last_contact"])}: {e(r["last_contact"])}'
    )
    if r["summary"]:
        body.append(f' · <bdi dir="auto">{e(r["summary"])}</bdi>')
    body.append(
        f'</div>\n<div data-testid="purchases">{e(labels["last_purchase"])}: {e(r["last_purchase"])} · '
        f"{e(labels['purchases'])}: {e(r['purchase_count'])} · {e(r['spent'])}</div>\n"
        f'<div id="row-facts-{r["pk"]}" data-testid="row-facts">'
    )
    body.extend(f'<div data-testid="row-fact">{e(fact)}</div>' for fact in r["facts"])
    body.append("</div></div>")
    return SafeString("".join(head)), SafeString("".join(body))


def _last_contact(f, customer, never: str, outcomes: dict) -> str:
    """The last contact's day and outcome ("1 Azar 1405 · reached"; the summary follows apart), or "never"."""
    if not customer.last_contact_on:
        return never
    text = dates.format_date(customer.last_contact_on)
    outcome = f.last_contact_outcome
    return f"{text} · {outcomes.get(outcome, outcome)}" if outcome else text


@functools.lru_cache(maxsize=8)
def _choice_labels(language: str | None) -> dict[str, dict[str, str]]:
    """The row's choice labels in ``language``, translated once (``get_FOO_display`` per row was slow)."""
    return {
        field: {value: str(label) for value, label in FollowUp._meta.get_field(field).flatchoices}
        for field in ("reason", "channel", "status", "outcome")
    }


def _truncated(text: str, length: int) -> str:
    """``truncatechars``, without its work for the many texts already short enough."""
    if not text or len(text) <= length:
        return text or ""
    return Truncator(text).chars(length)
