"""The one path for reading and showing dates: Jalali in Persian, Gregorian in English.

Templates use the ``jdate`` filter, forms use ``JalaliDateField`` and CSV imports
use ``parse_date``; all three come here, so a date never looks different in two
places.
"""

import datetime
import functools
import re

import jdatetime
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import reads_persian, to_latin_digits, to_persian_digits

JALALI_MONTHS = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)
GREGORIAN_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)

# The hints in an empty date box: what to type, in the page's language (neither passes for a date).
JALALI_INPUT_HINT = "سال/ماه/روز"
GREGORIAN_INPUT_HINT = "YYYY-MM-DD"

# Years below this are Jalali (1403), above it Gregorian (2024): the two never overlap.
_GREGORIAN_FROM_YEAR = 1700
_DATE_PATTERN = re.compile(r"(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})")


class InvalidDate(ValueError):
    """A typed date that does not exist; ``message`` is ready to show the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def uses_jalali(language: str | None = None) -> bool:
    return reads_persian(language)


def parse_date(text: str) -> datetime.date:
    """Read ``1403/02/15``, ``۱۴۰۳-۲-۱۵`` or ``2024-05-04``; the year says which calendar."""
    cleaned = to_latin_digits((text or "").strip())
    match = _DATE_PATTERN.fullmatch(cleaned)
    if not match:
        raise InvalidDate(
            _("“%(value)s” is not a date. Use year/month/day, e.g. %(jalali)s or %(gregorian)s.")
            % {"value": _shown(text), "jalali": _shown("1403/02/15"), "gregorian": _shown("2024-05-04")}
        )
    year, month, day = (int(part) for part in match.groups())
    try:
        if year >= _GREGORIAN_FROM_YEAR:
            return datetime.date(year, month, day)
        return jdatetime.date(year, month, day).togregorian()
    except ValueError:
        raise InvalidDate(_("%(value)s does not exist in the calendar.") % {"value": _shown(text)}) from None


def _shown(text: str) -> str:
    from core.numbers import quote_typed  # core.numbers reads dates: imported when needed

    return quote_typed(text)


def _as_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def format_date(value, language: str | None = None) -> str:
    """A date as people read it: ۱۵ اردیبهشت ۱۴۰۳ in Persian, 4 May 2024 in English.

    One reading format per language, everywhere (tables, sentences, emails); the numeric
    form (1403/02/15, 2024-05-04) is only for typing, see ``input_value``.
    """
    if value in (None, ""):
        return ""
    return _format_day(_as_date(value), uses_jalali(language))


@functools.lru_cache(maxsize=4096)
def _format_day(day: datetime.date, jalali: bool) -> str:
    """Cached: a page shows the same few dates many times, and Jalali conversion is not free."""
    if jalali:
        jday = jdatetime.date.fromgregorian(date=day)
        return to_persian_digits(f"{jday.day} {JALALI_MONTHS[jday.month - 1]} {jday.year}")
    return f"{day.day} {GREGORIAN_MONTHS[day.month - 1]} {day.year}"


def format_datetime(value, language: str | None = None) -> str:
    """A date and a 24-hour local time, e.g. ۱۵ اردیبهشت ۱۴۰۳، ۱۴:۰۵."""
    if value in (None, ""):
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    if uses_jalali(language):
        return to_persian_digits(f"{format_date(local, language=language)}، {local:%H:%M}")
    return f"{format_date(local, language=language)}, {local:%H:%M}"


def input_value(value, language: str | None = None) -> str:
    """How a date is written into a form field so that ``parse_date`` reads it back."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        return value
    day = _as_date(value)
    if uses_jalali(language):
        jday = jdatetime.date.fromgregorian(date=day)
        return f"{jday.year:04d}/{jday.month:02d}/{jday.day:02d}"
    return day.isoformat()


def month_of(day: datetime.date, language: str | None = None) -> tuple[int, int]:
    """(year, month) of ``day`` in the reader's calendar: Jalali in Persian, Gregorian in English."""
    if uses_jalali(language):
        jday = jdatetime.date.fromgregorian(date=day)
        return jday.year, jday.month
    return day.year, day.month


def months_back(day: datetime.date, count: int, language: str | None = None) -> list[tuple[int, int]]:
    """The ``count`` months up to and including ``day``'s, oldest first, in the reader's calendar."""
    year, month = month_of(day, language)
    index = year * 12 + month - 1
    return [(number // 12, number % 12 + 1) for number in range(index - count + 1, index + 1)]


def month_start(key: tuple[int, int], language: str | None = None) -> datetime.date:
    """The first day (Gregorian) of a ``month_of`` key."""
    year, month = key
    if uses_jalali(language):
        return jdatetime.date(year, month, 1).togregorian()
    return datetime.date(year, month, 1)


def format_month(key: tuple[int, int], language: str | None = None) -> str:
    """"آذر ۱۴۰۵" or "Dec 2026"."""
    year, month = key
    if uses_jalali(language):
        return to_persian_digits(f"{JALALI_MONTHS[month - 1]} {year}")
    return f"{GREGORIAN_MONTHS[month - 1]} {year}"
