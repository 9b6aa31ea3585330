"""Reads for the loyalty pages: a customer's balances and ledger, each entry's sentence in the
reader's language (written from the entry's facts, never stored as text)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dates import format_date
from core.numbers import format_money, format_number
from core.roles import display_name
from core.text import isolate
from customers.models import Customer
from loyalty import services, tiers
from loyalty.models import LoyaltyAccount, PointsEntry, Tier

Kind, State = PointsEntry.Kind, PointsEntry.State


@dataclass(frozen=True)
class Standing:
    """Where a customer stands in the tiers: their tier, the next one, and their 12-month figure
    (Rial of spend, or points earned: ``by_points``) and how much of it is still to go."""

    tier: Tier | None
    next_tier: Tier | None
    figure_12m: Decimal
    since: datetime.date | None
    by_points: bool = False

    @property
    def to_next(self) -> Decimal:
        return max(self.next_tier.threshold - self.figure_12m, Decimal(0)) if self.next_tier else Decimal(0)

    @property
    def progress_percent(self) -> int:
        if not self.next_tier or not self.next_tier.threshold:
            return 100
        return min(100, int(self.figure_12m * 100 / self.next_tier.threshold))

    def figure_sentence(self) -> str:
        """ "12,000,000 Toman in the last 12 months", or "240 points earned in the last 12 months"."""
        if self.by_points:
            points = int(self.figure_12m)
            return ngettext(
                "%(n)s point earned in the last 12 months", "%(n)s points earned in the last 12 months", points
            ) % {"n": format_number(points)}
        return _("%(spend)s in the last 12 months") % {"spend": format_money(self.figure_12m)}

    def to_next_sentence(self) -> str:
        """What is still to go to the next tier (only when there is one)."""
        words = {"tier": self.next_tier.name() if self.next_tier else ""}
        if self.by_points:
            more = int(self.to_next)
            return ngettext(
                "%(more)s more point in 12 months to %(tier)s", "%(more)s more points in 12 months to %(tier)s", more
            ) % {**words, "more": format_number(more)}
        return _("%(more)s more in 12 months to %(tier)s") % {**words, "more": format_money(self.to_next)}


@dataclass(frozen=True)
class Balance:
    available: int
    pending: int
    expiry: services.Expiry | None = None  # what expires next, and when
    standing: Standing | None = None

    @property
    def value_rial(self) -> int:
        """What the available points are worth (the point value setting)."""
        return self.available * services.point_value_rial()


def balance_of(customer: Customer) -> Balance:
    account = LoyaltyAccount.objects.filter(customer=customer).first()
    if account is None:
        return Balance(0, 0)
    expiry = services.next_expiry(customer) if account.available else None
    return Balance(account.available, account.pending, expiry, _standing(account))


def _standing(account: LoyaltyAccount) -> Standing:
    ladder = tiers.tiers()
    tier = next((each for each in ladder if each.rank == account.tier_rank), None)
    following = next((each for each in ladder if each.rank > account.tier_rank), None)
    by_points = tiers.by_points()
    figure = Decimal(account.points_12m) if by_points else account.spend_12m
    return Standing(tier=tier, next_tier=following, figure_12m=figure, since=account.tier_since, by_points=by_points)


def ledger_of(customer: Customer) -> QuerySet[PointsEntry]:
    """Newest first (by the day each entry counts on); the page pages it."""
    return customer.points_entries.select_related("created_by").order_by("-effective_on", "-id")


def entry_sentences(entries: list[PointsEntry]) -> list[tuple[PointsEntry, str]]:
    """Each entry with what it says, names fetched in one query for the page."""
    referred_ids = {entry.facts.get("referred_id") for entry in entries if entry.kind == Kind.REFERRAL}
    names = dict(Customer.objects.filter(pk__in=referred_ids - {None}).values_list("pk", "name"))
    return [(entry, _sentence(entry, names)) for entry in entries]


def _day(text) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


def _sentence(entry: PointsEntry, names: dict[int, str]) -> str:
    facts = entry.facts or {}
    if entry.kind == Kind.PURCHASE:
        amount, day = facts.get("amount"), _day(facts.get("purchased_on"))
        text = _("a purchase of %(amount)s") % {"amount": format_money(amount)} if amount else _("a purchase")
        if day:
            text += " · " + format_date(day)
    elif entry.kind == Kind.REDEMPTION or (entry.kind == Kind.REVERSAL and "redemption_id" in facts):
        from loyalty.rewards import entry_sentence  # "redeemed: <reward>", "redemption cancelled: <reward>"

        text = entry_sentence(entry)
    elif entry.kind == Kind.REVERSAL:
        text = _("purchase returned") if facts.get("removed") else _("purchase amount lowered")
        if "wanted" in facts:
            text += " · " + _("capped: %(points)s points had been spent") % {
                "points": format_number(-int(facts["wanted"]) + int(entry.points))
            }
    elif entry.kind == Kind.SURVEY:
        text = _("answered a survey")
    elif entry.kind == Kind.BIRTHDAY:
        text = _("happy birthday")
    elif entry.kind == Kind.REFERRAL:
        name = names.get(facts.get("referred_id"))
        text = _("%(name)s, whom they referred, bought") % {"name": isolate(name)} if name else _("a referral bought")
    elif entry.kind == Kind.EXPIRY:
        if facts.get("rule") == "inactivity":
            text = _("expired: no purchase for %(months)s months") % {"months": format_number(services.expiry_months())}
        else:
            text = _("expired: earned more than %(months)s months ago") % {
                "months": format_number(services.expiry_months())
            }
    elif entry.kind == Kind.ADJUSTMENT:
        who = display_name(entry.created_by) if entry.created_by_id else _("a former colleague")
        text = _("adjusted by %(who)s: %(reason)s") % {"who": isolate(who), "reason": isolate(entry.note)}
    else:
        text = entry.get_kind_display()
    if entry.state == State.PENDING and entry.available_on:
        text += " · " + _("available from %(day)s") % {"day": format_date(entry.available_on)}
    return text
