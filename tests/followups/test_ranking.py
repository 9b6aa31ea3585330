"""followups.ranking: one score for every kind of call, money at risk with urgency on top."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from customers.services import purchase_add
from followups.models import FollowUp
from followups.ranking import RankExplanation, ranked
from tests.factories import CustomerFactory, FollowUpFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
TODAY = datetime.date(2026, 6, 1)  # a past day: purchases cannot be in the future


def _customer_worth(yearly: int | None, *, first_purchase_days_ago: int = 400):
    """A customer whose expected yearly value is ``yearly`` Rial (None: has never bought)."""
    customer = CustomerFactory()
    if yearly is not None:
        days = first_purchase_days_ago
        total = Decimal(yearly) * max(days, 365) / 365
        purchase_add(customer=customer, purchased_on=TODAY - days * DAY, amount=total.quantize(Decimal(1)))
    return customer


def _call(reason, yearly, overdue=0):
    customer = _customer_worth(yearly)
    return FollowUpFactory(customer=customer, reason=reason, scheduled_on=TODAY - overdue * DAY)


def _score(call) -> float:
    return ranked(FollowUp.objects.filter(pk=call.pk), day=TODAY).get().rank_score


# (reason, yearly value in Rial, days overdue) -> score = value × risk × (1 + overdue / 7), overdue capped at 28
SCORES = [
    ("periodic", 10_000_000, 0, 1_000_000),
    ("periodic", 10_000_000, 7, 2_000_000),
    ("periodic", 10_000_000, 14, 3_000_000),
    ("periodic", 10_000_000, 28, 5_000_000),
    ("periodic", 10_000_000, 60, 5_000_000),  # urgency stops growing after four weeks
    ("detractor", 10_000_000, 0, 5_000_000),
    ("win_back", 10_000_000, 0, 4_000_000),
    ("renewal", 10_000_000, 0, 3_500_000),
    ("referral", 10_000_000, 0, 2_000_000),
    ("onboarding", 10_000_000, 0, 2_000_000),
    ("points_expiring", 10_000_000, 0, 1_500_000),
    ("one_off", 10_000_000, 0, 1_500_000),
    ("detractor", 2_000_000, 7, 2_000_000),
]


@pytest.mark.parametrize(("reason", "yearly", "overdue", "score"), SCORES)
def test_the_score_is_value_times_risk_times_urgency(reason, yearly, overdue, score):
    assert _score(_call(reason, yearly, overdue)) == pytest.approx(score)


# (a, b): call a ranks above call b
ABOVE = [
    (("detractor", 10_000_000, 0), ("periodic", 40_000_000, 0)),  # a detractor outweighs 4× the value on a routine call
    (("periodic", 60_000_000, 0), ("detractor", 10_000_000, 0)),  # but not 6×
    (("win_back", 10_000_000, 0), ("renewal", 10_000_000, 0)),
    (("periodic", 10_000_000, 21), ("detractor", 7_000_000, 0)),  # three weeks late: 4× its stake
    (("periodic", 1_000_000, 1), ("periodic", 1_000_000, 0)),  # same customer worth, one day later
]


@pytest.mark.parametrize(("higher", "lower"), ABOVE)
def test_one_list_orders_every_kind_of_call(higher, lower):
    assert _score(_call(*higher)) > _score(_call(*lower))


def test_a_call_not_yet_due_counts_as_due_today():
    upcoming = FollowUpFactory(customer=_customer_worth(10_000_000), reason="periodic", scheduled_on=TODAY + 3 * DAY)

    assert _score(upcoming) == pytest.approx(1_000_000)


def test_a_customer_who_has_not_bought_yet_counts_as_the_typical_customer():
    for yearly in (1_000_000, 5_000_000, 9_000_000):
        _customer_worth(yearly)
    newcomer = FollowUpFactory(customer=CustomerFactory(), reason="referral", scheduled_on=TODAY)

    assert _score(newcomer) == pytest.approx(5_000_000 * 0.2)  # the median customer's value × the referral's risk


def test_with_no_buying_customer_at_all_a_newcomers_stake_is_zero_and_nothing_breaks():
    call = FollowUpFactory(customer=CustomerFactory(), reason="onboarding", scheduled_on=TODAY)

    assert _score(call) == 0


def test_a_young_customer_is_valued_over_a_whole_year_not_annualised_up():
    young = _customer_worth(None)
    purchase_add(customer=young, purchased_on=TODAY - 30 * DAY, amount=Decimal(12_000_000))
    call = FollowUpFactory(customer=young, reason="periodic", scheduled_on=TODAY)

    assert _score(call) == pytest.approx(12_000_000 * 0.1)  # not 12M × 365/30


def test_an_old_customer_is_valued_per_year_of_custom():
    old = _customer_worth(None)
    purchase_add(customer=old, purchased_on=TODAY - 730 * DAY, amount=Decimal(20_000_000))
    call = FollowUpFactory(customer=old, reason="periodic", scheduled_on=TODAY)

    assert _score(call) == pytest.approx(10_000_000 * 0.1)


def test_the_rank_explanation_shows_each_factor():
    call = ranked(FollowUp.objects.filter(pk=_call("detractor", 10_000_000, 3).pk), day=TODAY).get()

    why = RankExplanation.of(call)

    assert (why.value, why.risk, why.overdue_days) == (pytest.approx(10_000_000), 0.5, 3)
    assert why.at_stake == pytest.approx(5_000_000)
    assert (why.risk_percent, why.urgency) == (50.0, 1.43)
    assert why.score == pytest.approx(5_000_000 * (1 + 3 / 7))


def test_ranking_works_with_today_from_the_clock_too():
    call = FollowUpFactory(customer=_customer_worth(3_650_000), reason="periodic", scheduled_on=timezone.localdate())

    assert ranked(FollowUp.objects.filter(pk=call.pk), day=timezone.localdate()).get().rank_score > 0
