"""followups/cadence.py: month arithmetic in both calendars, no drift, working days."""

import datetime

import jdatetime
import pytest
from dateutil.relativedelta import relativedelta

from followups import cadence
from followups.cadence import DAYS, GREGORIAN, JALALI, MONTHS, WEEKS, WorkingDays

pytestmark = pytest.mark.django_db

FRIDAY = 4
# A plain week of 1403 (Shahrivar/Mehr): Wed 18 Sep 2024 ... Sun 29 Sep 2024.
WED, THU, FRI, SAT, SUN = (datetime.date(2024, 9, day) for day in (18, 19, 20, 21, 22))


def j(year: int, month: int, day: int) -> datetime.date:
    """A Jalali date as the Gregorian date the database stores."""
    return jdatetime.date(year, month, day).togregorian()


def test_the_test_week_starts_on_a_wednesday():
    assert [day.weekday() for day in (WED, THU, FRI, SAT, SUN)] == [2, 3, 4, 5, 6]


# --- months ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ((1403, 6, 31), 1, (1403, 7, 30)),  # 31 Shahrivar + 1 = 30 Mehr (Mehr has 30 days)
        ((1403, 11, 30), 1, (1403, 12, 30)),  # 1403 is a leap year: Esfand has 30 days
        ((1402, 11, 30), 1, (1402, 12, 29)),  # 1402 is not: Esfand has 29
        ((1403, 1, 31), 12, (1404, 1, 31)),  # twelve months: the same day next year
        ((1403, 12, 30), 12, (1404, 12, 29)),  # leap Esfand 30 -> common Esfand 29
        ((1403, 10, 15), 3, (1404, 1, 15)),  # across the new year
        ((1403, 6, 31), 6, (1403, 12, 30)),
        ((1403, 1, 31), -1, (1402, 12, 29)),  # backwards clamps too
        ((1403, 5, 10), 0, (1403, 5, 10)),
    ],
)
def test_adding_jalali_months_clamps_to_the_end_of_the_target_month(start, months, expected):
    assert cadence.add_months(j(*start), months, JALALI) == j(*expected)


@pytest.mark.parametrize(
    ("year", "month", "length"),
    [(1403, 1, 31), (1403, 6, 31), (1403, 7, 30), (1403, 11, 30), (1403, 12, 30), (1402, 12, 29), (1399, 12, 30)],
)
def test_jalali_month_lengths_follow_the_calendar_and_leap_years(year, month, length):
    assert cadence.jalali_month_length(year, month) == length


def test_jalali_months_are_not_gregorian_months():
    """30 Bahman 1403 plus one Gregorian month lands on 28 Esfand, not 30 (a Jalali month is not a Gregorian one)."""
    start = j(1403, 11, 30)
    assert start + relativedelta(months=1) == j(1403, 12, 28)
    assert cadence.add_months(start, 1, JALALI) == j(1403, 12, 30)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (datetime.date(2024, 1, 31), 1, datetime.date(2024, 2, 29)),  # leap year
        (datetime.date(2023, 1, 31), 1, datetime.date(2023, 2, 28)),
        (datetime.date(2024, 8, 31), 1, datetime.date(2024, 9, 30)),
        (datetime.date(2024, 2, 29), 12, datetime.date(2025, 2, 28)),
        (datetime.date(2024, 11, 15), 3, datetime.date(2025, 2, 15)),
    ],
)
def test_adding_gregorian_months_clamps_like_relativedelta(start, months, expected):
    assert cadence.add_months(start, months, GREGORIAN) == expected


# --- occurrences ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "every", "unit", "days_later"),
    [
        (0, 10, DAYS, 0),
        (1, 10, DAYS, 10),
        (3, 10, DAYS, 30),
        (1, 1, WEEKS, 7),
        (3, 2, WEEKS, 42),
    ],
)
def test_day_and_week_occurrences_are_index_times_the_interval(index, every, unit, days_later):
    anchor = datetime.date(2024, 9, 18)
    assert cadence.occurrence_on(anchor, index, every, unit) == anchor + datetime.timedelta(days=days_later)


JALALI_MONTHLY_FROM_31_FARVARDIN = [
    (1403, 1, 31),
    (1403, 2, 31),
    (1403, 3, 31),
    (1403, 4, 31),
    (1403, 5, 31),
    (1403, 6, 31),
    (1403, 7, 30),  # occurrence 6: Mehr has 30 days
    (1403, 8, 30),
    (1403, 9, 30),
    (1403, 10, 30),
    (1403, 11, 30),
    (1403, 12, 30),  # leap Esfand
    (1404, 1, 31),  # occurrence 12: back on the 31st, not stuck on the 30th
]


@pytest.mark.parametrize(("index", "expected"), list(enumerate(JALALI_MONTHLY_FROM_31_FARVARDIN)))
def test_a_monthly_jalali_plan_anchored_on_31_farvardin_never_drifts(index, expected):
    assert cadence.occurrence_on(j(1403, 1, 31), index, 1, MONTHS, JALALI) == j(*expected)


def test_chaining_month_by_month_would_drift_which_is_why_occurrences_count_from_the_anchor():
    day = j(1403, 1, 31)
    for _ in range(12):
        day = cadence.add_months(day, 1, JALALI)
    assert day == j(1404, 1, 30)  # stuck on the 30th after Mehr
    assert cadence.occurrence_on(j(1403, 1, 31), 12, 1, MONTHS, JALALI) == j(1404, 1, 31)


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (1, datetime.date(2024, 2, 29)),
        (2, datetime.date(2024, 3, 31)),
        (3, datetime.date(2024, 4, 30)),
        (4, datetime.date(2024, 5, 31)),
        (12, datetime.date(2025, 1, 31)),
        (13, datetime.date(2025, 2, 28)),
    ],
)
def test_a_monthly_gregorian_plan_anchored_on_jan_31_never_drifts(index, expected):
    assert cadence.occurrence_on(datetime.date(2024, 1, 31), index, 1, MONTHS, GREGORIAN) == expected


@pytest.mark.parametrize(
    ("index", "expected"),
    [(1, (1403, 9, 30)), (2, (1403, 12, 30)), (3, (1404, 3, 31)), (4, (1404, 6, 31))],
)
def test_a_three_monthly_plan_anchored_on_31_shahrivar_keeps_the_last_day_of_the_month(index, expected):
    assert cadence.occurrence_on(j(1403, 6, 31), index, 3, MONTHS, JALALI) == j(*expected)


# --- working days -----------------------------------------------------------------


def test_a_friday_moves_to_saturday():
    days = WorkingDays(weekend=[FRIDAY])
    assert not days.is_working_day(FRI)
    assert days.on_or_after(FRI) == SAT
    assert days.on_or_after(THU) == THU


def test_a_thursday_and_friday_weekend_moves_thursday_to_saturday():
    assert WorkingDays(weekend=[3, FRIDAY]).on_or_after(THU) == SAT


def test_a_week_without_working_days_is_refused():
    with pytest.raises(ValueError):
        WorkingDays(weekend=range(7))


@pytest.mark.parametrize("holiday", ["1403/07/01", "۱۴۰۳/۰۷/۰۱", "2024-09-22"])
def test_dated_holidays_from_settings_are_read_as_jalali_or_gregorian_and_skipped(settings, holiday):
    settings.PEYGIR_WEEKEND_DAYS = [FRIDAY]
    settings.PEYGIR_HOLIDAYS = [holiday]  # 1 Mehr 1403 = Sunday 22 Sep 2024
    days = WorkingDays.from_settings()
    assert not days.is_working_day(SUN)
    assert days.on_or_after(FRI) == SAT
    assert days.on_or_after(SUN) == SUN + datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("due", "moved_to"),
    [
        ((1404, 1, 1), (1404, 1, 5)),  # Nowruz 1404 starts on a Friday: 1-4 Farvardin off
        ((1404, 1, 3), (1404, 1, 5)),
        ((1405, 1, 2), (1405, 1, 5)),  # every year, not one dated list
        ((1404, 12, 29), (1405, 1, 5)),  # 29 Esfand and Nowruz back to back
    ],
)
def test_yearly_jalali_holidays_move_a_due_date_to_the_next_working_day(settings, due, moved_to):
    settings.PEYGIR_WEEKEND_DAYS = [FRIDAY]
    settings.PEYGIR_YEARLY_HOLIDAYS = ["01-01", "01-02", "01-03", "01-04", "12-29"]
    days = WorkingDays.from_settings()
    assert days.on_or_after(j(*due)) == j(*moved_to)
    assert days.is_working_day(j(*moved_to))


def test_a_moved_occurrence_does_not_move_the_rhythm():
    """31 Farvardin 1403 is a Friday: due on 1 Ordibehesht, yet the next is 31 Ordibehesht."""
    days = WorkingDays(weekend=[FRIDAY])
    anchor = j(1403, 1, 31)
    assert anchor.weekday() == FRIDAY
    assert cadence.due_on(anchor, 0, 1, MONTHS, JALALI, days) == j(1403, 2, 1)
    assert cadence.due_on(anchor, 1, 1, MONTHS, JALALI, days) == j(1403, 2, 31)


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [(WED, 0, WED), (WED, 1, THU), (THU, 1, SAT), (WED, 2, SAT), (WED, 3, SUN), (FRI, 1, SAT)],
)
def test_adding_working_days_skips_fridays(start, count, expected):
    assert WorkingDays(weekend=[FRIDAY]).add(start, count) == expected


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [(SUN, 0, SUN), (SAT, 1, THU), (SUN, 1, SAT), (SUN, 3, WED), (FRI, 1, THU)],
)
def test_subtracting_working_days_skips_fridays(start, count, expected):
    assert WorkingDays(weekend=[FRIDAY]).subtract(start, count) == expected


def test_subtracting_working_days_skips_dated_holidays():
    days = WorkingDays(weekend=[FRIDAY], holidays=[THU])
    assert days.subtract(SAT, 1) == WED
    assert days.add(WED, 1) == SAT
