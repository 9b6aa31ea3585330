"""factory-boy factories, one per model, shared by every test folder."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from customers.models import Customer, Interaction, Purchase, Segment
from retention_crm.roles import MANAGER_GROUP, REP_GROUP


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
