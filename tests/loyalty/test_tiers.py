"""Tiers on rolling 12-month spend: bronze from the first Rial, silver from 20,000,000 Rial (2M Toman),
gold from 100,000,000 Rial (10M Toman); up at once, down one tier after 30 days under, never two.

Worked by hand, for a customer who spent 120,000,000 Rial on 1 Jan 2025 and nothing after:

    review on 2 Jan 2025      spend 120M -> gold (moved up from none)
    review on 2 Jan 2026      spend of the last 365 days: 0 -> under gold since 2 Jan 2026
    review on 31 Jan 2026     29 days under: still gold
    review on 1 Feb 2026      30 days under: down one, to silver (not straight to bronze or none);
                              the grace period starts again under silver
    review on 3 Mar 2026      30 days under silver: down to bronze
"""

import datetime
from decimal import Decimal

import pytest

from customers.models import Purchase
from loyalty import tiers
from loyalty.models import LoyaltyAccount, TierChange
from tests.concurrency import run_at_once, skip_on_sqlite
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def _spent(customer, rial, on):
    Purchase.objects.create(customer=customer, purchased_on=on, amount=Decimal(rial))


def _rank(customer) -> int:
    return LoyaltyAccount.objects.get(customer=customer).tier_rank


@pytest.mark.parametrize(
    ("rial", "rank"), [(1, 1), (19_999_999, 1), (20_000_000, 2), (99_999_999, 2), (100_000_000, 3)]
)
def test_the_thresholds_are_inclusive(customer, rial, rank):
    _spent(customer, rial, D(2026, 1, 1))
    tiers.tiers_review(today=D(2026, 1, 2))
    assert _rank(customer) == rank == tiers.rank_for(Decimal(rial))


def test_a_downgrade_waits_the_grace_period_and_drops_one_tier_a_review(customer):
    _spent(customer, 120_000_000, D(2025, 1, 1))
    assert tiers.tiers_review(today=D(2025, 1, 2)) == 1
    assert _rank(customer) == 3
    assert tiers.tiers_review(today=D(2026, 1, 2)) == 0
    assert tiers.tiers_review(today=D(2026, 1, 31)) == 0
    assert _rank(customer) == 3
    assert tiers.tiers_review(today=D(2026, 2, 1)) == 1
    assert _rank(customer) == 2
    tiers.tiers_review(today=D(2026, 2, 2))
    assert _rank(customer) == 2  # not a second tier the day after
    tiers.tiers_review(today=D(2026, 3, 3))
    assert _rank(customer) == 1
    moves = list(TierChange.objects.order_by("changed_on").values_list("from_rank", "to_rank", "changed_on"))
    assert moves == [(0, 3, D(2025, 1, 2)), (3, 2, D(2026, 2, 1)), (2, 1, D(2026, 3, 3))]


def test_buying_again_within_the_grace_period_keeps_the_tier(customer):
    _spent(customer, 30_000_000, D(2025, 1, 1))
    tiers.tiers_review(today=D(2025, 1, 2))
    tiers.tiers_review(today=D(2026, 1, 2))  # the spend fell under silver's threshold
    _spent(customer, 25_000_000, D(2026, 1, 10))
    tiers.tiers_review(today=D(2026, 1, 11))
    tiers.tiers_review(today=D(2026, 3, 1))
    assert _rank(customer) == 2
    assert LoyaltyAccount.objects.get(customer=customer).below_tier_since is None


def test_a_review_run_twice_a_day_moves_nobody_twice(customer):
    _spent(customer, 120_000_000, D(2026, 1, 1))
    assert tiers.tiers_review(today=D(2026, 1, 2)) == 1
    assert tiers.tiers_review(today=D(2026, 1, 2)) == 0
    assert TierChange.objects.count() == 1


def test_the_review_is_a_few_statements_for_any_number_of_customers(rep, django_assert_max_num_queries):
    for n in range(40):
        _spent(CustomerFactory(owner=rep), 1_000_000 * (n + 1), D(2026, 1, 1))
    tiers.tiers()  # the ladder exists (a first review creates it)
    with django_assert_max_num_queries(8):  # the same for 40 customers as for 40,000
        tiers.tiers_review(today=D(2026, 1, 2))
    assert sorted({rank for (rank,) in LoyaltyAccount.objects.values_list("tier_rank")}) == [1, 2]


@pytest.mark.django_db(transaction=True)
def test_two_reviews_at_once_move_each_customer_once(rep):
    skip_on_sqlite()
    customers = CustomerFactory.create_batch(5, owner=rep)
    for customer in customers:
        _spent(customer, 50_000_000, D(2026, 1, 1))
    run_at_once(lambda: tiers.tiers_review(today=D(2026, 1, 2)), count=3)
    assert TierChange.objects.count() == 5
    assert set(LoyaltyAccount.objects.values_list("tier_rank", flat=True)) == {2}
