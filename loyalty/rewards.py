"""Rewards: what points buy, redeemed during a call, and a redemption's cancellation.

A redemption is a debit in the ledger (``redemption:<uuid>``) taken while the customer's account
is locked, so two redemptions against one balance take turns and the second sees what the first
left; a limited stock goes down by one in the same transaction with ``stock = stock - 1 WHERE
stock > 0``, so the last one is given once. Cancelling writes the entry that gives the points
back (``redemption:<pk>:cancelled``: once, whatever happens twice) and the stock.

The points given back carry the expiry of the oldest lot the redemption used (as the nightly
expiry's first-in first-out would have expired them had they never been spent).
"""

import datetime
import logging
import secrets
import uuid

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.services import change_recorded, creation_recorded
from core.numbers import format_number
from core.text import isolate, reads_persian
from customers.models import Customer
from loyalty import services
from loyalty.models import LoyaltyAccount, LoyaltyEmail, PointsEntry, Redemption, Reward
from loyalty.statement import email_links
from outbox.services import email_queue

log = logging.getLogger(__name__)

Kind, State = PointsEntry.Kind, PointsEntry.State

# A discount code read out on the phone: no 0/O, 1/I/L; 10 characters of 32 is 50 bits.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def code_new() -> str:
    """An unguessable discount code, in two groups of five (``K7QX2-MP4RT``)."""
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{chars[:5]}-{chars[5:]}"


# --- reads --------------------------------------------------------------------------------------


def rewards_offered() -> QuerySet[Reward]:
    """The rewards a rep may give now: offered and in stock (``None``: no limit), cheapest first."""
    return Reward.objects.filter(active=True).exclude(stock=0).order_by("cost", "id")


def redemptions_of(customer: Customer, *, limit: int = 5) -> list[Redemption]:
    return list(
        customer.redemptions.select_related("reward", "created_by", "cancelled_by").order_by("-created_at", "-id")[
            :limit
        ]
    )


def _name(facts: dict, language: str | None = None) -> str:
    return facts.get("name_fa" if reads_persian(language) else "name_en") or facts.get("name_fa") or ""


def entry_sentence(entry: PointsEntry) -> str:
    """What a redemption's debit, or the entry that gave its points back, says on the ledger."""
    facts = entry.facts or {}
    name = _name(facts)
    if entry.kind == Kind.REDEMPTION:
        return _("redeemed: %(reward)s") % {"reward": isolate(name)} if name else _("redeemed a reward")
    return _("redemption cancelled: %(reward)s") % {"reward": isolate(name)} if name else _("redemption cancelled")


# --- redeeming ----------------------------------------------------------------------------------


def _refused(message: str) -> ValidationError:
    return ValidationError({"reward": message})


@transaction.atomic
def redeem(*, customer: Customer, reward: Reward, by: AbstractBaseUser | None) -> Redemption:
    """Spend ``reward.cost`` of the customer's available points on ``reward``. Refused (a
    ValidationError on ``reward``) when it is no longer offered, out of stock, or the points do not
    cover it; otherwise the debit, the redemption, one fewer in stock, the balance, and the
    confirmation email (in the customer's language) all happen together."""
    account = services._locked_account(customer.pk)
    reward = Reward.objects.get(pk=reward.pk)  # as it is now, not as the page showed it
    if not reward.active:
        raise _refused(_("%(reward)s is no longer offered.") % {"reward": isolate(reward.name())})
    if reward.stock is not None and reward.stock <= 0:
        raise _refused(_("%(reward)s is out of stock.") % {"reward": isolate(reward.name())})
    if account.available < reward.cost:
        raise _refused(
            _("%(reward)s costs %(cost)s points; %(name)s has %(available)s to spend.")
            % {
                "reward": isolate(reward.name()),
                "cost": format_number(reward.cost),
                "name": isolate(customer.name),
                "available": format_number(account.available),
            }
        )
    if reward.stock is not None:
        # The database decides who gets the last one: a second worker waits here and then
        # finds nothing left to take.
        taken = Reward.objects.filter(pk=reward.pk, stock__gt=0).update(stock=F("stock") - 1)
        if not taken:
            raise _refused(_("%(reward)s is out of stock.") % {"reward": isolate(reward.name())})
    today = timezone.localdate()
    oldest_lot = services.next_expiry(customer, today=today)
    entry = PointsEntry.objects.create(
        customer=customer,
        points=-reward.cost,
        kind=Kind.REDEMPTION,
        source_key=f"redemption:{uuid.uuid4().hex}",
        state=State.AVAILABLE,
        expires_on=None,
        facts={
            "reward_id": reward.pk,
            "name_fa": reward.name_fa,
            "name_en": reward.name_en,
            "lot_expires_on": oldest_lot.on.isoformat() if oldest_lot else None,
        },
        created_by=by,
    )
    redemption = Redemption.objects.create(
        customer=customer,
        reward=reward,
        points=reward.cost,
        code=code_new() if reward.kind == Reward.Kind.DISCOUNT_CODE else "",
        entry=entry,
        created_by=by,
    )
    entry.facts["redemption_id"] = redemption.pk
    entry.save(update_fields=["facts"])
    services.accounts_refresh(customer_ids=[customer.pk])
    creation_recorded(
        instance=redemption, fields={"points": reward.cost, "reward": reward.pk}, customer_id=customer.pk, by=by
    )
    _confirmation_queue(redemption, today=today)
    return redemption


def _confirmation_queue(redemption: Redemption, *, today: datetime.date) -> LoyaltyEmail | None:
    """The customer's confirmation, in their language; none without an address or after an opt-out."""
    customer = redemption.customer
    if not customer.email or customer.email_opt_out:
        return None
    from surveys.selectors import shop_branding  # the shop's name and logo, as the survey emails show them

    language = customer.preferred_language or "fa"
    key = f"loyalty-redemption-{redemption.pk}"
    links = email_links(customer)
    with translation.override(language):
        available = LoyaltyAccount.objects.get(customer_id=customer.pk).available
        context = {
            "customer": customer,
            "redemption": redemption,
            "reward_name": redemption.reward.name(language),
            "available": available,
            **links,
            **shop_branding(language=language, absolute=True),
        }
        subject = _("Your reward: %(reward)s") % {"reward": redemption.reward.name(language)}
        text = render_to_string("loyalty/email/redemption.txt", context)
        html = render_to_string("loyalty/email/redemption.html", context)
    email = email_queue(key=key, to=customer.email, subject=subject, text=text, html=html, headers=links["headers"])
    record, _created = LoyaltyEmail.objects.get_or_create(
        key=key, defaults={"customer": customer, "kind": LoyaltyEmail.Kind.REDEMPTION, "email": email, "sent_on": today}
    )
    return record


# --- cancelling ---------------------------------------------------------------------------------


@transaction.atomic
def redemption_cancel(*, redemption: Redemption, by: AbstractBaseUser | None) -> Redemption:
    """Give the points back, once: the account and then the redemption are locked (the order a
    redemption takes too), so a second cancel, at once or later, finds it cancelled and is refused."""
    services._locked_account(redemption.customer_id)
    redemption = Redemption.objects.select_for_update().select_related("reward", "entry").get(pk=redemption.pk)
    if redemption.status == Redemption.Status.CANCELLED:
        raise _refused(_("This redemption was cancelled already."))
    debit = redemption.entry
    lot = (debit.facts or {}).get("lot_expires_on")
    refund = PointsEntry.objects.create(
        customer_id=redemption.customer_id,
        points=redemption.points,
        kind=Kind.REVERSAL,
        source_key=f"redemption:{redemption.pk}:cancelled",
        state=State.AVAILABLE,
        expires_on=datetime.date.fromisoformat(lot) if lot else services._expires_on(timezone.localdate()),
        facts={
            "redemption_id": redemption.pk,
            "reward_id": redemption.reward_id,
            "name_fa": (debit.facts or {}).get("name_fa", redemption.reward.name_fa),
            "name_en": (debit.facts or {}).get("name_en", redemption.reward.name_en),
        },
        created_by=by,
    )
    redemption.refund_entry = refund
    redemption.status = Redemption.Status.CANCELLED
    redemption.cancelled_at = timezone.now()
    redemption.cancelled_by = by
    redemption.save(update_fields=["refund_entry", "status", "cancelled_at", "cancelled_by"])
    Reward.objects.filter(pk=redemption.reward_id, stock__isnull=False).update(stock=F("stock") + 1)
    services.accounts_refresh(customer_ids=[redemption.customer_id])
    change_recorded(
        instance=redemption,
        field="status",
        before=Redemption.Status.ACTIVE,
        after=Redemption.Status.CANCELLED,
        customer_id=redemption.customer_id,
    )
    return redemption
