"""Calendar arithmetic for recurring follow-ups: months in Jalali or Gregorian, working days.

Occurrence n of a plan is always counted from the plan's anchor date (anchor + n x
interval), never from the previous occurrence, so a plan anchored on the 31st stays
on each month's last day instead of sliding to the 29th for ever.
"""

import calendar as pycalendar
import datetime
import functools
from collections.abc import Collection

import jdatetime
from django.conf import settings

from core import dates

DAYS, WEEKS, MONTHS = "days", "weeks", "months"
JALALI, GREGORIAN = "jalali", "gregorian"
# The one-click cadences on a customer's page, in months; any other N is a custom plan.
PRESET_MONTHS = (1, 3, 6)


# Jalali months 1-6 have 31 days and 7-11 have 30: month m starts this many days after 1 Farvardin.
_DAYS_BEFORE_JALALI_MONTH = tuple(31 * (month - 1) if month <= 7 else 186 + 30 * (month - 7) for month in range(1, 13))


@functools.cache
def _farvardin_first(year: int) -> int:
    """The Gregorian ordinal of 1 Farvardin ``year``: jdatetime once per year, plain integers after
    (a run that catches up 10^5 plans does month arithmetic on each occurrence)."""
    return jdatetime.date(year, 1, 1).togregorian().toordinal()


def jalali_month_length(year: int, month: int) -> int:
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return _farvardin_first(year + 1) - _farvardin_first(year) - 336  # 30 in a leap year, else 29


def to_jalali(day: datetime.date) -> tuple[int, int, int]:
    """(year, month, day) of ``day`` in the Jalali calendar."""
    ordinal = day.toordinal()
    year = day.year - 621
    if ordinal < _farvardin_first(year):
        year -= 1
    into_year = ordinal - _farvardin_first(year)
    if into_year < 186:
        return year, into_year // 31 + 1, into_year % 31 + 1
    return year, (into_year - 186) // 30 + 7, (into_year - 186) % 30 + 1


def from_jalali(year: int, month: int, day: int) -> datetime.date:
    return datetime.date.fromordinal(_farvardin_first(year) + _DAYS_BEFORE_JALALI_MONTH[month - 1] + day - 1)


def add_months(day: datetime.date, months: int, calendar: str = JALALI) -> datetime.date:
    """``day`` plus ``months`` whole months in ``calendar``, clamped to the month's end."""
    if calendar == GREGORIAN:
        year, month_index = divmod(day.year * 12 + day.month - 1 + months, 12)
        month = month_index + 1
        return datetime.date(year, month, min(day.day, pycalendar.monthrange(year, month)[1]))
    year, month, day_of_month = to_jalali(day)
    year, month_index = divmod(year * 12 + month - 1 + months, 12)
    month = month_index + 1
    return from_jalali(year, month, min(day_of_month, jalali_month_length(year, month)))


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
            _year, month, day_of_month = to_jalali(day)
            return (month, day_of_month) not in self.yearly_jalali
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
