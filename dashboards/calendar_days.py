"""The ``CalendarDay`` table: each day's Jalali and Gregorian month, for grouping in SQL."""

import datetime

import jdatetime

from dashboards.models import CalendarDay
from dashboards.periods import Calendar

# The CalendarDay column holding a day's month index in each calendar.
MONTH_COLUMN = {Calendar.JALALI: "jalali_month", Calendar.GREGORIAN: "gregorian_month"}


def month_indexes(day: datetime.date) -> tuple[int, int]:
    """(Jalali, Gregorian) ``year * 12 + month - 1`` of a day (dashboards.periods' month index)."""
    jday = jdatetime.date.fromgregorian(date=day)
    return jday.year * 12 + jday.month - 1, day.year * 12 + day.month - 1


def calendar_days_cover(first: datetime.date | None, last: datetime.date) -> None:
    """Makes sure every day from ``first`` to ``last`` has its row (a few thousand rows at most)."""
    if first is None or first > last:
        return
    wanted = (last - first).days + 1
    if CalendarDay.objects.filter(day__range=(first, last)).count() == wanted:
        return
    days = (first + datetime.timedelta(days=n) for n in range(wanted))
    CalendarDay.objects.bulk_create(
        [CalendarDay(day, *month_indexes(day)) for day in days], ignore_conflicts=True, batch_size=2000
    )
