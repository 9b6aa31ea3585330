"""core.dates: Jalali in Persian, Gregorian in English, Tehran time everywhere."""

import datetime

import pytest
from django.utils import timezone, translation

from core import dates
from core.text import to_persian_digits

MAY_4_2024 = datetime.date(2024, 5, 4)  # 15 Ordibehesht 1403


@pytest.mark.parametrize(
    "typed",
    [
        "1403/02/15",
        "1403/2/15",
        "1403-02-15",
        "1403.02.15",
        " 1403 / 02 / 15 ",
        "۱۴۰۳/۰۲/۱۵",
        "۱۴۰۳-۲-۱۵",
        "١٤٠٣/٠٢/١٥",
        "2024-05-04",
        "2024/5/4",
        "۲۰۲۴-۰۵-۰۴",
    ],
)
def test_jalali_and_gregorian_spellings_of_one_day_parse_to_the_same_date(typed):
    assert dates.parse_date(typed) == MAY_4_2024


@pytest.mark.parametrize(
    ("typed", "gregorian"),
    [
        ("1403/12/30", datetime.date(2025, 3, 20)),  # 1403 is a leap year: Esfand has 30 days
        ("1399/12/30", datetime.date(2021, 3, 20)),  # and so is 1399
        ("1403/01/01", datetime.date(2024, 3, 20)),  # Nowruz
        ("1403/06/31", datetime.date(2024, 9, 21)),  # the first six months have 31 days
        ("1403/07/30", datetime.date(2024, 10, 21)),
        ("2024-02-29", datetime.date(2024, 2, 29)),
    ],
)
def test_month_ends_and_leap_days_that_exist_are_accepted(typed, gregorian):
    assert dates.parse_date(typed) == gregorian


@pytest.mark.parametrize("typed", ["1402/12/30", "1403/07/31", "1403/13/01", "1403/00/10", "1403/02/00", "2023-02-29"])
def test_days_missing_from_the_calendar_are_rejected_with_a_message_naming_them(typed):
    with pytest.raises(dates.InvalidDate) as caught:
        dates.parse_date(typed)
    assert to_persian_digits(typed) in str(caught.value.message)  # quoted back in the reader's digits


def test_a_missing_day_is_explained_in_english_and_in_persian():
    with translation.override("en"), pytest.raises(dates.InvalidDate) as english:
        dates.parse_date("1402/12/30")
    with pytest.raises(dates.InvalidDate) as persian:
        dates.parse_date("1402/12/30")
    assert english.value.message == "1402/12/30 does not exist in the calendar."
    assert persian.value.message != english.value.message
    assert "\u2066۱۴۰۲/۱۲/۳۰\u2069" in persian.value.message  # Persian digits, isolated left to right
    assert "تقویم" in persian.value.message


@pytest.mark.parametrize("typed", ["", "   ", "today", "15/02/1403", "1403/02", "14030215", "1403/02/15/1"])
def test_text_that_is_not_year_month_day_is_not_a_date(typed):
    with pytest.raises(dates.InvalidDate) as caught:
        dates.parse_date(typed)
    assert to_persian_digits(typed) in caught.value.message


def test_invalid_date_is_a_value_error_so_generic_handlers_catch_it():
    assert issubclass(dates.InvalidDate, ValueError)


@pytest.mark.parametrize(("language", "shown"), [("fa", "۱۵ اردیبهشت ۱۴۰۳"), ("en", "4 May 2024")])
def test_format_date_is_jalali_with_persian_digits_in_fa_and_gregorian_in_en(language, shown):
    assert dates.format_date(MAY_4_2024, language=language) == shown
    with translation.override(language):
        assert dates.format_date(MAY_4_2024) == shown


@pytest.mark.parametrize(("language", "typed"), [("fa", "1403/02/15"), ("en", "2024-05-04")])
def test_a_date_is_typed_in_its_numeric_form_and_read_back(language, typed):
    assert dates.input_value(MAY_4_2024, language) == typed
    assert dates.parse_date(typed) == MAY_4_2024


@pytest.mark.parametrize(
    ("month", "name"),
    list(
        enumerate(
            ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"],
            start=1,
        )
    ),
)
def test_long_persian_dates_name_each_jalali_month(month, name):
    first_of_month = dates.parse_date(f"1403/{month}/1")
    assert dates.format_date(first_of_month, language="fa") == f"۱ {name} ۱۴۰۳"


@pytest.mark.parametrize("empty", [None, ""])
def test_no_date_formats_as_empty_text(empty):
    assert dates.format_date(empty) == ""
    assert dates.format_datetime(empty) == ""
    assert dates.input_value(empty) == ""


def test_the_site_runs_on_tehran_time():
    assert timezone.get_current_timezone_name() == "Asia/Tehran"


@pytest.mark.parametrize(("language", "shown"), [("fa", "۱۵ اردیبهشت ۱۴۰۳، ۱۴:۰۵"), ("en", "4 May 2024, 14:05")])
def test_format_datetime_shows_tehran_local_time(language, shown):
    utc_moment = datetime.datetime(2024, 5, 4, 10, 35, tzinfo=datetime.UTC)  # Tehran is UTC+03:30
    assert dates.format_datetime(utc_moment, language=language) == shown


def test_a_moment_after_tehran_midnight_falls_on_the_next_tehran_day():
    utc_evening = datetime.datetime(2024, 5, 4, 21, 0, tzinfo=datetime.UTC)  # 00:30 on 5 May in Tehran
    assert dates.format_datetime(utc_evening, language="fa") == "۱۶ اردیبهشت ۱۴۰۳، ۰۰:۳۰"
    assert dates.format_date(utc_evening, language="en") == "5 May 2024"


@pytest.mark.parametrize(("language", "written"), [("fa", "1403/02/15"), ("en", "2024-05-04")])
def test_input_value_writes_what_parse_date_reads_back(language, written):
    assert dates.input_value(MAY_4_2024, language=language) == written
    assert dates.parse_date(written) == MAY_4_2024


def test_input_value_leaves_already_typed_text_alone():
    assert dates.input_value("1403/02/31") == "1403/02/31"


@pytest.mark.parametrize(("language", "jalali"), [("fa", True), ("fa-ir", True), ("en", False)])
def test_only_persian_uses_the_jalali_calendar(language, jalali):
    assert dates.uses_jalali(language) is jalali
