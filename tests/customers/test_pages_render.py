"""Every customer page renders in Persian (RTL, Jalali) and in English (LTR, Gregorian)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from customers import services
from tests.customers.factories import checked_run
from tests.factories import CustomerFactory, SegmentFactory

pytestmark = pytest.mark.django_db

LANGUAGES = {"fa": ('lang="fa"', 'dir="rtl"'), "en": ('lang="en"', 'dir="ltr"')}


@pytest.fixture
def customer(rep):
    customer = CustomerFactory(owner=rep, name="علی کریمی", segment=SegmentFactory(name="عمده"), notes="مشتری قدیمی")
    services.purchase_add(
        customer=customer, purchased_on=datetime.date(2024, 5, 4), amount=Decimal(1_500_000), reference="F-1"
    )
    services.interaction_log(customer=customer, kind="call", summary="تماس گرفته شد", by=rep)
    return customer


@pytest.fixture
def import_run(manager, settings, tmp_path):
    """A file checked and waiting for Import, with a row in error."""
    settings.PEYGIR_IMPORT_DIR = tmp_path
    return checked_run(manager, "name,mobile\nمینا,09351110001\n,09351110002\n".encode(), ["name", "mobile"])


def pages(customer, import_run=None) -> dict[str, str]:
    purchase = customer.purchases.get()
    imports = {}
    if import_run is not None:
        imports = {
            "import_columns": reverse("customers:import_columns", args=[import_run.pk]),
            "import_run": reverse("customers:import_run", args=[import_run.pk]),
        }
    return imports | {
        "list": reverse("customers:list"),
        "detail": reverse("customers:detail", args=[customer.pk]),
        "create": reverse("customers:create"),
        "edit": reverse("customers:edit", args=[customer.pk]),
        "purchase_create": reverse("customers:purchase_create", args=[customer.pk]),
        "purchase_edit": reverse("customers:purchase_edit", args=[customer.pk, purchase.pk]),
        "import": reverse("customers:import"),
    }


PAGE_NAMES = ["list", "detail", "create", "edit", "purchase_create", "purchase_edit", "import"]
IMPORT_PAGES = ["import", "import_columns", "import_run"]  # a manager's only


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", PAGE_NAMES + IMPORT_PAGES[1:])
def test_every_customer_page_renders_in_both_languages(manager_client, customer, import_run, page, language):
    manager_client.cookies["django_language"] = language
    response = manager_client.get(pages(customer, import_run)[page])
    assert response.status_code == 200
    html = response.content.decode()
    lang, direction = LANGUAGES[language]
    assert f"<html {lang} {direction}>" in html


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", [name for name in PAGE_NAMES if name not in IMPORT_PAGES])
def test_a_rep_s_pages_render_in_both_languages(rep_client, customer, page, language):
    rep_client.cookies["django_language"] = language
    response = rep_client.get(pages(customer)[page])
    assert response.status_code == 200
    assert " ".join(LANGUAGES[language]) in response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_login_page_renders_in_both_languages(client, language):
    client.cookies["django_language"] = language
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert " ".join(LANGUAGES[language]) in response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_use_the_translated_labels(manager_client, customer, language):
    manager_client.cookies["django_language"] = language
    html = manager_client.get(reverse("customers:list")).content.decode()
    with translation.override(language):
        for label in ("Customers", "New customer", "Export CSV", "Total spent"):
            assert gettext(label) in html
    if language == "fa":
        assert "Export CSV" not in html


def test_the_detail_page_shows_jalali_dates_and_persian_digits_in_persian(manager_client, customer):
    html = manager_client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert "۱۵ اردیبهشت ۱۴۰۳" in html
    assert "۱۵۰٬۰۰۰" in html  # 1,500,000 Rial = 150,000 Toman
    assert "۰۹۱۲" in html


def test_the_detail_page_shows_gregorian_dates_and_latin_digits_in_english(manager_client, customer):
    manager_client.cookies["django_language"] = "en"
    html = manager_client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert "4 May 2024" in html
    assert "۱۴۰۳" not in html
    assert "150,000 Toman" in html


def test_the_purchase_form_uses_the_jalali_picker_in_persian_and_a_calendar_button_in_english(
    manager_client, customer
):
    url = reverse("customers:purchase_edit", args=[customer.pk, customer.purchases.get().pk])
    persian = manager_client.get(url).content.decode()
    assert "data-jdp" in persian
    manager_client.cookies["django_language"] = "en"
    english = manager_client.get(url).content.decode()
    assert "data-gdp" in english and "data-jdp" not in english
    assert 'value="2024-05-04"' in english


def test_the_list_shows_a_search_miss_message_with_the_query(rep_client, customer):
    html = rep_client.get(reverse("customers:list"), {"q": "ناموجود"}).content.decode()
    assert "ناموجود" in html
    assert 'data-testid="customer-table"' not in html
