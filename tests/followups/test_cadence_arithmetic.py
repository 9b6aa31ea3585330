"""followups/cadence.py does Jalali arithmetic on plain ordinals (jdatetime once per year): it must give
jdatetime's answer on every day, and the month-end clamping of the rule."""

import datetime

import jdatetime
from dateutil.relativedelta import relativedelta

from followups import cadence

FIRST, LAST = jdatetime.date(1350, 1, 1).togregorian(), jdatetime.date(1450, 12, 29).togregorian()


def _days(step: int = 1):
    day = FIRST
    while day <= LAST:
        yield day
        day += datetime.timedelta(days=step)


def _add_months_with_jdatetime(day: datetime.date, months: int) -> datetime.date:
    """The rule written with jdatetime objects: year * 12 + month, the day clamped to the month's length."""
    jday = jdatetime.date.fromgregorian(date=day)
    year, month_index = divmod(jday.year * 12 + jday.month - 1 + months, 12)
    length = 31 if month_index < 6 else 30 if month_index < 11 else (30 if jdatetime.date(year, 12, 1).isleap() else 29)
    return jdatetime.date(year, month_index + 1, min(jday.day, length)).togregorian()


def test_every_day_of_a_century_converts_to_and_from_jalali_as_jdatetime_does():
    for day in _days():
        jday = jdatetime.date.fromgregorian(date=day)
        assert cadence.to_jalali(day) == (jday.year, jday.month, jday.day), day
        assert cadence.from_jalali(jday.year, jday.month, jday.day) == day


def test_esfand_has_thirty_days_exactly_in_jdatetimes_leap_years():
    for year in range(1350, 1451):
        assert cadence.jalali_month_length(year, 12) == (30 if jdatetime.date(year, 1, 1).isleap() else 29), year


def test_adding_jalali_months_agrees_with_the_rule_on_jdatetime_objects():
    for day in _days(step=3):
        for months in (-13, -1, 1, 2, 3, 6, 11, 12, 25):
            assert cadence.add_months(day, months, cadence.JALALI) == _add_months_with_jdatetime(day, months), (
                day,
                months,
            )


def test_adding_gregorian_months_agrees_with_relativedelta():
    for day in _days(step=5):
        for months in (-13, -1, 1, 2, 3, 6, 12, 25):
            assert cadence.add_months(day, months, cadence.GREGORIAN) == day + relativedelta(months=months)
