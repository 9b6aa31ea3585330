"""A shop's order as a purchase: one transaction per post, idempotent on the order ID.

The order's row (``ShopOrder``) is inserted if new and locked before anything else is read, so
two posts of one order take turns (on PostgreSQL the second waits for the first to commit and
then finds the order recorded). The purchase is written through customers.services only, so the
figures, the audit trail and loyalty's points follow as they do for a purchase typed in a page.
"""

import datetime
import enum
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.dates import format_datetime
from core.numbers import quote_typed
from customers.matching import AMBIGUOUS, customer_matching
from customers.models import Customer, Purchase
from customers.services import customer_save, purchase_add, purchase_delete, purchase_update
from webhooks.models import ShopOrder
from webhooks.payload import NON_FIELD, OrderPost, PayloadInvalid

log = logging.getLogger(__name__)


class Result(enum.StrEnum):
    CREATED = "created"  # a purchase was recorded
    UPDATED = "updated"  # its purchase was edited (amount, date or note)
    REFUNDED = "refunded"  # refunded in part (the purchase lowered) or in full (removed)
    CANCELLED = "cancelled"  # cancelled: its purchase removed
    UNCHANGED = "unchanged"  # posted before as it is: nothing written
    IGNORED_OLDER = "ignored_older"  # a newer state of the order is recorded: nothing written
    SKIPPED = "skipped"  # (WooCommerce) an order not paid yet, or a topic Peygir does not read: nothing written


@dataclass(frozen=True)
class Outcome:
    order_id: str
    result: Result
    customer_id: int | None
    purchase_id: int | None
    detail: str = ""

    def as_json(self) -> dict:
        answer = {
            "order_id": self.order_id,
            "result": str(self.result),
            "customer_id": self.customer_id,
            "purchase_id": self.purchase_id,
        }
        return answer | ({"detail": self.detail} if self.detail else {})


# Where a customer's or a purchase's field is in the payload, to name it in an error.
_CUSTOMER_FIELDS = {"reference": "customer.reference", "mobile": "customer.phone", "email": "customer.email"}
_PURCHASE_FIELDS = {"purchased_on": "date", "amount": "amount", "note": "note", "reference": "order_id"}


@transaction.atomic
def order_posted(*, order: OrderPost, posted_at: datetime.datetime) -> Outcome:
    """Record what a post says of an order, once; raises ``PayloadInvalid`` (nothing written) when the
    customer cannot be told or made, or the purchase is refused."""
    shop_order = _locked(order.order_id)
    applied = bool(shop_order.status)
    if applied and shop_order.changed_at and order.changed_at < shop_order.changed_at:
        detail = _("A newer state of this order (changed %(when)s) is recorded: this post was ignored.") % {
            "when": format_datetime(shop_order.changed_at)
        }
        return _outcome(shop_order, Result.IGNORED_OLDER, detail)
    if applied and _state(shop_order) == _state_of(order):
        return _outcome(shop_order, Result.UNCHANGED)
    result = _apply(shop_order, order)
    shop_order.status = order.status
    shop_order.amount_rial = order.amount_rial
    shop_order.refunded_rial = order.refunded_rial
    shop_order.ordered_on = order.ordered_on
    shop_order.note = order.note
    shop_order.changed_at = order.changed_at
    shop_order.last_posted_at = posted_at
    if not applied:
        shop_order.first_posted_at = posted_at
    shop_order.save()
    log.info("webhook: order %s %s (purchase %s)", order.order_id, result, shop_order.purchase_id)
    return _outcome(shop_order, result)


def _locked(order_id: str) -> ShopOrder:
    """The order's row, inserted if new (``ON CONFLICT DO NOTHING``: never check then insert) and locked."""
    ShopOrder.objects.bulk_create([ShopOrder(order_id=order_id)], ignore_conflicts=True)
    return ShopOrder.objects.select_for_update().get(order_id=order_id)


def _state(shop_order: ShopOrder) -> tuple:
    return (
        shop_order.status,
        shop_order.amount_rial,
        shop_order.refunded_rial,
        shop_order.ordered_on,
        shop_order.note,
    )


def _state_of(order: OrderPost) -> tuple:
    return order.status, order.amount_rial, order.refunded_rial, order.ordered_on, order.note


def _outcome(shop_order: ShopOrder, result: Result, detail: str = "") -> Outcome:
    return Outcome(shop_order.order_id, result, shop_order.customer_id, shop_order.purchase_id, detail)


def _apply(shop_order: ShopOrder, order: OrderPost) -> Result:
    """Bring the order's purchase to what the post says; sets ``shop_order.customer`` and ``.purchase``."""
    purchase = shop_order.purchase
    if purchase is not None:
        _lock_customer(purchase.customer_id)
    if not order.is_purchase:
        if purchase is not None:
            purchase_delete(purchase=purchase)  # loyalty reverses its points
            shop_order.purchase = None
        return Result.CANCELLED if order.status == ShopOrder.Status.CANCELLED else Result.REFUNDED
    if purchase is None:
        customer = _lock_customer(shop_order.customer_id) if shop_order.customer_id else _customer_for(order)
        shop_order.customer = customer
        shop_order.purchase = _purchase_recorded(customer, order)
        return Result.CREATED
    _purchase_edited(purchase, order)
    return Result.REFUNDED if order.refunded_rial > shop_order.refunded_rial else Result.UPDATED


def _purchase_recorded(customer: Customer, order: OrderPost) -> Purchase:
    """A new purchase with the order ID as its invoice number; one the customer already has under
    that number (brought in by an import before the shop posted) becomes the order's purchase."""
    existing = Purchase.objects.filter(customer=customer, reference=order.order_id, shop_order__isnull=True).first()
    if existing is not None:
        _purchase_edited(existing, order)
        return existing
    try:
        return purchase_add(
            customer=customer,
            purchased_on=order.ordered_on,
            amount=order.net_rial,
            reference=order.order_id,
            note=order.note,
        )
    except ValidationError as error:
        raise PayloadInvalid(_named(error, _PURCHASE_FIELDS)) from None


def _purchase_edited(purchase: Purchase, order: OrderPost) -> None:
    """``purchase_update`` when the amount, date or note differ (figures and points are settled there)."""
    wanted = (order.net_rial, order.ordered_on, order.note)
    if (purchase.amount, purchase.purchased_on, purchase.note) == wanted:
        return
    purchase.amount, purchase.purchased_on, purchase.note = wanted
    try:
        purchase_update(purchase=purchase)
    except ValidationError as error:
        raise PayloadInvalid(_named(error, _PURCHASE_FIELDS)) from None


def _customer_for(order: OrderPost) -> Customer:
    """The order's customer (by the shop's customer ID, then the phone, then the email), made if new.

    Two posts of different orders may bring the same new customer at once: the one that loses the
    race (the unique phone, email or customer ID) looks again and finds the other's customer.
    """
    for attempt in range(2):
        match = customer_matching(order.keys)
        if match is AMBIGUOUS:
            raise PayloadInvalid(
                {
                    "customer.email": [
                        _("Several customers have the email %(value)s: send their customer ID or phone too.")
                        % {"value": quote_typed(order.keys.email, code=True)}
                    ]
                }
            )
        if match is not None:
            return _given_the_reference(_lock_customer(match.pk), order.keys.reference)
        keys = order.keys
        customer = Customer(
            name=order.name or keys.phone or keys.email or keys.reference,
            reference=keys.reference,
            mobile=keys.phone,
            email=keys.email,
            source=Customer.Source.SHOP,
        )
        try:
            return customer_save(customer=customer)
        except IntegrityError:
            if attempt:
                raise
        except ValidationError as error:
            if attempt or not _only_taken(error):
                raise PayloadInvalid(_named(error, _CUSTOMER_FIELDS, prefix="customer.")) from None
    raise AssertionError("unreachable")  # pragma: no cover


def _given_the_reference(customer: Customer, reference: str) -> Customer:
    """A customer found by phone or email who has no customer ID takes the shop's (as an import does),
    so the shop's next order finds them by it. Left as they are if their record does not validate."""
    if not reference or customer.reference:
        return customer
    customer.reference = reference
    try:
        return customer_save(customer=customer)
    except ValidationError as error:
        log.warning("webhook: customer %s kept without the customer ID %s: %s", customer.pk, reference, error)
        customer.refresh_from_db()
        return customer


def _lock_customer(customer_id: int) -> Customer:
    """The customer's row, locked until the post commits: the purchase figures (count, total, rhythm)
    are recounted from the committed purchases, so two orders of one customer at once take turns
    rather than each counting without the other's purchase. (A customer made here is locked already.)"""
    return Customer.objects.select_for_update().get(pk=customer_id)


def _only_taken(error: ValidationError) -> bool:
    """Every problem is a key another customer holds (perhaps committed a moment ago by another post)."""
    if not hasattr(error, "error_dict"):
        return False
    return all(item.code == "unique" for items in error.error_dict.values() for item in items)


def _named(error: ValidationError, fields: dict[str, str], prefix: str = "") -> dict[str, list[str]]:
    """A model's ValidationError as the payload's fields (``__all__`` is about the order as a whole)."""
    named: dict[str, list[str]] = {}
    for field, messages in error.message_dict.items():
        key = NON_FIELD if field == "__all__" else fields.get(field, prefix + field)
        named.setdefault(key, []).extend(messages)
    return named
