"""Reading a posted order: Peygir's own payload (docs/shop-webhook.md), and WooCommerce's order mapped onto it.

Every problem is kept with the field it is about, in the request's language, so one answer tells
the shop everything to fix; nothing is written until the whole order reads.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from core import dates
from core.forms import parse_amount_text
from core.numbers import format_number, quote_typed
from customers.matching import CustomerKeys
from webhooks.models import ShopOrder

Status = ShopOrder.Status

# Rial in one unit of each currency the shop may send (Iranian WooCommerce plugins add the thousands).
RIALS_PER_UNIT = {"IRR": 1, "IRT": 10, "IRHR": 1_000, "IRHT": 10_000}
# A purchase's amount has 18 digits (customers.Purchase).
_MAX_RIAL = Decimal(10) ** 18
NON_FIELD = "non_field_errors"


@dataclass(frozen=True)
class OrderPost:
    """An order as read from a post: amounts in whole Rial, the customer's keys in their stored forms."""

    order_id: str
    status: str
    ordered_on: datetime.date
    amount_rial: Decimal
    refunded_rial: Decimal
    keys: CustomerKeys
    name: str
    note: str
    # The order's last change in the shop: a post about an older state than the one recorded is ignored.
    changed_at: datetime.datetime

    @property
    def net_rial(self) -> Decimal:
        return self.amount_rial - self.refunded_rial

    @property
    def is_purchase(self) -> bool:
        """Whether Peygir should hold a purchase for it: not when cancelled or refunded in full."""
        if self.status == Status.CANCELLED:
            return False
        return not (self.refunded_rial == self.amount_rial and (self.status == Status.REFUNDED or self.refunded_rial))


class PayloadInvalid(Exception):
    """The post cannot be read as an order: ``errors`` maps each field to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


class NotAPurchase(Exception):
    """A post about an order that is no purchase yet (WooCommerce's pending, on-hold...): nothing to record."""

    def __init__(self, order_id: str, detail: str):
        super().__init__(detail)
        self.order_id = order_id
        self.detail = detail


class _Errors(dict):
    def add(self, field: str, message) -> None:
        self.setdefault(field, []).append(str(message))


def read_order(data, *, signed_at: datetime.datetime) -> OrderPost:
    """Peygir's payload as an ``OrderPost``; raises ``PayloadInvalid`` with every problem found.

    ``signed_at`` (the post's signed timestamp) orders the posts when the order has no ``updated_at``.
    """
    if not isinstance(data, dict):
        raise PayloadInvalid({NON_FIELD: [_("The body must be a JSON object: the order.")]})
    errors = _Errors()
    order_id = _text(data, "order_id", errors, limit=64, required=True, numbers=True)
    status = _status(data.get("status"), errors)
    ordered_on = _date(data.get("date"), errors)
    unit = _currency(data.get("currency"), errors)
    amount = _amount(data.get("amount"), unit, "amount", errors, required=True)
    refunded = _amount(data.get("refunded_amount"), unit, "refunded_amount", errors, required=False)
    keys, name = _customer(data.get("customer"), errors)
    note = _text(data, "note", errors, limit=500)
    changed_at = _moment(data.get("updated_at"), "updated_at", errors) or signed_at
    if amount is not None and refunded is not None and refunded > amount:
        errors.add("refunded_amount", _("The refunded amount is more than the order's amount."))
    if errors:
        raise PayloadInvalid(dict(errors))
    if refunded is None:
        refunded = amount if status == Status.REFUNDED else Decimal(0)
    return OrderPost(
        order_id=order_id,
        status=status,
        ordered_on=ordered_on,
        amount_rial=amount,
        refunded_rial=refunded,
        keys=keys,
        name=name,
        note=note,
        changed_at=changed_at,
    )


def _text(data: dict, field: str, errors: _Errors, *, limit: int, required=False, numbers=False, key=None) -> str:
    """A text field (``numbers``: a whole number is taken as its digits, as IDs often are)."""
    value = data.get(field)
    key = key or field
    if numbers and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.add(key, _("Give this as text."))
        return ""
    value = value.strip()
    if required and not value:
        errors.add(key, _("This field is required."))
    elif len(value) > limit:
        errors.add(
            key,
            _("At most %(limit)s characters (this has %(count)s).")
            % {"limit": format_number(limit), "count": format_number(len(value))},
        )
    return value


def _status(value, errors: _Errors) -> str:
    if value in (None, ""):
        return Status.PAID
    if value not in Status.values:
        errors.add(
            "status",
            _("%(value)s is not a status: send paid, refunded or cancelled.")
            % {"value": quote_typed(value, code=True)},
        )
        return Status.PAID
    return value


def _date(value, errors: _Errors) -> datetime.date | None:
    """``2024-05-04``, ``1403/02/15`` (Jalali, via core.dates) or an ISO moment (its day in Tehran)."""
    if value in (None, ""):
        errors.add("date", _("This field is required."))
        return None
    if not isinstance(value, str):
        errors.add("date", _("Give this as text."))
        return None
    day = None
    text = value.strip()
    if "T" in text or " " in text:
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            moment = None
        if moment is not None:
            day = timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    if day is None:
        try:
            day = dates.parse_date(text)
        except dates.InvalidDate as error:
            errors.add("date", error.message)
            return None
    if day > timezone.localdate():
        errors.add("date", _("The date %(value)s is in the future.") % {"value": quote_typed(value)})
        return None
    return day


def _currency(value, errors: _Errors) -> int:
    if value in (None, ""):
        return RIALS_PER_UNIT["IRR"]
    unit = RIALS_PER_UNIT.get(value.strip().upper()) if isinstance(value, str) else None
    if unit is None:
        errors.add(
            "currency",
            _(
                "%(value)s is not a currency Peygir reads: send IRR (Rial), IRT (Toman), "
                "IRHR (thousand Rial) or IRHT (thousand Toman)."
            )
            % {"value": quote_typed(value, code=True)},
        )
        return RIALS_PER_UNIT["IRR"]
    return unit


def _amount(value, unit: int, field: str, errors: _Errors, *, required: bool) -> Decimal | None:
    """A number or a string (separators and Persian digits allowed) in the currency's unit, as whole Rial."""
    if value is None or value == "":
        if required:
            errors.add(field, _("This field is required."))
        return None
    not_an_amount = _("“%(value)s” is not an amount.") % {"value": quote_typed(value)}
    try:
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
            raise InvalidOperation
        amount = Decimal(parse_amount_text(value)) if isinstance(value, str) else Decimal(value)
    except (InvalidOperation, ValueError):
        errors.add(field, not_an_amount)
        return None
    if not amount.is_finite() or amount < 0:
        errors.add(field, not_an_amount)
        return None
    rial = (amount * unit).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if rial >= _MAX_RIAL:
        errors.add(field, _("The amount %(value)s is too large.") % {"value": quote_typed(value)})
        return None
    return rial


def _customer(value, errors: _Errors) -> tuple[CustomerKeys, str]:
    if not isinstance(value, dict):
        errors.add("customer", _("Give the customer as an object with their customer ID, phone or email."))
        return CustomerKeys(), ""
    reference = _text(value, "reference", errors, limit=64, numbers=True, key="customer.reference")
    phone = _text(value, "phone", errors, limit=32, key="customer.phone")
    email = _text(value, "email", errors, limit=254, key="customer.email")
    name = _text(value, "name", errors, limit=200, key="customer.name")
    if phone:
        try:
            CustomerKeys(phone=phone).normalized()
        except ValidationError as error:
            errors.add("customer.phone", error.messages[0])
            phone = ""
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            errors.add("customer.email", error.messages[0])
            email = ""
    if not (reference or phone or email) and not any(key.startswith("customer.") for key in errors):
        errors.add("customer", _("Give at least one of the customer ID, the phone and the email."))
    if not (reference or phone or email):
        return CustomerKeys(), name
    return CustomerKeys(reference=reference, phone=phone, email=email).normalized(), name


def _moment(value, field: str, errors: _Errors) -> datetime.datetime | None:
    """Unix seconds, or ISO 8601 with its offset (a moment without one could be any of 24 hours)."""
    if value in (None, ""):
        return None
    moment = None
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool) and Decimal(value).is_finite():
        try:
            moment = datetime.datetime.fromtimestamp(float(value), tz=datetime.UTC)
        except (OverflowError, OSError, ValueError):
            moment = None
    elif isinstance(value, str):
        try:
            moment = datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            moment = None
        if moment is not None and not timezone.is_aware(moment):
            moment = None
    if moment is None:
        errors.add(
            field,
            _("%(value)s is not a moment: send ISO 8601 with its offset (e.g. %(example)s) or Unix seconds.")
            % {"value": quote_typed(value, code=True), "example": quote_typed("2024-05-04T10:20:30+03:30", code=True)},
        )
    return moment


# --- WooCommerce --------------------------------------------------------------------------------

# WooCommerce's order statuses that are a purchase (or its end); the others (pending, on-hold,
# checkout-draft, a plugin's own) are not paid yet and are skipped.
WOOCOMMERCE_STATUSES = {
    "processing": Status.PAID,
    "completed": Status.PAID,
    "refunded": Status.REFUNDED,
    "cancelled": Status.CANCELLED,
    "failed": Status.CANCELLED,
}
# Where each of our fields comes from in WooCommerce's order, to name it in an error.
_WOOCOMMERCE_FIELDS = {
    "order_id": "id",
    "date": "date_created",
    "amount": "total",
    "refunded_amount": "refunds",
    "customer": "billing",
    "customer.reference": "customer_id",
    "customer.phone": "billing.phone",
    "customer.email": "billing.email",
    "customer.name": "billing.first_name",
    "updated_at": "date_modified_gmt",
    "note": "customer_note",
}


def read_woocommerce_order(data) -> OrderPost:
    """WooCommerce's order (its REST API's JSON, as its order webhooks post it) as an ``OrderPost``.

    Raises ``NotAPurchase`` for an order not paid yet, ``PayloadInvalid`` naming WooCommerce's fields.
    """
    if not isinstance(data, dict):
        raise PayloadInvalid({NON_FIELD: [_("The body must be a JSON object: the order.")]})
    errors = _Errors()
    status = data.get("status")
    if status not in WOOCOMMERCE_STATUSES:
        order_id = str(data.get("id", ""))
        raise NotAPurchase(
            order_id,
            _("An order whose status is %(status)s is not paid yet: nothing was recorded.")
            % {"status": quote_typed(status, code=True)},
        )
    billing = data.get("billing") if isinstance(data.get("billing"), dict) else {}
    refunded = _woocommerce_refunds(data.get("refunds"), errors)
    customer_id = data.get("customer_id")
    name = " ".join(
        part.strip() for part in (billing.get("first_name"), billing.get("last_name")) if isinstance(part, str)
    ).strip()
    modified = data.get("date_modified_gmt")
    ours = {
        "order_id": data.get("id"),
        "status": WOOCOMMERCE_STATUSES[status],
        "date": data.get("date_created"),
        "amount": data.get("total"),
        "currency": data.get("currency"),
        # WooCommerce's "refunded" is refunded in full; a partial refund keeps the order's status.
        "refunded_amount": refunded if refunded and status != "refunded" else None,
        "customer": {
            "reference": customer_id if customer_id not in (0, "0", None) else "",
            "phone": billing.get("phone") or "",
            "email": billing.get("email") or "",
            "name": name,
        },
        # WooCommerce writes its GMT moments without an offset.
        "updated_at": f"{modified}+00:00" if isinstance(modified, str) and modified else modified,
    }
    try:
        order = read_order(ours, signed_at=timezone.now())
    except PayloadInvalid as invalid:
        errors.update({_WOOCOMMERCE_FIELDS.get(key, key): messages for key, messages in invalid.errors.items()})
    if not ours["updated_at"]:
        errors.add("date_modified_gmt", _("This field is required."))
    if errors:
        raise PayloadInvalid(dict(errors))
    return order


def _woocommerce_refunds(refunds, errors: _Errors) -> Decimal:
    """The refunds' total, in the order's currency (WooCommerce lists each refund's total as negative)."""
    if not refunds:
        return Decimal(0)
    total = Decimal(0)
    for refund in refunds if isinstance(refunds, list) else [refunds]:
        try:
            total += abs(Decimal(str(refund["total"])))
        except (KeyError, TypeError, InvalidOperation):
            errors.add("refunds", _("Each refund needs its total."))
            return Decimal(0)
    return total
