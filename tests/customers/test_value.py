"""customers.selectors: one definition of a customer's expected yearly value, for ranking, sorting and risk."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache

from customers.models import Customer
from customers.selectors import customer_list, customer_value_expression, typical_customer_value
from customers.services import purchase_add
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
TODAY = datetime.date(2026, 6, 1)  # a past day: purchases cannot be in the future


def _value(customer, day=TODAY) -> float:
    return Customer.objects.annotate(value=customer_value_expression(day=day)).get(pk=customer.pk).value


def _buyer(*purchases):
    customer = CustomerFactory()
    for days_ago, amount in purchases:
        purchase_add(customer=customer, purchased_on=TODAY - days_ago * DAY, amount=Decimal(amount))
    return customer


@pytest.mark.parametrize(
    ("purchases", "value"),
    [
        ([(10, 5_000_000)], 5_000_000),  # a new customer: counted over a whole year, not annualised up
        ([(364, 3_000_000), (10, 3_000_000)], 6_000_000),
        ([(730, 10_000_000), (5, 10_000_000)], 10_000_000),  # two years of custom: per year
        ([(1095, 9_000_000)], 3_000_000),  # bought once three years ago: a third a year
    ],
)
def test_the_yearly_value_is_spend_per_year_as_a_customer_over_at_least_a_year(purchases, value):
    assert _value(_buyer(*purchases)) == pytest.approx(value)


def test_a_customer_who_never_bought_is_worth_nothing_unless_told_otherwise():
    never = CustomerFactory()

    assert _value(never) == 0
    assert Customer.objects.annotate(v=customer_value_expression(day=TODAY, unknown=7.0)).get(pk=never.pk).v == 7.0


def test_the_typical_value_is_the_median_of_the_buying_customers_and_is_cached():
    for amount in (1_000_000, 2_000_000, 50_000_000):
        _buyer((400, round(amount * 400 / 365)))
    CustomerFactory()  # not buying: not counted

    assert typical_customer_value(day=TODAY) == pytest.approx(2_000_000)
    _buyer((400, round(90_000_000 * 400 / 365)))
    assert typical_customer_value(day=TODAY) == pytest.approx(2_000_000)  # cached for the hour
    cache.clear()
    assert typical_customer_value(day=TODAY) == pytest.approx(50_000_000)  # four: the upper median


def test_the_typical_value_of_a_shop_without_purchases_is_zero():
    CustomerFactory()
    assert typical_customer_value(day=TODAY) == 0.0


def test_the_customer_list_sorts_by_expected_yearly_value(manager):
    old_big = _buyer((1000, 30_000_000))  # 10.95M a year
    young = _buyer((20, 12_000_000))  # 12M a year
    small = _buyer((20, 1_000_000))

    ordered = list(customer_list(user=manager, sort="-yearly_value"))

    assert ordered == [young, old_big, small]
    assert ordered[0].yearly_value > ordered[1].yearly_value


def test_the_customer_list_page_shows_the_yearly_value_in_persian(manager_client):
    _buyer((20, 12_000_000))

    html = manager_client.get("/customers/", {"sort": "-yearly_value"}).content.decode()

    assert 'data-testid="yearly-value">۱٬۲۰۰٬۰۰۰ تومان<' in html
