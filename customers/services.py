"""Writes to customers, purchases and the timeline; the only place figures change."""

import datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, DecimalField, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import field_changes_recorded
from core.db import add_days, date_literal, days_between, differs, hold_lock, rows_affected
from customers import rhythm
from customers.models import Contract, Customer, Interaction, Purchase, RhythmPrior, Segment, SilenceRuleAdoption
from customers.selectors import purchases_by_invoice, silence_rule_in_force
from customers.signals import (
    customer_reassigned,
    customers_bought,
    customers_reassigned_many,
    customers_rhythm_refreshed,
    purchase_changed,
    purchase_removed,
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


def customers_refresh_purchase_figures(*, customer_ids) -> int:
    """Recompute first/last purchase, count and total from the purchases, in one UPDATE."""
    purchases = Purchase.objects.filter(customer=OuterRef("pk")).order_by().values("customer")
    money = DecimalField(max_digits=20, decimal_places=0)
    return Customer.objects.filter(pk__in=list(customer_ids)).update(
        first_purchase_on=Subquery(purchases.annotate(v=Min("purchased_on")).values("v")),
        last_purchase_on=Subquery(purchases.annotate(v=Max("purchased_on")).values("v")),
        purchase_count=Coalesce(Subquery(purchases.annotate(v=Count("pk")).values("v")), Value(0)),
        total_spent=Coalesce(
            Subquery(purchases.annotate(v=Sum("amount")).values("v"), output_field=money),
            Value(Decimal(0)),
            output_field=money,
        ),
    )


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
    purchase_changed.send(sender=Purchase, purchase=purchase)
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
    twice writes nothing the second time. Returns the purchases written; everything that follows
    a purchase is then brought up to date for their customers, set-based.
    """
    for purchase in purchases:
        if purchase.purchased_on > timezone.localdate():
            raise ValidationError({"purchased_on": _("This date is in the future.")}, code="future")
    _lock_customers(p.customer_id for p in purchases)
    before = purchases_by_invoice({(p.customer_id, p.reference) for p in purchases})
    Purchase.objects.bulk_create(purchases, batch_size=1000, ignore_conflicts=True)
    written = [p for p in purchases if not p.reference or (p.customer_id, p.reference) not in before]
    if written:
        purchases_recorded(purchases=[(p.customer_id, p.purchased_on) for p in written])
    return written


def purchases_recorded(*, purchases: list[tuple[int, datetime.date]]) -> None:
    """After new purchases are saved (one, or an import's batch): every figure that follows a purchase
    is brought up to date for those customers, set-based, and the purchases are announced."""
    customers_refresh_figures(customer_ids={customer_id for customer_id, _day in purchases})
    customers_bought.send(sender=Purchase, purchases=purchases)


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
    """One UPDATE ... FROM the rhythm; rows whose figures are already right are not written."""
    cte, params = rhythm.rhythm_with(as_of=as_of, stored_priors=True, customer_filter=customer_filter)
    threshold = rule.threshold_sql()
    expected = f"CASE WHEN r.expected_gap IS NULL THEN NULL ELSE {add_days('r.last_on', 'r.expected_gap')} END"
    silent = (
        f"CASE WHEN {days_between(date_literal(as_of), 'r.last_on')} > {threshold} "
        f"THEN {add_days('r.last_on', f'CAST({threshold} AS INTEGER) + 1')} ELSE NULL END"
    )
    new = {
        "rhythm_gap_days": "r.gap",
        "rhythm_basis": "r.basis",
        "expected_purchase_on": expected,
        "silent_since": silent,
    }
    changed = " OR ".join(differs(f"customers_customer.{column}", value) for column, value in new.items())
    assignments = ", ".join(f"{column} = {value}" for column, value in new.items())
    sql = (
        f"{cte} UPDATE customers_customer SET {assignments} FROM rhythm AS r "
        f"WHERE customers_customer.id = r.customer_id AND ({changed})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return rows_affected(cursor)


def _clear_rhythm(customers: QuerySet[Customer]) -> None:
    """Customers without a purchase have no rhythm (their last purchase was deleted, say)."""
    customers.filter(purchase_count=0).exclude(rhythm_basis="").update(
        rhythm_gap_days=None, rhythm_basis="", expected_purchase_on=None, silent_since=None
    )


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
