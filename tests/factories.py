"""factory-boy factories, one per model, shared by every test folder."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from core.roles import MANAGER_GROUP, REP_GROUP
from customers.models import Customer, Interaction, Purchase, Segment
from followups import cadence


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("secret-pass-123")


class RepFactory(UserFactory):
    """A user in the rep group: can own customers and appears in owner pickers."""

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(Group.objects.get_or_create(name=REP_GROUP)[0])


class ManagerFactory(UserFactory):
    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(Group.objects.get_or_create(name=MANAGER_GROUP)[0])


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Segment
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"segment {n}")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"مشتری {n}")
    mobile = factory.Sequence(lambda n: f"0912{n:07d}")
    city = "تهران"
    owner = factory.SubFactory(UserFactory)


class PurchaseFactory(factory.django.DjangoModelFactory):
    """Builds a purchase row directly; use customers.services to keep figures right."""

    class Meta:
        model = Purchase

    customer = factory.SubFactory(CustomerFactory)
    purchased_on = datetime.date(2024, 5, 4)
    amount = Decimal(1_000_000)
    reference = factory.Sequence(lambda n: f"INV-{n}")


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    customer = factory.SubFactory(CustomerFactory)
    kind = Interaction.Kind.CALL
    summary = "تماس گرفته شد"


class FollowUpPlanFactory(factory.django.DjangoModelFactory):
    """A plan exactly as followups.services leaves it before materialisation.

    ``anchor_on`` is the first due date, ``next_index`` 0 and ``next_due_on`` occurrence 0
    moved to a working day (with the working days of the current settings). Nothing is
    materialised: call ``followups.services.materialise_due`` (or use ``plan_create``).
    """

    class Meta:
        model = "followups.FollowUpPlan"

    customer = factory.SubFactory(CustomerFactory)
    assignee = factory.LazyAttribute(lambda plan: plan.customer.owner)
    every = 1
    unit = "months"
    calendar = "jalali"
    channel = "call"
    purpose = "تماس دوره‌ای"
    starts_on = factory.LazyFunction(lambda: timezone.localdate())
    anchor_on = factory.LazyAttribute(lambda plan: plan.starts_on)
    next_index = 0
    next_due_on = factory.LazyAttribute(
        lambda plan: cadence.due_on(
            plan.anchor_on, plan.next_index, plan.every, plan.unit, plan.calendar, cadence.WorkingDays.from_settings()
        )
    )


class FollowUpFactory(factory.django.DjangoModelFactory):
    """A one-off follow-up due today; pass ``plan=`` (and ``reason="periodic"``) for a plan's occurrence."""

    class Meta:
        model = "followups.FollowUp"

    customer = factory.SubFactory(CustomerFactory)
    assignee = factory.LazyAttribute(lambda followup: followup.customer.owner)
    reason = "one_off"
    purpose = "پیگیری سفارش"
    scheduled_on = factory.LazyFunction(lambda: timezone.localdate())
    due_on = factory.LazyAttribute(lambda followup: followup.scheduled_on)
