"""Writes to customers, purchases and the timeline; the only place figures change."""

import datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, DecimalField, Max, Min, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from customers.models import Customer, Interaction, Purchase
from customers.signals import customer_reassigned


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


def _locked_owner_id(customer: Customer) -> int | None:
    return Customer.objects.select_for_update().filter(pk=customer.pk).values_list("owner_id", flat=True).first()


def _announce_if_reassigned(customer: Customer, owner_before: int | None) -> None:
    if owner_before != customer.owner_id:
        customer_reassigned.send(sender=Customer, customer=customer)


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
    purchase.save()
    customers_refresh_purchase_figures(customer_ids=[customer.pk])
    return purchase


@transaction.atomic
def purchase_update(*, purchase: Purchase) -> Purchase:
    """Save an edited purchase (fields already set, e.g. by a ModelForm)."""
    purchase.full_clean()
    purchase.save()
    customers_refresh_purchase_figures(customer_ids=[purchase.customer_id])
    return purchase


@transaction.atomic
def purchase_delete(*, purchase: Purchase) -> None:
    customer_id = purchase.customer_id
    purchase.delete()
    customers_refresh_purchase_figures(customer_ids=[customer_id])


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
