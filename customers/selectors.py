"""Reads of customers for pages, exports and (later) the API: one query each, no N+1."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.roles import MANAGER_GROUP, REP_GROUP
from core.text import normalize_search_text
from customers.models import Customer, Purchase

# What the list can be sorted by: the public name in the URL -> the ordering.
CUSTOMER_SORTS = {
    "name": ("name", "id"),
    "-total_spent": (F("total_spent").desc(), "id"),
    "-last_purchase_on": (F("last_purchase_on").desc(nulls_last=True), "id"),
    "last_purchase_on": (F("last_purchase_on").asc(nulls_first=True), "id"),
    "-last_contact_on": (F("last_contact_on").desc(nulls_last=True), "id"),
    "last_contact_on": (F("last_contact_on").asc(nulls_first=True), "id"),
    "-created_at": ("-created_at", "-id"),
}


def customer_list(
    *,
    user: AbstractBaseUser,
    search: str = "",
    owner_id: int | None = None,
    segment_id: int | None = None,
    sort: str = "name",
) -> QuerySet[Customer]:
    """The customers ``user`` may see, searched, filtered and sorted."""
    customers = Customer.objects.visible_to(user).select_related("owner", "segment")
    for word in normalize_search_text(search).split():
        customers = customers.filter(search_text__contains=word)
    if owner_id:
        customers = customers.filter(owner_id=owner_id)
    if segment_id:
        customers = customers.filter(segment_id=segment_id)
    return customers.order_by(*CUSTOMER_SORTS.get(sort, CUSTOMER_SORTS["name"]))


def customer_get_for(*, user: AbstractBaseUser, pk: int) -> Customer:
    """A customer ``user`` may see, else 404 (never 403: existence is not leaked)."""
    return get_object_or_404(Customer.objects.visible_to(user).select_related("owner", "segment"), pk=pk)


def purchase_get_for(*, user: AbstractBaseUser, customer_pk: int, pk: int) -> Purchase:
    return get_object_or_404(
        Purchase.objects.filter(customer__in=Customer.objects.visible_to(user)).select_related("customer"),
        pk=pk,
        customer_id=customer_pk,
    )


def sales_team() -> QuerySet:
    """Active users who can own customers (reps and managers), for owner pickers."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[REP_GROUP, MANAGER_GROUP])
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a customer's timeline, whatever it came from."""

    kind: str
    kind_label: str
    at: datetime.datetime | datetime.date
    sort_key: datetime.datetime
    summary: str = ""
    outcome: str = ""
    by: str = ""
    amount: Decimal | None = None
    purchase: Purchase | None = None
    score: int | None = None


def _end_of_day(day: datetime.date) -> datetime.datetime:
    """Purchases have a date only; they sort after that day's calls."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


# Other apps add what they know about a customer (survey answers, points...) with
# ``register_timeline_source(fn)`` in their AppConfig.ready(); fn(customer, limit) -> entries.
_TIMELINE_SOURCES: list[Callable[[Customer, int], list[TimelineEntry]]] = []


def register_timeline_source(source: Callable[[Customer, int], list[TimelineEntry]]) -> None:
    if source not in _TIMELINE_SOURCES:
        _TIMELINE_SOURCES.append(source)


def customer_timeline(*, customer: Customer, limit: int = 50) -> list[TimelineEntry]:
    """Interactions, purchases and registered sources merged, newest first (a query each)."""
    entries = [
        TimelineEntry(
            kind=interaction.kind,
            kind_label=interaction.get_kind_display(),
            at=interaction.occurred_at,
            sort_key=interaction.occurred_at,
            summary=interaction.summary,
            outcome=interaction.outcome,
            by=interaction.created_by.get_full_name() or interaction.created_by.get_username()
            if interaction.created_by
            else "",
        )
        for interaction in customer.interactions.select_related("created_by")[:limit]
    ]
    entries += [
        TimelineEntry(
            kind="purchase",
            kind_label=str(Purchase._meta.verbose_name),
            at=purchase.purchased_on,
            sort_key=_end_of_day(purchase.purchased_on),
            summary=purchase.note,
            amount=purchase.amount,
            purchase=purchase,
        )
        for purchase in customer.purchases.all()[:limit]
    ]
    for source in _TIMELINE_SOURCES:
        entries += source(customer, limit)
    return sorted(entries, key=lambda entry: entry.sort_key, reverse=True)[:limit]
