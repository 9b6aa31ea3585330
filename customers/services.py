"""Writes to customers, purchases and the timeline; the only place figures change."""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import field_changes_recorded
from core.db import add_days, date_literal, days_between, differs, hold_lock, rows_affected, without_nested_loops
from customers import rhythm
from customers.models import (
    Contract,
    Customer,
    Interaction,
    Purchase,
    PurchaseRhythm,
    RhythmPrior,
    Segment,
    SilenceRuleAdoption,
)
from customers.selectors import silence_rule_in_force
from customers.signals import (
    customer_reassigned,
    customers_bought,
    customers_reassigned_many,
    customers_rhythm_refreshed,
    purchase_removed,
    purchases_changed,
)


@transaction.atomic
def customer_save(*, customer: Customer) -> Customer:
    """Create or update a customer from a validated instance (a page's form, Django admin).

    An update writes only the fields people edit, so figures kept by the purchase services
    are never overwritten by a stale copy. A new owner is noticed here, whoever changed it,
    and announced (``customer_reassigned``) so their open calls and plans follow.
    """
    customer.full_clean()
    if customer._state.adding:
        customer.save()
        return customer
    owner_before = _locked_owner_id(customer)
    customer.save(update_fields=[f.name for f in Customer._meta.concrete_fields if f.editable and not f.primary_key])
    _announce_if_reassigned(customer, owner_before)
    return customer


@transaction.atomic
def customer_reassign(*, customer: Customer, owner: AbstractBaseUser | None) -> Customer:
    """A new owner; apps that assign work by owner (follow-ups) move it along via the signal."""
    owner_before = _locked_owner_id(customer)
    customer.owner = owner
    customer.save(update_fields=["owner"])
    _announce_if_reassigned(customer, owner_before)
    return customer


# A hand-over moves this many customers per UPDATE (and per batch of audit entries and signal).
HAND_OVER_CHUNK = 1000


@transaction.atomic
def customers_hand_over(
    *, from_owner: AbstractBaseUser, to_owner: AbstractBaseUser, by: AbstractBaseUser | None = None
) -> int:
    """Every customer of ``from_owner`` to ``to_owner`` (a colleague who left), in chunks so thousands
    stream: one UPDATE, one batch of audit entries and one ``customers_reassigned_many`` per chunk.

    ``customer_reassign`` one by one would be the same story told slower; the entries written here
    have the shape django-auditlog gives an owner change on save, so the log reads them alike.
    Returns how many customers moved."""
    moved = 0
    while True:
        chunk = list(
            Customer.objects.select_for_update()
            .filter(owner=from_owner)
            .order_by("pk")
            .values_list("pk", "name")[:HAND_OVER_CHUNK]
        )
        if not chunk:
            return moved
        ids = [pk for pk, _name in chunk]
        Customer.objects.filter(pk__in=ids).update(owner=to_owner)
        field_changes_recorded(
            model=Customer,
            records=[(pk, name, pk) for pk, name in chunk],
            field="owner",
            before=from_owner.pk,
            after=to_owner.pk,
            by=by,
        )
        customers_reassigned_many.send(sender=Customer, customer_ids=ids, owner=to_owner)
        moved += len(ids)


def _locked_owner_id(customer: Customer) -> int | None:
    return Customer.objects.select_for_update().filter(pk=customer.pk).values_list("owner_id", flat=True).first()


def _announce_if_reassigned(customer: Customer, owner_before: int | None) -> None:
    if owner_before != customer.owner_id:
        customer_reassigned.send(sender=Customer, customer=customer)


@transaction.atomic
def contract_add(*, contract: Contract) -> Contract:
    """A new contract term (fields set, e.g. by a form); its renewal call comes when it is due."""
    contract.full_clean()
    contract.save()
    return contract


def customer_record_nps(*, customer_id: int, score: int, at: datetime.datetime) -> None:
    """The customer's latest survey score, shown beside them everywhere."""
    Customer.objects.filter(pk=customer_id).update(last_nps_score=score, last_nps_at=at)


def customer_opt_out_of_email(*, customer_id: int) -> None:
    """No email of ours goes to this customer again (until a colleague turns it back on)."""
    Customer.objects.filter(pk=customer_id).update(email_opt_out=True)


# Customers per statement of the figures' recount (ids written into the SQL, not bound).
_FIGURES_CHUNK = 5000


def customers_refresh_purchase_figures(*, customer_ids) -> int:
    """Recompute first/last purchase, count and total from the purchases: one UPDATE ... FROM these
    customers' purchases grouped by customer (an index range per customer, not four subqueries each),
    and a customer whose figures are already right is not written. Returns how many changed."""
    ids, changed = sorted({int(pk) for pk in customer_ids}), 0
    new = {
        "first_purchase_on": "f.first_on",
        "last_purchase_on": "f.last_on",
        "purchase_count": "f.n",
        "total_spent": "f.total",
    }
    assignments = ", ".join(f"{column} = {value}" for column, value in new.items())
    differ = " OR ".join(differs(f"customers_customer.{column}", value) for column, value in new.items())
    with connection.cursor() as cursor:
        for start in range(0, len(ids), _FIGURES_CHUNK):
            listed = ", ".join(map(str, ids[start : start + _FIGURES_CHUNK]))
            cursor.execute(
                f"UPDATE customers_customer SET {assignments} FROM ("
                "SELECT c.id AS customer_id, MIN(p.purchased_on) AS first_on, MAX(p.purchased_on) AS last_on, "
                "COUNT(p.id) AS n, COALESCE(SUM(p.amount), 0) AS total FROM customers_customer AS c "
                f"LEFT JOIN customers_purchase AS p ON p.customer_id = c.id WHERE c.id IN ({listed}) GROUP BY c.id"
                f") AS f WHERE customers_customer.id = f.customer_id AND ({differ})"
            )
            changed += rows_affected(cursor)
    return changed


@transaction.atomic
def purchase_add(
    *, customer: Customer, purchased_on: datetime.date, amount: Decimal, reference: str = "", note: str = ""
) -> Purchase:
    purchase = Purchase(customer=customer, purchased_on=purchased_on, amount=amount, reference=reference, note=note)
    purchase.full_clean()
    _lock_customers([customer.pk])
    purchase.save()
    purchases_recorded(purchases=[(customer.pk, purchased_on)])
    return purchase


def _lock_customers(customer_ids) -> None:
    """Purchases of one customer written at the same moment (the shop's webhook, the API, an import)
    each recount the customer's figures: holding the customer's row until commit makes the second
    recount see the first purchase, instead of both counting only what was committed before them."""
    list(Customer.objects.select_for_update().filter(pk__in=sorted(set(customer_ids))).order_by("pk").values("pk"))


@transaction.atomic
def purchase_update(*, purchase: Purchase) -> Purchase:
    """Save an edited purchase (fields already set, e.g. by a ModelForm)."""
    purchase.full_clean()
    _lock_customers([purchase.customer_id])
    purchase.save()
    customers_refresh_figures(customer_ids=[purchase.customer_id])
    purchases_changed.send(sender=Purchase, purchases=[purchase])
    return purchase


@transaction.atomic
def purchase_delete(*, purchase: Purchase) -> None:
    customer_id = purchase.customer_id
    _lock_customers([customer_id])
    purchase_removed.send(sender=Purchase, purchase=purchase)
    purchase.delete()
    customers_refresh_figures(customer_ids=[customer_id])


@transaction.atomic
def purchases_add_batch(*, purchases: list[Purchase]) -> list[Purchase]:
    """Write a batch of new purchases (an import's chunk, the API's bulk call) in a few statements.

    A purchase whose customer already has its invoice number is left as it was, so a batch sent
    twice writes nothing the second time. Returns the purchases written (without their ids);
    everything that follows a purchase is then brought up to date for their customers, set-based.
    """
    for purchase in purchases:
        if purchase.purchased_on > timezone.localdate():
            raise ValidationError({"purchased_on": _("This date is in the future.")}, code="future")
    _lock_customers(p.customer_id for p in purchases)
    written = _insert_new_purchases(purchases)
    if written:
        purchases_recorded(purchases=[(p.customer_id, p.purchased_on) for p in written])
    return written


# Purchases per INSERT of a batch (fewer where the database binds fewer parameters: SQLite).
_INSERT_ROWS = 1000


def _insert_new_purchases(purchases: list[Purchase]) -> list[Purchase]:
    """``INSERT ... ON CONFLICT DO NOTHING RETURNING`` the keys the database took: the purchases
    written are known from the insert itself, with no lookup of the batch's invoice numbers
    before it. Of two with one invoice number for one customer, the first is written."""
    fields = [field for field in Purchase._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(1, min(_INSERT_ROWS, connection.ops.bulk_batch_size(fields, purchases)))
    written = []
    with connection.cursor() as cursor:
        for start in range(0, len(purchases), size):
            part = purchases[start : start + size]
            params = [
                field.get_db_prep_save(field.pre_save(purchase, add=True), connection)
                for purchase in part
                for field in fields
            ]
            cursor.execute(
                f"INSERT INTO {quote(Purchase._meta.db_table)} ({columns}) VALUES "
                f"{', '.join([placeholders] * len(part))} ON CONFLICT DO NOTHING RETURNING customer_id, reference",
                params,
            )
            taken = {(customer_id, reference) for customer_id, reference in cursor.fetchall() if reference}
            for purchase in part:
                key = (purchase.customer_id, purchase.reference)
                if not purchase.reference or key in taken:
                    taken.discard(key)
                    written.append(purchase)
    return written


def purchases_recorded(*, purchases: list[tuple[int, datetime.date]]) -> None:
    """After new purchases are saved (one, or an import's batch): every figure that follows a purchase
    is brought up to date for those customers, set-based, and the purchases are announced.

    Within ``purchases_follow_ons_deferred`` they are only gathered, for ``purchases_follow_ons`` later."""
    gathered = _deferred.get()
    if gathered is not None:
        gathered.extend(purchases)
        return
    customers_refresh_figures(customer_ids={customer_id for customer_id, _day in purchases})
    customers_bought.send(sender=Purchase, purchases=purchases)


_deferred: ContextVar[list | None] = ContextVar("purchase_follow_ons_deferred", default=None)


@contextmanager
def purchases_follow_ons_deferred() -> Iterator[list[tuple[int, datetime.date]]]:
    """Purchases recorded within it are gathered in the list it yields, their follow-ons (figures,
    rhythm, points, ended silences) left for ``purchases_follow_ons``: an import writes a file chunk
    by chunk and settles its customers once at the end, each customer's row rewritten once per file
    instead of once per chunk (a row write is a new entry in each of the customer's indexes)."""
    gathered: list[tuple[int, datetime.date]] = []
    token = _deferred.set(gathered)
    try:
        yield gathered
    finally:
        _deferred.reset(token)


@transaction.atomic
def purchases_follow_ons(*, purchases: list[tuple[int, datetime.date]]) -> None:
    """The follow-ons of purchases written earlier (``purchases_follow_ons_deferred``), for a batch of
    their customers: locked first, as a batch of purchases locks them, so a purchase another request
    writes meanwhile is counted by one recount or the other."""
    _lock_customers(customer_id for customer_id, _day in purchases)
    purchases_recorded(purchases=purchases)


def customers_refresh_figures(*, customer_ids) -> None:
    """Purchase figures, then the purchase rhythm, of these customers."""
    customer_ids = list(customer_ids)
    customers_refresh_purchase_figures(customer_ids=customer_ids)
    customers_refresh_rhythm(customer_ids=customer_ids)


# --- the purchase rhythm ("silent") -----------------------------------------------------------

_RHYTHM_CHUNK = 5000


@transaction.atomic
def customers_refresh_rhythm(*, as_of: datetime.date | None = None, customer_ids=None) -> int:
    """Typical gap, expected next purchase and the silent flag, set-based (``customers.rhythm``).

    ``customer_ids=None`` (the nightly job) first learns the segments' and the shop's priors from
    every customer and stores them, and then announces the refresh (``customers_rhythm_refreshed``:
    win-back calls are raised for the silent). A batch refresh (after purchases) uses the stored
    priors and announces nothing: a purchase only ever ends a silence, and history typed in by
    hand, one old purchase after another, must not raise a call at each step. Returns how many
    customers' figures changed.
    """
    as_of = as_of or timezone.localdate()
    if customer_ids is None or not RhythmPrior.objects.exists():
        _store_rhythm_priors(as_of)
    rule, _adoption = silence_rule_in_force()
    if customer_ids is None:
        changed = _update_rhythm(as_of, rule, customer_filter="")
        _clear_rhythm(Customer.objects.all())
    else:
        customer_ids, changed = sorted(set(customer_ids)), 0
        for start in range(0, len(customer_ids), _RHYTHM_CHUNK):
            chunk = [int(pk) for pk in customer_ids[start : start + _RHYTHM_CHUNK]]
            ids = ", ".join(map(str, chunk))
            changed += _update_rhythm(as_of, rule, customer_filter=f"customer_id IN ({ids})")
            _clear_rhythm(Customer.objects.filter(pk__in=chunk))
        return changed
    customers_rhythm_refreshed.send(sender=Customer, as_of=as_of)
    return changed


def silence_rule_adopt(
    *, k: float | None, floor_days: int, by: AbstractBaseUser, backtest_as_of: datetime.date | None = None
) -> SilenceRuleAdoption:
    """A manager's choice of silence rule: the nightly refresh (and the next refresh) uses it."""
    adoption = SilenceRuleAdoption(k=k, floor_days=floor_days, adopted_by=by, backtest_as_of=backtest_as_of)
    adoption.full_clean()
    adoption.save()
    return adoption


def _store_rhythm_priors(as_of: datetime.date) -> None:
    sql, params = rhythm.priors_select(as_of=as_of)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    with transaction.atomic():
        hold_lock("rhythm-priors")  # two nightly runs at once must not both insert the priors
        RhythmPrior.objects.all().delete()
        RhythmPrior.objects.bulk_create(
            RhythmPrior(
                segment_id=segment_id,
                prior_gap=prior,
                first_return_days=first_return,
                first_return_median=first_median,
                computed_on=as_of,
            )
            for segment_id, prior, first_return, first_median in rows
        )


def _update_rhythm(as_of: datetime.date, rule: rhythm.SilenceRule, *, customer_filter: str) -> int:
    """One INSERT ... ON CONFLICT DO UPDATE from the rhythm; rows already right are not written."""
    cte, params = rhythm.rhythm_with(as_of=as_of, stored_priors=True, customer_filter=customer_filter)
    threshold = rule.threshold_sql()
    expected = f"CASE WHEN r.expected_gap IS NULL THEN NULL ELSE {add_days('r.last_on', 'r.expected_gap')} END"
    silent = (
        f"CASE WHEN {days_between(date_literal(as_of), 'r.last_on')} > {threshold} "
        f"THEN {add_days('r.last_on', f'CAST({threshold} AS INTEGER) + 1')} ELSE NULL END"
    )
    new = {"gap_days": "r.gap", "basis": "r.basis", "expected_purchase_on": expected, "silent_since": silent}
    table = PurchaseRhythm._meta.db_table
    changed = " OR ".join(differs(f"{table}.{column}", f"excluded.{column}") for column in new)
    assignments = ", ".join(f"{column} = excluded.{column}" for column in new)
    # "WHERE 1 = 1": without a WHERE, SQLite reads the ON of "ON CONFLICT" as a join's.
    sql = (
        f"{cte} INSERT INTO {table} (customer_id, {', '.join(new)}) "
        f"SELECT r.customer_id, {', '.join(new.values())} FROM rhythm AS r WHERE 1 = 1 "
        f"ON CONFLICT (customer_id) DO UPDATE SET {assignments} WHERE {changed}"
    )
    with without_nested_loops(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return rows_affected(cursor)


def _clear_rhythm(customers: QuerySet[Customer]) -> None:
    """Customers without a purchase have no rhythm (their last purchase was deleted, say)."""
    PurchaseRhythm.objects.filter(customer__in=customers.filter(purchase_count=0)).delete()


@transaction.atomic
def interaction_log(
    *,
    customer: Customer,
    kind: str,
    summary: str = "",
    outcome: str = "",
    occurred_at: datetime.datetime | None = None,
    by: AbstractBaseUser | None = None,
    reached: bool = True,
) -> Interaction:
    """Add to the timeline; a call, visit, email or SMS also moves the last contact date.

    ``reached=False`` (no answer, wrong number) is on the timeline but is not a contact.
    """
    interaction = Interaction(
        customer=customer,
        kind=kind,
        summary=summary,
        outcome=outcome,
        occurred_at=occurred_at or timezone.now(),
        created_by=by if by and by.is_authenticated else None,
    )
    interaction.full_clean()
    interaction.save()
    if reached and kind in Interaction.CONTACT_KINDS:
        contacted_on = timezone.localdate(interaction.occurred_at)
        Customer.objects.filter(
            Q(last_contact_on__isnull=True) | Q(last_contact_on__lt=contacted_on), pk=customer.pk
        ).update(last_contact_on=contacted_on)
        customer.refresh_from_db(fields=["last_contact_on"])
    return interaction


# --- segments ------------------------------------------------------------------------------


def segment_create(*, name: str) -> Segment:
    segment = Segment(name=name.strip())
    segment.full_clean()  # the unique name: "a segment with this name already exists"
    segment.save()
    return segment


def segment_rename(*, segment: Segment, name: str) -> Segment:
    segment.name = name.strip()
    segment.full_clean()
    segment.save(update_fields=["name"])
    return segment


@transaction.atomic
def segment_merge(*, source: Segment, into: Segment) -> int:
    """Two segments that are one group: ``source``'s customers join ``into`` in one UPDATE and
    ``source`` goes (its learned rhythm prior with it; the nightly refresh learns ``into``'s again).
    Returns how many customers moved."""
    if source.pk == into.pk:
        raise ValidationError({"into": _("Choose another segment to merge into.")})
    moved = Customer.objects.filter(segment=source).update(segment=into)
    source.delete()
    return moved
