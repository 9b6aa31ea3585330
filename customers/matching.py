"""Finding the customer a row, an API call or a shop's order means: by the shop's customer ID,
then the phone, then the email (any case). One rule for imports, the API and the webhook.

Set-based: a batch of keys is looked up with one query per key kind and chunk, never per row.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.db.models.functions import Lower

from core.phones import normalize_phone
from customers.models import Customer

_CHUNK = 900


@dataclass(frozen=True)
class CustomerKeys:
    """What a caller knows of a customer, as typed; ``normalized()`` gives the stored forms."""

    reference: str = ""
    phone: str = ""
    email: str = ""

    def normalized(self) -> "CustomerKeys":
        """Stored forms; raises ValidationError when the phone is not a number."""
        phone = normalize_phone(self.phone) if self.phone.strip() else ""
        return CustomerKeys(reference=self.reference.strip(), phone=phone, email=self.email.strip().lower())

    def __bool__(self) -> bool:
        return bool(self.reference or self.phone or self.email)


class Ambiguous:
    """Several customers share the email and nothing else tells them apart."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "AMBIGUOUS"


AMBIGUOUS = Ambiguous()


def _chunks(items: Iterable, size: int = _CHUNK) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


@dataclass
class Holders:
    """The customers who hold a batch's keys, by kind: one lookup serves the match and the check
    that a key is not already someone else's."""

    by_reference: dict[str, Customer]
    by_phone: dict[str, Customer]
    by_email: dict[str, Customer | Ambiguous]

    def match(self, key: CustomerKeys) -> Customer | Ambiguous | None:
        """The customer ID decides when it is known. A key whose customer ID is new falls back to the
        phone, then the email, but only to a customer without an ID of their own (the shop may give
        an ID to a customer Peygir knew by phone; a customer with another ID is someone else)."""
        match = self.by_reference.get(key.reference) if key.reference else None
        if match is None and key.phone:
            match = self.by_phone.get(key.phone)
        if match is None and key.email:
            match = self.by_email.get(key.email)
        if key.reference and match and match.reference and match.reference != key.reference:
            match = None
        return match


def customers_holding(keys: Iterable[CustomerKeys], *, fields=("id",)) -> Holders:
    """The customers holding any of these (normalised) keys, one query per key kind and chunk."""
    keys = list(keys)
    only = {"id", "reference", "mobile", "email", *fields}
    holders = Holders({}, {}, {})
    for chunk in _chunks({k.reference for k in keys if k.reference}):
        holders.by_reference.update({c.reference: c for c in with_reference_in(chunk).only(*only)})
    for chunk in _chunks({k.phone for k in keys if k.phone}):
        holders.by_phone.update({c.mobile: c for c in with_phone_in(chunk).only(*only)})
    for chunk in _chunks({k.email for k in keys if k.email}):
        for customer in Customer.objects.annotate(lowered=Lower("email")).filter(lowered__in=chunk).only(*only):
            key = customer.email.lower()
            holders.by_email[key] = AMBIGUOUS if key in holders.by_email else customer
    return holders


def customers_matching(keys: Iterable[CustomerKeys], *, fields=("id",)) -> list[Customer | Ambiguous | None]:
    """For each (normalised) key, in order: its customer, ``AMBIGUOUS`` or None (``Holders.match``)."""
    keys = list(keys)
    holders = customers_holding(keys, fields=fields)
    return [holders.match(key) for key in keys]


def with_reference_in(references) -> QuerySet[Customer]:
    """Customers holding these customer IDs. ``<> ''`` repeats the unique index's condition: with
    a list of more than 100 values PostgreSQL cannot prove it alone and would read the whole table."""
    return Customer.objects.filter(reference__in=references).exclude(reference="")


def with_phone_in(phones) -> QuerySet[Customer]:
    """Customers holding these phones (see ``with_reference_in``)."""
    return Customer.objects.filter(mobile__in=phones).exclude(mobile="")


def customer_matching(keys: CustomerKeys, *, fields=("id",)) -> Customer | Ambiguous | None:
    """One key's customer (see ``customers_matching``); ``keys`` already normalised."""
    return customers_matching([keys], fields=fields)[0]


def phone_or_none(value: str) -> str | None:
    """The stored form of a typed phone, or None when it is not a number."""
    try:
        return normalize_phone(value)
    except ValidationError:
        return None
