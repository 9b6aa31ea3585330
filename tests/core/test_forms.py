"""core.forms: fields that read Jalali dates, Persian digits, amounts and mobiles."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core.forms import (
    AmountField,
    ColleagueChoiceField,
    JalaliDateField,
    MobileField,
    QuickSelect,
    WholeNumberField,
    parse_amount,
)
from customers.selectors import sales_team


class DayForm(forms.Form):
    day = JalaliDateField()
    maybe = JalaliDateField(required=False)


class AmountForm(forms.Form):
    amount = AmountField()


class MobileForm(forms.Form):
    mobile = MobileField(required=False)


@pytest.mark.parametrize("typed", ["1403/02/15", "۱۴۰۳/۰۲/۱۵", "١٤٠٣-٢-١٥", "2024-05-04"])
def test_jalali_date_field_reads_jalali_persian_digits_and_gregorian(typed):
    form = DayForm({"day": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == datetime.date(2024, 5, 4)
    assert form.cleaned_data["maybe"] is None


def test_jalali_date_field_passes_a_real_date_through():
    assert JalaliDateField().clean(datetime.date(2024, 5, 4)) == datetime.date(2024, 5, 4)


def test_jalali_date_field_says_an_impossible_date_does_not_exist():
    with translation.override("en"):
        form = DayForm({"day": "1402/12/30"})
        assert not form.is_valid()
        assert form.errors["day"] == ["1402/12/30 does not exist in the calendar."]


def test_jalali_date_field_error_for_an_impossible_date_is_persian_in_a_persian_page():
    form = DayForm({"day": "۱۴۰۳/۰۷/۳۱"})
    assert not form.is_valid()
    [message] = form.errors["day"]
    assert "۱۴۰۳/۰۷/۳۱" in message
    assert "تقویم" in message


def test_jalali_date_field_rejects_text_that_is_not_a_date():
    form = DayForm({"day": "next week"})
    assert not form.is_valid()
    assert "next week" in form.errors["day"][0]


def test_jalali_date_field_is_still_required_when_required():
    form = DayForm({"day": ""})
    assert not form.is_valid()
    assert form.errors["day"] == [forms.Field.default_error_messages["required"]]


def test_the_date_widget_is_a_jalali_picker_with_persian_digits_in_persian():
    html = str(DayForm(initial={"day": datetime.date(2024, 5, 4)})["day"])
    assert 'type="text"' in html
    assert "data-jdp" in html
    assert 'value="۱۴۰۳/۰۲/۱۵"' in html


def test_the_date_widget_holds_the_typing_form_with_a_calendar_button_in_english():
    """Not a native date box: that shows the browser's format (05/04/2024) beside Peygir's own."""
    with translation.override("en"):
        html = str(DayForm(initial={"day": datetime.date(2024, 5, 4)})["day"])
    assert 'type="text"' in html and 'data-gdp="Pick on a calendar"' in html
    assert "data-jdp" not in html
    assert 'value="2024-05-04"' in html


def test_the_date_widget_shows_back_what_was_typed_when_the_form_has_errors():
    html = str(DayForm({"day": "1402/12/30"})["day"])
    assert 'value="۱۴۰۲/۱۲/۳۰"' in html
    assert 'aria-invalid="true"' in html


def test_a_date_shown_in_the_widget_is_read_back_by_the_field():
    shown = DayForm().fields["day"].widget.format_value(datetime.date(2024, 5, 4))
    assert DayForm({"day": shown}).is_valid()
    assert JalaliDateField().clean(shown) == datetime.date(2024, 5, 4)


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1500000", Decimal(1_500_000)),
        ("1,500,000", Decimal(1_500_000)),
        ("۱٬۵۰۰٬۰۰۰", Decimal(1_500_000)),
        ("۱،۵۰۰،۰۰۰", Decimal(1_500_000)),
        ("١٥٠٠٠٠٠", Decimal(1_500_000)),
        (" 1 500 000 ", Decimal(1_500_000)),
        ("0", Decimal(0)),
    ],
)
def test_amount_field_reads_persian_digits_and_thousands_separators(typed, amount):
    form = AmountForm({"amount": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == amount


@pytest.mark.parametrize("typed", ["-5", "12.5", "abc", "NaN", "Infinity", "1" * 19])
def test_amount_field_rejects_negative_fractional_or_non_numeric_amounts(typed):
    assert not AmountForm({"amount": typed}).is_valid()


@pytest.mark.parametrize(
    ("cell", "amount"),
    [("2500000", Decimal(2_500_000)), ("۲٬۵۰۰٬۰۰۰", Decimal(2_500_000)), ("2,500,000", Decimal(2_500_000))],
)
def test_parse_amount_reads_a_csv_cell(cell, amount):
    assert parse_amount(cell) == amount


@pytest.mark.parametrize("cell", ["", "abc", "-100", "10.5", "NaN", "nan", "sNaN", "Infinity", "-Infinity"])
def test_parse_amount_refuses_anything_but_a_whole_non_negative_number_with_a_value_error(cell):
    with pytest.raises(ValueError, match="not an amount"), translation.override("en"):
        parse_amount(cell)


def test_mobile_field_stores_the_normalised_number():
    form = MobileForm({"mobile": "+۹۸ ۹۱۲ ۱۲۳ ۴۵۶۷"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["mobile"] == "09121234567"


def test_mobile_field_rejects_a_landline():
    form = MobileForm({"mobile": "021 1234 5678"})
    assert not form.is_valid()
    assert "۰۲۱ ۱۲۳۴ ۵۶۷۸" in form.errors["mobile"][0]


def test_an_optional_mobile_field_may_stay_empty():
    form = MobileForm({"mobile": ""})
    assert form.is_valid()
    assert form.cleaned_data["mobile"] == ""


@pytest.mark.parametrize(("typed", "number"), [("۳", 3), ("٣", 3), ("12", 12), (" ۱۲ ", 12)])
def test_a_whole_number_is_read_in_any_digits(typed, number):
    assert WholeNumberField(min_value=1).clean(typed) == number


def test_a_whole_number_box_shows_persian_digits_on_persian_pages():
    field = WholeNumberField()
    with translation.override("fa"):
        assert 'value="۱۲"' in field.widget.render("every", 12)
    with translation.override("en"):
        assert 'value="12"' in field.widget.render("every", 12)


@pytest.mark.parametrize("typed", ["سه", "1.5", "۰", "۴۰۰"])
def test_a_whole_number_refuses_what_is_not_one_with_a_persian_message(typed):
    with translation.override("fa"), pytest.raises(ValidationError) as error:
        WholeNumberField(min_value=1, max_value=365).clean(typed)
    assert all(not any(ch.isascii() and ch.isalnum() for ch in message) for message in error.value.messages)


@pytest.mark.parametrize(
    "choices",
    [
        [("", "All owners"), ("7", "Sara <Rezaei>"), ("9", "علی")],
        [("Months", [("1", "Every month"), ("3", "Every 3 months")]), ("", "None")],
    ],
)
@pytest.mark.parametrize("chosen", ["", "7", "3", None])
def test_a_quick_select_draws_what_django_s_select_draws(choices, chosen):
    attrs = {"id": "id_owner", "class": "form-select", "required": True}
    django_s = forms.Select(choices=choices).render("owner", chosen, attrs)
    quick = QuickSelect(choices=choices).render("owner", chosen, attrs)
    assert quick == "".join(line.strip() for line in django_s.splitlines())


@pytest.mark.django_db
def test_a_colleague_select_reads_its_options_in_one_plain_query_by_full_name(monkeypatch, rep, manager):
    """Not through ``.iterator()``: on PostgreSQL that opens a server-side cursor, four round trips."""
    monkeypatch.setattr(QuerySet, "iterator", lambda *args, **kwargs: pytest.fail("read through a cursor"))
    field = ColleagueChoiceField(queryset=sales_team(), empty_label="همه")

    with CaptureQueriesContext(connection) as read:
        choices = [(str(value), label) for value, label in field.choices]

    assert len(read.captured_queries) == 1
    assert choices == [("", "همه"), (str(rep.pk), "علی رستمی"), (str(manager.pk), "مریم صدری")]
    assert field.clean(str(rep.pk)) == rep
