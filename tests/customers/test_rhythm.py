"""customers.rhythm through customers.services: typical gaps, shrinkage, first returns and the silent flag.

The same figures on SQLite (./run test) and PostgreSQL (CI): the SQL differs only in date arithmetic.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from customers.models import Customer, PurchaseRhythm, RhythmPrior, SilenceRuleAdoption
from customers.services import customers_refresh_rhythm, purchase_add, purchase_delete
from tests.factories import CustomerFactory, SegmentFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _today():
    return timezone.localdate()


def _buyer(*days_ago, **fields):
    customer = CustomerFactory(**fields)
    for days in days_ago:
        purchase_add(customer=customer, purchased_on=_today() - days * DAY, amount=Decimal(1_000_000))
    return customer


@pytest.fixture
def shop():
    """Own median gaps: A 30 (one gap), B 20 (10, 20, 60), C 40 (40, 40), E 30 (a same-day double, then 30).

    All customers' median of those: 30. First returns: 30, 10, 40, 30 -> 80% are back within 40
    days, the median within 30. D has bought once; Z never.
    """
    shop = {
        "A": _buyer(100, 70),
        "B": _buyer(200, 190, 170, 110),
        "C": _buyer(100, 60, 20),
        "D": _buyer(50),
        "E": _buyer(40, 40, 10),
        "Z": CustomerFactory(),
    }
    customers_refresh_rhythm()
    return shop


def _rhythm(customer) -> PurchaseRhythm:
    """The customer's stored rhythm as it is now."""
    return PurchaseRhythm.objects.get(customer=customer)


def _ago(days):
    return _today() - days * DAY


# name -> (judged gap, basis, expected next purchase, silent since)
EXPECTED = {
    "A": (30, "own", 40, 9),  # (1 × 30 + 2 × 30) / 3 = 30; 70 days silent > 2 × 30: silent since day 61
    "B": (24, "own", 86, 61),  # (3 × 20 + 2 × 30) / 5 = 24; threshold max(30, 48)
    "C": (35, "own", -15, None),  # (2 × 40 + 2 × 30) / 4 = 35; 20 days is within 70
    "D": (40, "first_return", 20, 9),  # once: back within 40 days for 80%; expected after the median 30
    "E": (30, "own", -20, None),  # two purchases on one day are one visit: one gap of 30, not 0 and 30
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_customer_gets_the_rhythm_the_rule_table_says(shop, name):
    gap, basis, expected_ago, silent_ago = EXPECTED[name]
    stored = _rhythm(shop[name])

    assert (stored.gap_days, stored.basis) == (gap, basis)
    assert stored.expected_purchase_on == _ago(expected_ago)
    assert stored.silent_since == (None if silent_ago is None else _ago(silent_ago))


def test_a_customer_who_never_bought_has_no_rhythm(shop):
    assert not PurchaseRhythm.objects.filter(customer=shop["Z"]).exists()


def test_the_shop_priors_are_stored_for_refreshing_one_customer_between_nights(shop):
    prior = RhythmPrior.objects.get(segment=None)

    assert (prior.prior_gap, prior.first_return_days, prior.first_return_median) == (30, 40, 30)


def test_a_segment_with_enough_repeat_buyers_draws_its_members_toward_its_own_median():
    wholesale = SegmentFactory(name="عمده")
    for _ in range(5):
        _buyer(30, 23, 16, 9, segment=wholesale)  # weekly buyers: own gap 7
    _buyer(300, 200)  # a slow retail customer outside the segment
    newcomer = _buyer(25, 5, segment=wholesale)  # one gap of 20

    customers_refresh_rhythm()

    assert _rhythm(newcomer).gap_days == round((20 + 2 * 7) / 3)  # 11: toward the segment's 7, not the shop's


def test_a_segment_with_too_few_repeat_buyers_falls_back_to_all_customers():
    small = SegmentFactory(name="کوچک")
    _buyer(30, 23, segment=small)  # own 7, the segment's only other buyer
    _buyer(100, 50)  # own 50
    _buyer(90, 60)  # own 30
    newcomer = _buyer(45, 5, segment=small)  # own 40

    customers_refresh_rhythm()

    # all customers' own gaps 7, 30, 40, 50: median 35; (40 + 2 × 35) / 3 = 36.7
    assert _rhythm(newcomer).gap_days == 37


def test_a_purchase_in_the_future_is_refused():
    customer = CustomerFactory()
    with pytest.raises(ValidationError) as error:
        purchase_add(customer=customer, purchased_on=_today() + DAY, amount=Decimal(1))
    assert "purchased_on" in error.value.message_dict
    assert not customer.purchases.exists()


def test_a_new_purchase_clears_the_silence_at_once(shop):
    purchase_add(customer=shop["A"], purchased_on=_today(), amount=Decimal(5))

    assert _rhythm(shop["A"]).silent_since is None
    assert _rhythm(shop["A"]).expected_purchase_on > _today()


def test_deleting_the_last_purchase_leaves_no_rhythm(shop):
    purchase_delete(purchase=shop["D"].purchases.get())

    assert not PurchaseRhythm.objects.filter(customer=shop["D"]).exists()


def test_an_adopted_flat_rule_flags_by_recency_alone(shop, manager):
    SilenceRuleAdoption.objects.create(k=None, floor_days=60, adopted_by=manager)

    customers_refresh_rhythm()

    silent = set(Customer.objects.filter(rhythm__silent_since__isnull=False).values_list("name", flat=True))
    assert silent == {shop["A"].name, shop["B"].name}  # 70 and 110 days; D (50) no longer


def test_a_refresh_writes_only_the_customers_whose_figures_changed(shop):
    assert customers_refresh_rhythm() == 0
    assert customers_refresh_rhythm(customer_ids=[shop["A"].pk, shop["C"].pk]) == 0


def test_the_rhythm_is_computed_as_of_a_given_day(shop):
    customers_refresh_rhythm(as_of=_today() - 30 * DAY, customer_ids=[shop["C"].pk])

    # as of 30 days ago C had bought at 100 and 60 days ago: one gap of 40
    assert _rhythm(shop["C"]).gap_days == round((40 + 2 * 30) / 3)
