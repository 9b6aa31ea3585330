"""customers 0016: the purchase rhythm moves off the customer row into ``PurchaseRhythm``, and back."""

import datetime

import pytest

from customers.models import PurchaseRhythm
from tests.migrations import latest, migrate_to

BEFORE = [("customers", "0015_sort_indexes_hold_the_owner")]
DAY = datetime.date(2026, 9, 1)


def _old_customers(apps):
    Customer = apps.get_model("customers", "Customer")
    return {
        "regular": Customer.objects.create(
            name="منظم",
            mobile="09120000001",
            rhythm_gap_days=30,
            rhythm_basis="own",
            expected_purchase_on=DAY,
            silent_since=None,
        ),
        "silent": Customer.objects.create(
            name="خاموش",
            mobile="09120000002",
            rhythm_gap_days=40,
            rhythm_basis="first_return",
            expected_purchase_on=DAY,
            silent_since=DAY,
        ),
        "never bought": Customer.objects.create(name="تازه", mobile="09120000003"),
    }


@pytest.mark.django_db(transaction=True)
def test_each_customers_rhythm_moves_to_its_own_row_and_a_customer_without_one_gets_none():
    customers = _old_customers(migrate_to(BEFORE))

    migrate_to(latest())

    rows = {
        row.customer_id: (row.gap_days, row.basis, row.expected_purchase_on, row.silent_since)
        for row in PurchaseRhythm.objects.all()
    }
    assert rows == {
        customers["regular"].pk: (30, "own", DAY, None),
        customers["silent"].pk: (40, "first_return", DAY, DAY),
    }


@pytest.mark.django_db(transaction=True)
def test_going_back_puts_the_figures_on_the_customer_row_again():
    customers = _old_customers(migrate_to(BEFORE))
    migrate_to(latest())

    Customer = migrate_to(BEFORE).get_model("customers", "Customer")

    def figures(name):
        customer = Customer.objects.get(pk=customers[name].pk)
        return customer.rhythm_gap_days, customer.rhythm_basis, customer.expected_purchase_on, customer.silent_since

    assert figures("regular") == (30, "own", DAY, None)
    assert figures("silent") == (40, "first_return", DAY, DAY)
    assert figures("never bought") == (None, "", None, None)
    migrate_to(latest())
