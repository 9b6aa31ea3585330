import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from customers import services
from tests.factories import CustomerFactory


@pytest.fixture
def customer(rep):
    return CustomerFactory(name="علی کاظمی", owner=rep)


@pytest.fixture
def purchase(customer):
    return services.purchase_add(customer=customer, purchased_on=datetime.date(2024, 5, 4), amount=Decimal(2_500_000))


def entries_about(instance, action=None):
    """The instance's own entries, oldest first."""
    entries = LogEntry.objects.get_for_object(instance).order_by("timestamp", "id")
    return list(entries if action is None else entries.filter(action=action))
