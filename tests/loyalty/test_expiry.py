"""Expiry, first in first out, worked by hand.

A customer (1 point per 100,000 Rial; points expire 12 months after they were earned):

    1 Jan 2025  buys 1,000,000   lot A: +10, expires 1 Jan 2026
    1 Mar 2025  buys 2,000,000   lot B: +20, expires 1 Mar 2026
    1 May 2025  buys 3,000,000   lot C: +30, expires 1 May 2026
    1 Jun 2025  15 points taken by hand (spending: the oldest lots first, A then B)
    1 Jul 2025  the B purchase is returned: a reversal of -20, dated like lot B (45 were left)

    1 Jan 2026  lots due by then: A 10; used so far 15  -> nothing expires (A was spent)
    1 Mar 2026  lots due: A 10 + B (20 - 20) = 10; used 15 -> nothing
    1 May 2026  lots due: 10 + 0 + 30 = 40; used 15 -> 25 expire; the balance: 60 - 15 - 20 - 25 = 0

The balance never goes below zero, and each day's expiry is written once however often the job runs.
"""

import datetime
from decimal import Decimal

import pytest

from customers.models import Purchase
from customers.services import purchase_add, purchase_delete
from loyalty import services
from loyalty.models import LoyaltyAccount, PointsEntry

pytestmark = pytest.mark.django_db

D = datetime.date


def _available(customer) -> int:
    return LoyaltyAccount.objects.get(customer=customer).available


@pytest.fixture
def history(customer, manager):
    for day, amount in ((D(2025, 1, 1), 1_000_000), (D(2025, 3, 1), 2_000_000), (D(2025, 5, 1), 3_000_000)):
        purchase_add(customer=customer, purchased_on=day, amount=Decimal(amount))
    services.points_release_pending(today=D(2025, 6, 1))
    services.points_adjust(customer=customer, points=-15, reason="هدیه", by=manager)
    purchase_delete(purchase=Purchase.objects.get(customer=customer, purchased_on=D(2025, 3, 1)))
    assert _available(customer) == 25
    return customer


def test_spent_points_come_from_the_oldest_lots_so_nothing_expires_while_they_cover_them(history):
    assert services.points_expire(today=D(2026, 1, 1)) == 0
    assert services.points_expire(today=D(2026, 3, 1)) == 0
    assert _available(history) == 25


def test_what_is_left_of_the_lots_expires_on_their_day_once(history):
    assert services.next_expiry(history, today=D(2026, 1, 1)) == services.Expiry(25, D(2026, 5, 1))
    assert services.points_expire(today=D(2026, 5, 1)) == 1
    assert services.points_expire(today=D(2026, 5, 1)) == 0  # the nightly job ran twice
    assert services.points_expire(today=D(2026, 5, 2)) == 0  # and the day after
    entry = PointsEntry.objects.get(kind=PointsEntry.Kind.EXPIRY)
    assert (entry.points, entry.facts["day"]) == (-25, "2026-05-01")
    assert _available(history) == 0
    assert services.next_expiry(history, today=D(2026, 5, 2)) is None


def test_a_missed_night_is_caught_up_the_next_one(history):
    assert services.points_expire(today=D(2026, 5, 3)) == 1
    assert _available(history) == 0


def test_by_the_inactivity_rule_everything_expires_months_after_the_last_purchase(history, settings):
    settings.PEYGIR_LOYALTY_EXPIRY_RULE = "inactivity"
    history.refresh_from_db()
    assert services.next_expiry(history, today=D(2026, 1, 1)) == services.Expiry(25, D(2026, 5, 1))
    assert services.points_expire(today=D(2026, 4, 30)) == 0
    assert services.points_expire(today=D(2026, 5, 1)) == 1
    assert services.points_expire(today=D(2026, 5, 9)) == 0  # once per silence
    assert _available(history) == 0
