"""Why a call is due: each reason's risk (what the ranking weighs) and its sentence (what the row says).

A cause stores plain facts with the call (``FollowUp.facts``, JSON); the sentence is written
from them when the row is shown, in the reader's language, with Jalali dates and Persian
digits in Persian. A new cause adds one entry to ``REASONS``: its risk and its sentence.

The facts each reason's sentence reads (dates as ISO strings):

=================  ============================================================
periodic           none: the plan's cadence and the customer's last contact
one_off            none: the call's purpose
detractor          ``score``, ``comment``
referral           ``referrer_name``
win_back           ``typical_gap_days``, ``basis`` (own, first_return), ``last_purchase_on``
points_expiring    ``points``, ``expires_on``, ``value_rial`` (newer calls)
renewal            ``ends_on``
onboarding         ``since``, ``step`` (welcome, check_in), ``skipped_reached_on``
no_contact         ``last_contact_on`` (none: never)
=================  ============================================================
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dates import format_date
from core.numbers import format_money, format_number
from core.text import isolate
from customers.rhythm import silence_sentence
from followups.models import FollowUp

Reason = FollowUp.Reason


@dataclass(frozen=True)
class ReasonRule:
    """``risk``: the share of the customer's expected yearly value this reason puts at stake."""

    risk: float
    explain: Callable[[FollowUp, datetime.date], str]


def _day(text: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if text else None
    except (TypeError, ValueError):
        return None


def _days_from(day: datetime.date, to: datetime.date) -> str:
    """"in 14 days", "today", "3 days ago"."""
    days = (to - day).days
    if days == 0:
        return _("today")
    if days > 0:
        return ngettext("in %(n)s day", "in %(n)s days", days) % {"n": format_number(days)}
    return ngettext("%(n)s day ago", "%(n)s days ago", -days) % {"n": format_number(-days)}


def _periodic(followup: FollowUp, day: datetime.date) -> str:
    cadence = followup.plan.cadence_label if followup.plan_id and followup.plan else _("a recurring call")
    last = followup.customer.last_contact_on
    if last is None:
        return _("%(cadence)s; no contact yet") % {"cadence": cadence}
    return _("%(cadence)s; last contact %(day)s") % {"cadence": cadence, "day": format_date(last)}


def _one_off(followup: FollowUp, day: datetime.date) -> str:
    return followup.purpose or _("a one-off call")


def _detractor(followup: FollowUp, day: datetime.date) -> str:
    score, comment = followup.facts.get("score"), (followup.facts.get("comment") or "").strip()
    scored = _("scored %(score)s") % {"score": format_number(score)}
    return _("%(scored)s: “%(comment)s”") % {"scored": scored, "comment": isolate(comment)} if comment else scored


def _referral(followup: FollowUp, day: datetime.date) -> str:
    return _("referred by %(name)s") % {"name": isolate(followup.facts.get("referrer_name")) or _("a customer")}


def _win_back(followup: FollowUp, day: datetime.date) -> str:
    last = _day(followup.facts.get("last_purchase_on"))
    if last is None:
        return _("silent past their usual rhythm")
    return silence_sentence(
        gap=followup.facts.get("typical_gap_days"),
        basis=followup.facts.get("basis") or "own",
        last_purchase_on=last,
        day=day,
    )


def _points_expiring(followup: FollowUp, day: datetime.date) -> str:
    points, expires = followup.facts.get("points") or 0, _day(followup.facts.get("expires_on"))
    if expires is None:
        return ngettext("%(points)s point expiring", "%(points)s points expiring", points) % {
            "points": format_number(points)
        }
    when = {"points": format_number(points), "day": format_date(expires), "when": _days_from(day, expires)}
    value = followup.facts.get("value_rial")
    if value is not None:  # calls raised since the warnings say what the points are worth
        sentence = ngettext(
            "%(points)s point worth %(value)s expires on %(day)s (%(when)s)",
            "%(points)s points worth %(value)s expire on %(day)s (%(when)s)",
            points,
        )
        return sentence % {**when, "value": format_money(value)}
    sentence = ngettext(
        "%(points)s point expires on %(day)s (%(when)s)", "%(points)s points expire on %(day)s (%(when)s)", points
    )
    return sentence % when


def _renewal(followup: FollowUp, day: datetime.date) -> str:
    ends = _day(followup.facts.get("ends_on"))
    if ends is None:
        return _("contract ending")
    if ends < day:
        return _("contract ended %(day)s (%(when)s)") % {"day": format_date(ends), "when": _days_from(day, ends)}
    return _("contract ends %(day)s (%(when)s)") % {"day": format_date(ends), "when": _days_from(day, ends)}


def _onboarding(followup: FollowUp, day: datetime.date) -> str:
    since, step = _day(followup.facts.get("since")), followup.facts.get("step")
    call = _("check-in call") if step == "check_in" else _("welcome call")
    sentence = (
        _("new customer since %(day)s: %(call)s") % {"day": format_date(since), "call": call}
        if since
        else _("new customer: %(call)s") % {"call": call}
    )
    reached = _day(followup.facts.get("skipped_reached_on"))
    if reached:
        sentence = _("%(sentence)s; not needed: already reached on %(day)s") % {
            "sentence": sentence,
            "day": format_date(reached),
        }
    return sentence


def _no_contact(followup: FollowUp, day: datetime.date) -> str:
    last = _day(followup.facts.get("last_contact_on"))
    if last is None:
        return _("never contacted")
    days = (day - last).days
    sentence = ngettext(
        "no contact for %(days)s day, since %(day)s", "no contact for %(days)s days, since %(day)s", days
    )
    return sentence % {"days": format_number(days), "day": format_date(last)}


# The risks are the product's judgement of how much of a customer's yearly value each reason
# puts at stake if the call is not made; the ranking multiplies them (followups.ranking).
REASONS: dict[str, ReasonRule] = {
    Reason.DETRACTOR: ReasonRule(risk=0.5, explain=_detractor),
    Reason.WIN_BACK: ReasonRule(risk=0.4, explain=_win_back),
    Reason.RENEWAL: ReasonRule(risk=0.35, explain=_renewal),
    Reason.REFERRAL: ReasonRule(risk=0.2, explain=_referral),
    Reason.ONBOARDING: ReasonRule(risk=0.2, explain=_onboarding),
    Reason.NO_CONTACT: ReasonRule(risk=0.15, explain=_no_contact),
    Reason.POINTS_EXPIRING: ReasonRule(risk=0.15, explain=_points_expiring),
    Reason.ONE_OFF: ReasonRule(risk=0.15, explain=_one_off),
    Reason.PERIODIC: ReasonRule(risk=0.1, explain=_periodic),
}


def explain(followup: FollowUp, *, day: datetime.date) -> str:
    """The row's "why", as of ``day`` (the day the page shows)."""
    return REASONS[followup.reason].explain(followup, day)


def risk_of(reason: str) -> float:
    return REASONS[reason].risk
