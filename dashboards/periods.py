"""The periods the dashboards count in: months, quarters and years of the Jalali or the Gregorian
calendar (a toggle on the page; Jalali by default in Persian, Gregorian in English).

A period is a run of whole days, ``starts_on`` to ``ends_on`` inclusive, named by an index that
counts periods from year 0 (months: ``year * 12 + month - 1``; quarters: ``year * 4 + quarter - 1``;
years: the year), so "the previous period" is ``index - 1`` in any calendar. The period that
holds today ends today (``partial``): its figures are so far.
"""

import datetime
from dataclasses import dataclass

import jdatetime
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.dates import GREGORIAN_MONTHS, JALALI_MONTHS
from core.text import reads_persian, to_persian_digits


class Calendar(models.TextChoices):
    JALALI = "jalali", _("Jalali")
    GREGORIAN = "gregorian", _("Gregorian")


class Grain(models.TextChoices):
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    YEAR = "year", _("Yearly")


MONTHS_IN = {Grain.MONTH: 1, Grain.QUARTER: 3, Grain.YEAR: 12}

# Names as a reader of each language says them.
_JALALI_MONTHS_EN = (
    "Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
    "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand",
)  # fmt: skip
_GREGORIAN_MONTHS_FA = (
    "ژانویه", "فوریه", "مارس", "آوریل", "مه", "ژوئن", "ژوئیه", "اوت", "سپتامبر", "اکتبر", "نوامبر", "دسامبر",
)  # fmt: skip
_SEASONS = {"fa": ("بهار", "تابستان", "پاییز", "زمستان"), "en": ("Spring", "Summer", "Autumn", "Winter")}
_QUARTERS = {"fa": ("فصل اول", "فصل دوم", "فصل سوم", "فصل چهارم"), "en": ("Q1", "Q2", "Q3", "Q4")}


def default_calendar(language: str | None = None) -> str:
    return Calendar.JALALI if reads_persian(language) else Calendar.GREGORIAN


def _first_of_month(calendar: str, year: int, month: int) -> datetime.date:
    if calendar == Calendar.JALALI:
        return jdatetime.date(year, month, 1).togregorian()
    return datetime.date(year, month, 1)


def _year_and_month(day: datetime.date, calendar: str) -> tuple[int, int]:
    if calendar == Calendar.JALALI:
        jday = jdatetime.date.fromgregorian(date=day)
        return jday.year, jday.month
    return day.year, day.month


def _first_month(grain: str, index: int) -> tuple[int, int]:
    """(year, month) of a period's first month."""
    if grain == Grain.MONTH:
        return index // 12, index % 12 + 1
    if grain == Grain.QUARTER:
        return index // 4, (index % 4) * 3 + 1
    return index, 1


@dataclass(frozen=True)
class Period:
    calendar: str
    grain: str
    index: int
    starts_on: datetime.date
    ends_on: datetime.date  # inclusive; today for the period in progress
    partial: bool = False

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def label(self, language: str | None = None) -> str:
        """ "آذر ۱۴۰۵", "Azar 1405", "پاییز ۱۴۰۵", "Q4 2026", "1405" ... in the reader's language and digits."""
        persian = reads_persian(language)
        year, month = _first_month(self.grain, self.index)
        if self.grain == Grain.MONTH:
            if self.calendar == Calendar.JALALI:
                name = JALALI_MONTHS[month - 1] if persian else _JALALI_MONTHS_EN[month - 1]
            else:
                name = _GREGORIAN_MONTHS_FA[month - 1] if persian else GREGORIAN_MONTHS[month - 1]
            text = f"{name} {year}"
        elif self.grain == Grain.QUARTER:
            names = (_SEASONS if self.calendar == Calendar.JALALI else _QUARTERS)["fa" if persian else "en"]
            text = f"{names[(month - 1) // 3]} {year}"
        else:
            text = str(year)
        return to_persian_digits(text) if persian else text


def period(calendar: str, grain: str, index: int, *, today: datetime.date | None = None) -> Period:
    year, month = _first_month(grain, index)
    starts_on = _first_of_month(calendar, year, month)
    next_year, next_month = divmod(year * 12 + month - 1 + MONTHS_IN[grain], 12)
    ends_on = _first_of_month(calendar, next_year, next_month + 1) - datetime.timedelta(days=1)
    partial = today is not None and starts_on <= today < ends_on
    return Period(calendar, grain, index, starts_on, today if partial else ends_on, partial)


def index_of(day: datetime.date, calendar: str, grain: str) -> int:
    year, month = _year_and_month(day, calendar)
    if grain == Grain.MONTH:
        return year * 12 + month - 1
    if grain == Grain.QUARTER:
        return year * 4 + (month - 1) // 3
    return year


def periods_back(today: datetime.date, calendar: str, grain: str, count: int) -> list[Period]:
    """The ``count`` periods up to the one holding ``today`` (which ends today), oldest first."""
    last = index_of(today, calendar, grain)
    return [period(calendar, grain, index, today=today) for index in range(last - count + 1, last + 1)]
