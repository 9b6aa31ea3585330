"""core.templatetags.peygir: dates, digits and money as each language shows them."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from core.templatetags.peygir import digits, get_item, jdate, jdatetime, money, person
from tests.factories import UserFactory


def render(source: str, **context) -> str:
    """Filters are builtins (settings.TEMPLATES), so templates need no {% load %}."""
    return Template(source).render(Context(context))


def test_the_filters_are_builtins_every_template_can_use():
    day = datetime.date(2024, 5, 4)
    assert (
        render("{{ d|jdate }} · {{ n|digits }}", d=day, n=12)
        == "۱۵ اردیبهشت ۱۴۰۳ · ۱۲"
    )


@pytest.mark.parametrize(("language", "shown"), [("fa", "۱۵ اردیبهشت ۱۴۰۳"), ("en", "4 May 2024")])
def test_jdate_follows_the_active_language(language, shown):
    with translation.override(language):
        assert jdate(datetime.date(2024, 5, 4)) == shown


def test_jdatetime_shows_tehran_time_in_persian_digits():
    assert jdatetime(datetime.datetime(2024, 5, 4, 10, 35, tzinfo=datetime.UTC)) == "۱۵ اردیبهشت ۱۴۰۳، ۱۴:۰۵"


def test_jdate_of_nothing_is_empty_so_default_can_take_over():
    assert render('{{ d|jdate|default:"—" }}', d=None) == "—"


@pytest.mark.parametrize(
    ("language", "value", "shown"),
    [
        ("fa", 1234567, "۱٬۲۳۴٬۵۶۷"),
        ("en", 1234567, "1,234,567"),
        ("fa", Decimal(1500), "۱٬۵۰۰"),
        ("fa", 7, "۷"),
        ("fa", "0912", "۰۹۱۲"),  # text: digits converted, never grouped
        ("en", "0912", "0912"),
        ("fa", None, ""),
    ],
)
def test_digits_are_persian_and_grouped_in_fa_latin_in_en(language, value, shown):
    with translation.override(language):
        assert digits(value) == shown


@pytest.mark.parametrize(("language", "shown"), [("fa", "۱٬۲۳۴٬۵۶۷"), ("en", "1,234,567")])
def test_money_is_shown_in_toman_by_default(language, shown):
    with translation.override(language):
        assert money(Decimal(12_345_670)) == f"{shown} {gettext('Toman')}"


def test_money_unit_is_translated():
    assert money(Decimal(100)).endswith("تومان")
    with translation.override("en"):
        assert money(Decimal(100)) == "10 Toman"


def test_money_can_be_shown_in_rial(settings):
    settings.PEYGIR_CURRENCY = "rial"
    with translation.override("en"):
        assert money(Decimal(12_345_670)) == "12,345,670 Rial"


@pytest.mark.parametrize("empty", [None, ""])
def test_money_of_nothing_is_empty(empty):
    assert money(empty) == ""


def test_get_item_reads_a_mapping_and_defaults_to_empty():
    assert get_item({"mobile": "0912"}, "mobile") == "0912"
    assert get_item({}, "mobile") == ""


@pytest.mark.django_db
def test_person_is_the_full_name_else_the_username_else_unassigned():
    assert person(UserFactory(username="u1", first_name="سارا", last_name="نیک‌نام")) == "سارا نیک‌نام"
    assert person(UserFactory(username="u2")) == "u2"
    with translation.override("en"):
        assert person(None) == "Unassigned"


@pytest.mark.parametrize(
    ("value", "persian", "english"), [(2.0, "۲", "2"), (1.4286, "۱٫۴۳", "1.43"), (1234.5, "۱٬۲۳۴٫۵", "1,234.5")]
)
def test_a_float_shows_at_most_two_places_without_trailing_zeros(value, persian, english):
    with translation.override("fa"):
        assert digits(value) == persian
    with translation.override("en"):
        assert digits(value) == english


def test_url_for_fills_the_pk_into_the_url_reverse_gives():
    for pk in (1, 42, 987654):
        assert render("{% url_for 'customers:detail' pk %}", pk=pk) == reverse("customers:detail", args=[pk])
