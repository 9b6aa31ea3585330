"""Reads of customers for pages, exports and (later) the API: one query each, no N+1."""

import contextlib
import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core import dates
from core.db import DaysBetween, as_float
from core.phones import normalize_phone
from core.roles import MANAGER_GROUP, REP_GROUP
from core.text import normalize_search_text
from customers.models import Contract, Customer, Interaction, Purchase, Segment, SilenceRuleAdoption
from customers.rhythm import SilenceRule

# A customer's value is counted over at least this long: a customer of two months is not
# worth six times what they spent.
VALUE_WINDOW_DAYS = 365


def customer_value_expression(*, day: datetime.date, prefix: str = "", unknown: float = 0.0):
    """The customer's expected yearly value in Rial, as SQL: what they spent per year as a customer.

    ``total_spent × 365 / max(365, days since the first purchase)``. One definition for the
    calls-due ranking, the customer list's sort and the value at risk. ``prefix`` reaches the
    customer from another model (``"customer__"``); ``unknown`` is the value given to a
    customer who has not bought yet.
    """
    spent, first = F(f"{prefix}total_spent"), F(f"{prefix}first_purchase_on")
    per_year = as_float(spent) * VALUE_WINDOW_DAYS / Greatest(DaysBetween(Value(day), first), VALUE_WINDOW_DAYS)
    return Case(
        When(**{f"{prefix}purchase_count__gt": 0}, then=per_year),
        default=Value(float(unknown)),
        output_field=FloatField(),
    )


def typical_customer_value(*, day: datetime.date) -> float:
    """The median expected yearly value of the customers who have bought (0 when none has).

    Cached for an hour: it moves slowly, and the calls-due page asks for it on every load.
    """
    key = f"peygir:typical-customer-value:{day.isoformat()}"
    value = cache.get(key)
    if value is None:
        values = (
            Customer.objects.filter(purchase_count__gt=0)
            .annotate(value=customer_value_expression(day=day))
            .order_by("value")
            .values_list("value", flat=True)
        )
        count = values.count()
        value = float(values[count // 2]) if count else 0.0
        cache.set(key, value, 60 * 60)
    return value


# What the list can be sorted by: the public name in the URL -> the ordering. Each but the yearly
# value is the order of an index (migration 0014), read forwards or backwards, so a page costs the
# same at 100 customers as at 100,000; the id breaks ties.
CUSTOMER_SORTS = {
    "name": ("name", "id"),
    "-total_spent": (F("total_spent").desc(), "id"),
    "-yearly_value": (F("yearly_value").desc(), "id"),
    "-last_purchase_on": (F("last_purchase_on").desc(nulls_last=True), "-id"),
    "last_purchase_on": (F("last_purchase_on").asc(nulls_first=True), "id"),
    "-last_contact_on": (F("last_contact_on").desc(nulls_last=True), "-id"),
    "last_contact_on": (F("last_contact_on").asc(nulls_first=True), "id"),
    "next_call_on": (F("next_call_on").asc(nulls_last=True), "id"),
    "-next_call_on": (F("next_call_on").desc(nulls_last=True), "id"),
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
    """The customers ``user`` may see, searched, filtered and sorted, each with its ``yearly_value``."""
    customers = (
        Customer.objects.visible_to(user)
        .select_related("owner", "segment")
        .annotate(yearly_value=customer_value_expression(day=timezone.localdate()))
    )
    words = Q()
    for word in normalize_search_text(search).split():
        words &= Q(search_text__contains=word)
    mobile = _mobile_in(search)
    customers = customers.filter(words | Q(mobile=mobile) if mobile else words)
    if owner_id:
        customers = customers.filter(owner_id=owner_id)
    if segment_id:
        customers = customers.filter(segment_id=segment_id)
    order = CUSTOMER_SORTS.get(sort, CUSTOMER_SORTS["name"])
    if search.strip():
        return customers.annotate(match=_exactness(search)).order_by("match", *order)
    return customers.order_by(*order)


# How deep a page sorted by expected yearly value is found through the total spent (below); deeper
# pages sort every customer, as a sort without an index does.
YEARLY_VALUE_BOUND_ROWS = 2_000
# The biggest spenders that set the bound: 20 per row of the page up to 2,000 (an index read; more
# would cost what the sort saves).
YEARLY_VALUE_SAMPLE, YEARLY_VALUE_SAMPLE_MAX = 20, 2_000


def customer_page(customers: QuerySet[Customer], *, sort: str, number, per_page: int) -> Page:
    """Page ``number`` of ``customer_list``'s customers (a number past the end gives the last page).

    The page's ids are found first, by a query that sorts only what the order needs (an index read,
    or a search's matches); then only those rows are read with their owner and segment. Sorting
    ten thousand matches with every column and both joins attached cost more than finding them.
    A search counts its matches in the query that finds the page: it reads them all anyway.
    """
    searched = "match" in customers.query.annotations
    by_yearly_value = sort == "-yearly_value"
    paginator = _CustomerPaginator(customers, per_page, by_yearly_value=by_yearly_value)
    if searched and not by_yearly_value:
        paginator.count_with_the_page(number)
    return paginator.get_page(number)


class _CustomerPaginator(Paginator):
    def __init__(self, *args, by_yearly_value: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_yearly_value = by_yearly_value
        self.found: tuple[int, list[int]] | None = None  # (page number, its ids) found with the count

    def count_with_the_page(self, number) -> None:
        """Find page ``number``'s ids and the count in one query (when the page has rows)."""
        try:
            wanted = max(int(number), 1)
        except (TypeError, ValueError):
            wanted = 1
        bottom = (wanted - 1) * self.per_page
        counted = self.object_list.annotate(found=Window(Count("*"))).values_list("pk", "found")
        rows = list(counted[bottom : bottom + self.per_page])
        if rows:
            self.count = rows[0][1]  # Paginator.count is a cached property: this is its value
            self.found = (wanted, [pk for pk, _found in rows])

    def page(self, number) -> Page:
        page = super().page(number)
        bottom, top = max(page.start_index() - 1, 0), page.end_index()
        if self.found and self.found[0] == page.number:
            ids = self.found[1]
        else:
            ordered = self.object_list
            if self.by_yearly_value and top:
                ordered = _among_the_most_valuable(ordered, rows=top)
            ids = list(ordered.values_list("pk", flat=True)[bottom:top])
        page.object_list = list(self.object_list.filter(pk__in=ids))  # in the same order
        return page


def _among_the_most_valuable(customers: QuerySet[Customer], *, rows: int) -> QuerySet[Customer]:
    """``customers`` less those who cannot be among its first ``rows`` by expected yearly value.

    The value depends on the day, so no index holds it; but it is never more than the total spent.
    If ``rows`` of the biggest spenders (an index scan) are each worth at least ``least``, then
    nobody who spent less than ``least`` can be among the first ``rows``: only the customers who
    spent more are sorted by value. The exact matches of a search
    come first whatever their value, so they stay.
    """
    if rows > YEARLY_VALUE_BOUND_ROWS:
        return customers
    spenders = customers.order_by(F("total_spent").desc(), "id").values_list("yearly_value", flat=True)
    sample = max(rows, min(rows * YEARLY_VALUE_SAMPLE, YEARLY_VALUE_SAMPLE_MAX))
    values = sorted(spenders[:sample], reverse=True)  # more spenders than rows: a higher ``least``
    if len(values) < rows or values[rows - 1] <= 0:
        return customers
    least = values[rows - 1]
    kept = Q(total_spent__gte=Decimal(math.floor(least * (1 - 1e-9))))  # floored: float rounding keeps a tie
    if "match" in customers.query.annotations:
        kept |= Q(match__lt=2)
    return customers.filter(kept)


def _exactness(search: str) -> Case:
    """0 for the customer whose mobile or shop customer ID is the one searched, 1 for a name (or company) that is the
    whole search as words ("customer 1234", not "customer 11234"), 2 for the rest: exact matches first."""
    query = normalize_search_text(search)
    whens = [
        When(reference=search.strip(), then=Value(0)),
        When(Q(search_text=query) | Q(search_text__startswith=f"{query} "), then=Value(1)),
    ]
    mobile = _mobile_in(search)
    if mobile:
        whens.insert(0, When(mobile=mobile, then=Value(0)))
    return Case(*whens, default=Value(2), output_field=IntegerField())


def _mobile_in(search: str) -> str | None:
    """The search as a phone in its stored form ("+98 912 111 0000" is 09121110000), if it is one."""
    with contextlib.suppress(ValidationError):
        return normalize_phone(search)
    return None


def purchases_by_invoice(keys: set[tuple[int, str]]) -> dict[tuple[int, str], Purchase]:
    """The stored purchases of these (customer, invoice number) pairs, a few queries per thousands.

    ``<> ''`` repeats the unique index's condition: PostgreSQL cannot prove it from a long list
    and would read the whole table."""
    found = {}
    keys_list = sorted(key for key in keys if key[1])
    for start in range(0, len(keys_list), 900):
        chunk = keys_list[start : start + 900]
        purchases = (
            Purchase.objects.filter(customer_id__in={c for c, _i in chunk}, reference__in={i for _c, i in chunk})
            .exclude(reference="")
            .only("id", "customer_id", "reference", "purchased_on", "amount", "note")
        )
        found.update({(purchase.customer_id, purchase.reference): purchase for purchase in purchases})
    return {key: found[key] for key in keys if key in found}


def renewal_notice_days() -> int:
    """A contract term's renewal call comes this many days before its end."""
    return settings.PEYGIR_RENEWAL_NOTICE_DAYS


def silence_rule_in_force() -> tuple[SilenceRule, SilenceRuleAdoption | None]:
    """The rule that flags silent customers: the one a manager last adopted, else the settings'."""
    adoption = SilenceRuleAdoption.objects.select_related("adopted_by").first()
    if adoption is not None:
        return SilenceRule(k=adoption.k, floor_days=adoption.floor_days), adoption
    return SilenceRule(k=settings.PEYGIR_SILENT_K, floor_days=settings.PEYGIR_SILENT_FLOOR_DAYS), None


def customers_at_risk(
    *, user: AbstractBaseUser, search: str = "", owner_id: int | None = None, segment_id: int | None = None, **_sort
) -> QuerySet[Customer]:
    """The silent customers ``user`` may see, most valuable first (the value is what is at risk)."""
    silent = customer_list(user=user, search=search, owner_id=owner_id, segment_id=segment_id)
    return (
        silent.filter(rhythm__silent_since__isnull=False)
        .select_related("rhythm")
        .order_by(F("yearly_value").desc(), "id")
    )


def with_contract_end(customers: QuerySet[Customer]) -> QuerySet[Customer]:
    """``contract_ends_on``: the end of each customer's latest contract term (None without one)."""
    latest = Contract.objects.filter(customer=OuterRef("pk")).order_by("-ends_on").values("ends_on")[:1]
    return customers.annotate(contract_ends_on=Subquery(latest))


def customer_export_values(customers: QuerySet[Customer]) -> QuerySet:
    """What the CSV export writes of each of ``customers``, as tuples in the order of
    ``csv_io.CUSTOMER_EXPORT_COLUMNS``: one query for any number of rows, no model built per row."""
    customers = with_contract_end(customers).annotate(created_on=TruncDate("created_at"))
    return customers.values_list(
        "name",
        "mobile",
        "reference",
        "email",
        "company",
        "city",
        "segment__name",
        f"owner__{get_user_model().USERNAME_FIELD}",
        "preferred_language",
        "notes",
        "contract_ends_on",
        "first_purchase_on",
        "last_purchase_on",
        "purchase_count",
        "total_spent",
        "last_contact_on",
        "created_on",
    )


def customer_get_for(*, user: AbstractBaseUser, pk: int) -> Customer:
    """A customer ``user`` may see, else 404 (never 403: existence is not leaked)."""
    customers = Customer.objects.visible_to(user).select_related("owner", "segment", "referred_by", "rhythm")
    return get_object_or_404(customers, pk=pk)


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

    @property
    def day_only(self) -> bool:
        """A date without a time (a purchase, a tier move): shown as a day."""
        return not isinstance(self.at, datetime.datetime)


def _end_of_day(day: datetime.date) -> datetime.datetime:
    """Purchases have a date only; they sort after that day's calls."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


# Other apps add what they know about a customer (survey answers, points...) with
# ``register_timeline_source(fn)`` in their AppConfig.ready(); fn(customer, limit) -> entries.
_TIMELINE_SOURCES: list[Callable[[Customer, int], list[TimelineEntry]]] = []


def register_timeline_source(source: Callable[[Customer, int], list[TimelineEntry]]) -> None:
    if source not in _TIMELINE_SOURCES:
        _TIMELINE_SOURCES.append(source)


# Other apps add a row to a customer's contact calendar (survey answers...) with
# ``register_calendar_source(label, fn)`` in their AppConfig.ready(); fn(customer, since) -> dates.
_CALENDAR_SOURCES: list[tuple[Callable[[], str], Callable[[Customer, datetime.date], list[datetime.date]]]] = []


def register_calendar_source(label: Callable[[], str], days: Callable[[Customer, datetime.date], list]) -> None:
    if (label, days) not in _CALENDAR_SOURCES:
        _CALENDAR_SOURCES.append((label, days))


@dataclass(frozen=True)
class ContactCalendar:
    """The rhythm of a relationship at a glance: per month, how often we called, visited, wrote,
    were answered and sold. ``rows`` are (label, counts per month, oldest first)."""

    months: list[str]
    rows: list[tuple[str, list[int]]]


CALENDAR_MONTHS = 12


def contact_calendar(*, customer: Customer, day: datetime.date) -> ContactCalendar:
    """The last ``CALENDAR_MONTHS`` months in the reader's calendar: a query per row kind."""
    keys = dates.months_back(day, CALENDAR_MONTHS)
    since = dates.month_start(keys[0])
    position = {key: index for index, key in enumerate(keys)}

    def counts(days) -> list[int]:
        row = [0] * len(keys)
        for when in days:
            index = position.get(dates.month_of(when))
            if index is not None:
                row[index] += 1
        return row

    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    contacts = customer.interactions.filter(occurred_at__gte=start).values_list("kind", "occurred_at")
    by_kind: dict[str, list[datetime.date]] = {}
    for kind, moment in contacts:
        by_kind.setdefault(kind, []).append(timezone.localdate(moment))
    rows = [(str(kind.label), counts(by_kind.get(kind.value, []))) for kind in Interaction.CONTACT_KINDS]
    rows += [(label(), counts(source(customer, since))) for label, source in _CALENDAR_SOURCES]
    purchases = customer.purchases.filter(purchased_on__gte=since).values_list("purchased_on", flat=True)
    rows.append((str(Purchase._meta.verbose_name_plural), counts(purchases)))
    return ContactCalendar(months=[dates.format_month(key) for key in keys], rows=rows)


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


def customers_owned_count() -> Subquery:
    """How many customers a colleague owns (``OuterRef("pk")``: the user), for the team page."""
    owned = Customer.objects.filter(owner=OuterRef("pk")).order_by().values("owner").annotate(n=Count("pk"))
    return Coalesce(Subquery(owned.values("n"), output_field=IntegerField()), 0)


def segments_with_counts() -> QuerySet[Segment]:
    """The segments page: each segment with how many customers are in it, by name."""
    return Segment.objects.annotate(customer_count=Count("customers")).order_by("name")
