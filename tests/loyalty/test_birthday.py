"""The birthday bonus: once, on the birthday in the customer's calendar (Jalali for Persian
customers, Gregorian for the others), with a short year's last day standing in for a missing day."""

import datetime

import jdatetime
import pytest

from loyalty import services
from loyalty.models import LoyaltyAccount, PointsEntry
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _jalali(year, month, day) -> datetime.date:
    return jdatetime.date(year, month, day).togregorian()


def test_a_persian_customer_gets_the_bonus_on_their_jalali_birthday_once(rep):
    born = CustomerFactory(owner=rep, preferred_language="fa", birth_date=_jalali(1370, 9, 10))
    CustomerFactory(owner=rep, preferred_language="fa", birth_date=_jalali(1370, 9, 11))
    today = _jalali(1405, 9, 10)
    assert services.birthday_bonuses_give(today=today) == 1
    assert services.birthday_bonuses_give(today=today) == 0  # the nightly job ran twice
    entry = PointsEntry.objects.get()
    assert (entry.customer, entry.kind, entry.points) == (born, PointsEntry.Kind.BIRTHDAY, 50)
    assert LoyaltyAccount.objects.get(customer=born).available == 50


def test_an_english_customer_gets_it_on_their_gregorian_birthday(rep):
    born = CustomerFactory(owner=rep, preferred_language="en", birth_date=datetime.date(1990, 12, 1))
    assert services.birthday_bonuses_give(today=datetime.date(2026, 12, 1)) == 1
    assert PointsEntry.objects.get().customer == born


def test_a_30_esfand_birthday_is_kept_on_29_esfand_of_a_short_year(rep):
    born = CustomerFactory(owner=rep, preferred_language="fa", birth_date=_jalali(1399, 12, 30))  # 1399 is leap
    assert not jdatetime.date(1404, 1, 1).isleap()
    assert services.birthday_bonuses_give(today=_jalali(1404, 12, 29)) == 1
    assert PointsEntry.objects.get().customer == born


def test_no_bonus_when_the_rule_gives_none(rep):
    CustomerFactory(owner=rep, birth_date=_jalali(1370, 9, 10))
    rules = services.earning_rules()
    rules.birthday_bonus = 0
    rules.save()
    assert services.birthday_bonuses_give(today=_jalali(1405, 9, 10)) == 0
