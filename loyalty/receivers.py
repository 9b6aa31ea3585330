"""How loyalty hooks into the rest: purchases earn and settle points, survey answers earn a bonus,
and manual adjustments appear on the customer's timeline."""

import datetime

from django.db.models import F, OuterRef, Subquery
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import format_date
from core.numbers import format_money, format_number
from core.roles import display_name
from core.text import isolate, reads_persian
from customers.models import Customer
from customers.selectors import TimelineEntry
from customers.signals import customers_bought, purchase_removed, purchases_changed
from loyalty import services, tiers
from loyalty.models import PointsEntry, Tier, TierChange
from surveys.signals import survey_answered


@receiver(customers_bought)
def earn_on_new_purchases(sender, purchases, **kwargs):
    services.purchases_earn(customer_ids={customer_id for customer_id, _day in purchases})


@receiver(purchases_changed)
def settle_edited_purchases(sender, purchases, **kwargs):
    services.purchases_points_settle(purchases=purchases)


@receiver(purchase_removed)
def settle_a_removed_purchase(sender, purchase, **kwargs):
    services.purchases_points_settle(purchases=[purchase], removed=True)


@receiver(survey_answered)
def reward_a_survey_answer(sender, response, **kwargs):
    services.survey_answer_reward(customer=response.customer, response_id=response.pk, at=response.answered_at)


def adjustments_timeline(customer: Customer, limit: int) -> list[TimelineEntry]:
    adjustments = customer.points_entries.filter(kind=PointsEntry.Kind.ADJUSTMENT).select_related("created_by")
    return [
        TimelineEntry(
            kind="points",
            kind_label=_("Points adjusted: %(points)s") % {"points": format_number(f"{entry.points:+d}")},
            at=entry.created_at,
            sort_key=entry.created_at,
            summary=entry.note,
            by=display_name(entry.created_by) if entry.created_by_id else "",
        )
        for entry in adjustments[:limit]
    ]


def tier_changes_timeline(customer: Customer, limit: int) -> list[TimelineEntry]:
    """One query: each move with its new tier's names."""
    tier = Tier.objects.filter(rank=OuterRef("to_rank"))
    changes = customer.tier_changes.annotate(
        name_fa=Subquery(tier.values("name_fa")[:1]), name_en=Subquery(tier.values("name_en")[:1])
    )
    persian = reads_persian()
    entries = []
    for change in changes[:limit]:
        sentence = _("Moved up to %(tier)s") if change.to_rank > change.from_rank else _("Moved down to %(tier)s")
        name = (change.name_fa if persian else change.name_en) or _("no tier")
        entries.append(
            TimelineEntry(
                kind="tier",
                kind_label=sentence % {"tier": name},
                at=change.changed_on,
                sort_key=change.created_at,
            )
        )
    return entries


def row_annotations() -> dict:
    """The calls-due row's points and tier, and a recent move between tiers, in the rows' one query:
    the account by a join (one per customer), the tiers' names and the move by subqueries."""
    tier = Tier.objects.filter(rank=OuterRef("loyalty_tier_rank"))
    since = timezone.localdate() - datetime.timedelta(days=tiers.ROW_SHOWS_CHANGE_DAYS)
    moved = TierChange.objects.filter(customer=OuterRef("customer_id"), changed_on__gte=since).order_by("-changed_on")
    moved_from = Tier.objects.filter(rank=OuterRef("loyalty_moved_from"))
    return {
        "loyalty_points": F("customer__loyalty__available"),
        "loyalty_tier_rank": F("customer__loyalty__tier_rank"),
        "loyalty_tier_fa": Subquery(tier.values("name_fa")[:1]),
        "loyalty_tier_en": Subquery(tier.values("name_en")[:1]),
        "loyalty_moved_on": Subquery(moved.values("changed_on")[:1]),
        "loyalty_moved_from": Subquery(moved.values("from_rank")[:1]),
        "loyalty_moved_from_fa": Subquery(moved_from.values("name_fa")[:1]),
        "loyalty_moved_from_en": Subquery(moved_from.values("name_en")[:1]),
    }


def row_sentence(row) -> str:
    points = getattr(row, "loyalty_points", None)
    if points is None:
        return ""
    persian = reads_persian()
    tier = row.loyalty_tier_fa if persian else row.loyalty_tier_en
    words = {"tier": tier, "points": format_number(points), "worth": format_money(points * services.point_value_rial())}
    if tier:
        sentence = _("%(tier)s · %(points)s points (%(worth)s)") % words
    else:
        sentence = _("%(points)s points (%(worth)s)") % words
    moved_on = getattr(row, "loyalty_moved_on", None)
    if moved_on:
        before = (row.loyalty_moved_from_fa if persian else row.loyalty_moved_from_en) or _("no tier")
        move = (
            _("up from %(tier)s on %(day)s")
            if row.loyalty_moved_from < row.loyalty_tier_rank
            else _("down from %(tier)s on %(day)s")
        )
        sentence += " · " + move % {"tier": before, "day": format_date(moved_on)}
    return sentence


def redemptions_timeline(customer: Customer, limit: int) -> list[TimelineEntry]:
    """Rewards taken with points, and by whom; a cancelled one says so."""
    redemptions = customer.redemptions.select_related("reward", "created_by")[:limit]
    entries = []
    for redemption in redemptions:
        words = {"reward": isolate(redemption.reward.name()), "points": format_number(redemption.points)}
        if redemption.status == redemption.Status.CANCELLED:
            label = _("Redeemed %(reward)s for %(points)s points (cancelled)") % words
        else:
            label = _("Redeemed %(reward)s for %(points)s points") % words
        entries.append(
            TimelineEntry(
                kind="redemption",
                kind_label=label,
                at=redemption.created_at,
                sort_key=redemption.created_at,
                summary=redemption.code,
                by=display_name(redemption.created_by) if redemption.created_by_id else "",
            )
        )
    return entries
