"""Calendar arithmetic for recurring follow-ups: months in Jalali or Gregorian, working days.

Occurrence n of a plan is always counted from the plan's anchor date (anchor + n x
interval), never from the previous occurrence, so a plan anchored on the 31st stays
on each month's last day instead of sliding to the 29th for ever.
"""

import datetime
from collections.abc import Collection

import jdatetime
from dateutil.relativedelta import relativedelta
from django.conf import settings

from core import dates

DAYS, WEEKS, MONTHS = "days", "weeks", "months"
JALALI, GREGORIAN = "jalali", "gregorian"
# The one-click cadences on a customer's page, in months; any other N is a custom plan.
PRESET_MONTHS = (1, 3, 6)


def jalali_month_length(year: int, month: int) -> int:
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if jdatetime.date(year, 12, 1).isleap() else 29


def add_months(day: datetime.date, months: int, calendar: str = JALALI) -> datetime.date:
    """``day`` plus ``months`` whole months in ``calendar``, clamped to the month's end."""
    if calendar == GREGORIAN:
        return day + relativedelta(months=months)
    jday = jdatetime.date.fromgregorian(date=day)
    year, month_index = divmod(jday.year * 12 + (jday.month - 1) + months, 12)
    month = month_index + 1
    return jdatetime.date(year, month, min(jday.day, jalali_month_length(year, month))).togregorian()


def occurrence_on(anchor: datetime.date, index: int, every: int, unit: str, calendar: str = JALALI) -> datetime.date:
    """The calendar date of occurrence ``index`` (0 = the anchor itself)."""
    if unit == MONTHS:
        return add_months(anchor, index * every, calendar)
    days = every * 7 if unit == WEEKS else every
    return anchor + datetime.timedelta(days=index * days)


class WorkingDays:
    """Which days people work: weekdays outside the weekend, minus holidays.

    ``weekend`` holds Python weekday numbers (Monday = 0, so Friday = 4); ``holidays``
    are dated days off; ``yearly_jalali`` are (month, day) pairs off every Jalali year
    (Nowruz, 22 Bahman...).
    """

    def __init__(
        self,
        weekend: Collection[int],
        holidays: Collection[datetime.date] = (),
        yearly_jalali: Collection[tuple[int, int]] = (),
    ):
        self.weekend = frozenset(weekend)
        self.holidays = frozenset(holidays)
        self.yearly_jalali = frozenset(yearly_jalali)
        if len(self.weekend) >= 7:
            raise ValueError("At least one day of the week must be a working day.")

    @classmethod
    def from_settings(cls) -> "WorkingDays":
        return cls(
            weekend=settings.PEYGIR_WEEKEND_DAYS,
            holidays=[dates.parse_date(text) for text in settings.PEYGIR_HOLIDAYS],
            yearly_jalali=[tuple(int(part) for part in text.split("-")) for text in settings.PEYGIR_YEARLY_HOLIDAYS],
        )

    def is_working_day(self, day: datetime.date) -> bool:
        if day.weekday() in self.weekend or day in self.holidays:
            return False
        if self.yearly_jalali:
            jday = jdatetime.date.fromgregorian(date=day)
            return (jday.month, jday.day) not in self.yearly_jalali
        return True

    def on_or_after(self, day: datetime.date) -> datetime.date:
        while not self.is_working_day(day):
            day += datetime.timedelta(days=1)
        return day

    def next_after(self, day: datetime.date) -> datetime.date:
        return self.on_or_after(day + datetime.timedelta(days=1))

    def add(self, day: datetime.date, count: int) -> datetime.date:
        """``count`` working days after ``day`` (count >= 0)."""
        for _ in range(count):
            day = self.next_after(day)
        return day

    def subtract(self, day: datetime.date, count: int) -> datetime.date:
        """The working day ``count`` working days before ``day``."""
        for _ in range(count):
            day -= datetime.timedelta(days=1)
            while not self.is_working_day(day):
                day -= datetime.timedelta(days=1)
        return day


def due_on(
    anchor: datetime.date,
    index: int,
    every: int,
    unit: str,
    calendar: str,
    working_days: WorkingDays,
) -> datetime.date:
    """Occurrence ``index`` moved forward to a working day."""
    return working_days.on_or_after(occurrence_on(anchor, index, every, unit, calendar))
