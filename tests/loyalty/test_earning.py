"""Earning points: per purchase exactly once (whatever reruns it), whole steps only, pending for the
returns window, a bonus per survey answer and per referral's first purchase; set-based in bulk.

The shop's rules in these tests: 1 point per 100,000 Rial (10,000 Toman), a 14-day returns window,
points expiring 12 months after they were earned, 20 points for a survey answer, 100 for a referral.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from customers.models import Customer, Purchase
from customers.services import purchase_add, purchases_recorded
from loyalty import services
from loyalty.models import LoyaltyAccount, PointsEntry
from tests.concurrency import run_at_once, skip_on_sqlite
from tests.factories import CustomerFactory
from tests.surveys.factories import SurveyCustomerFactory, send_survey

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
Kind, State = PointsEntry.Kind, PointsEntry.State


def _today():
    return timezone.localdate()


def _buy(customer, amount, days_ago=30) -> Purchase:
    return purchase_add(customer=customer, purchased_on=_today() - days_ago * DAY, amount=Decimal(amount))


def _balance(customer) -> tuple[int, int]:
    account = LoyaltyAccount.objects.get(customer=customer)
    return account.available, account.pending


@pytest.mark.parametrize(
    ("rial", "points"),
    [(99_999, 0), (100_000, 1), (2_550_000, 25), (2_599_999, 25), (10_000_000, 100)],
)
def test_points_are_whole_steps_of_the_amount_rounded_down(rial, points):
    assert services.points_for(Decimal(rial)) == points


def test_a_purchase_earns_once_and_its_points_expire_a_year_after_it(customer):
    purchase = _buy(customer, 2_550_000, days_ago=30)
    entry = PointsEntry.objects.get(customer=customer)
    assert (entry.points, entry.kind, entry.state, entry.purchase) == (25, Kind.PURCHASE, State.AVAILABLE, purchase)
    assert entry.expires_on == purchase.purchased_on.replace(year=purchase.purchased_on.year + 1)
    assert _balance(customer) == (25, 0)


def test_points_of_a_recent_purchase_wait_out_the_returns_window(customer):
    _buy(customer, 500_000, days_ago=3)
    entry = PointsEntry.objects.get(customer=customer)
    assert (entry.state, entry.available_on) == (State.PENDING, _today() + 11 * DAY)
    assert _balance(customer) == (0, 5)

    assert services.points_release_pending(today=_today() + 10 * DAY) == 0
    assert services.points_release_pending(today=_today() + 11 * DAY) == 1
    assert _balance(customer) == (5, 0)


def test_a_purchase_too_small_for_a_point_writes_nothing(customer):
    _buy(customer, 99_000)
    assert not PointsEntry.objects.exists()


def test_announcing_the_same_purchases_again_earns_nothing_more(customer):
    _buy(customer, 1_000_000)
    purchases_recorded(purchases=[(customer.pk, _today())])  # a re-import announces them again
    services.purchases_earn()  # and the backfill over everything runs too
    assert PointsEntry.objects.count() == 1
    assert _balance(customer) == (10, 0)


def test_the_backfill_earns_for_every_past_purchase_in_a_few_statements(rep, django_assert_max_num_queries):
    customers = CustomerFactory.create_batch(30, owner=rep)
    Purchase.objects.bulk_create(  # purchases that came in before loyalty existed: nothing announced
        Purchase(customer=customer, purchased_on=_today() - (days + 20) * DAY, amount=Decimal(300_000 * (days + 1)))
        for customer in customers
        for days in range(4)
    )
    with django_assert_max_num_queries(16):  # a few statements, not one per purchase (120 here)
        written = services.purchases_earn()
    assert written == 120
    assert sum(LoyaltyAccount.objects.values_list("available", flat=True)) == 30 * (3 + 6 + 9 + 12)
    assert services.purchases_earn() == 0


def test_a_survey_answer_earns_its_bonus_once_even_when_changed(client):
    customer = SurveyCustomerFactory()
    sent = send_survey(customer)
    client.post(sent.path, {"score": "9"})
    client.post(sent.path, {"score": "10", "reason": "عالی"})
    bonus = PointsEntry.objects.get(customer=customer)
    assert (bonus.kind, bonus.points) == (Kind.SURVEY, 20)
    assert _balance(customer) == (20, 0)


def test_a_referral_earns_the_referrer_a_bonus_when_the_referred_customer_first_buys(customer, rep):
    referred = CustomerFactory(owner=rep, referred_by=customer, source=Customer.Source.REFERRAL)
    services.purchases_earn(customer_ids=[referred.pk])
    assert not PointsEntry.objects.filter(kind=Kind.REFERRAL).exists()  # no purchase yet

    _buy(referred, 50_000)
    _buy(referred, 70_000, days_ago=10)  # a second purchase brings no second bonus
    bonus = PointsEntry.objects.get(kind=Kind.REFERRAL)
    assert (bonus.customer, bonus.points, bonus.facts) == (customer, 100, {"referred_id": referred.pk})
    assert _balance(customer) == (100, 0)


def test_changed_rules_apply_to_purchases_earned_from_then_on(customer):
    _buy(customer, 1_000_000)
    rules = services.earning_rules()
    rules.points_per_step, rules.step = 3, Decimal(50_000)
    rules.save()
    _buy(customer, 1_000_000, days_ago=20)
    assert sorted(PointsEntry.objects.values_list("points", flat=True)) == [10, 60]


@pytest.mark.django_db(transaction=True)
def test_two_workers_earning_at_once_write_each_purchase_once(rep):
    skip_on_sqlite()
    customers = CustomerFactory.create_batch(5, owner=rep)
    Purchase.objects.bulk_create(
        Purchase(customer=customer, purchased_on=_today() - 40 * DAY, amount=Decimal(1_000_000))
        for customer in customers
    )
    written = run_at_once(services.purchases_earn, count=3)
    assert sum(written) == 5
    assert PointsEntry.objects.count() == 5
    assert set(LoyaltyAccount.objects.values_list("available", flat=True)) == {10}
