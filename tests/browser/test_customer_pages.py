"""The customer pages as a person uses them, in real Chromium, in both languages."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from customers.models import Customer, Interaction, Purchase
from customers.services import purchase_add
from tests.factories import CustomerFactory, SegmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGS_AND_DEVICES = [("fa", "desktop"), ("fa", "phone"), ("en", "desktop"), ("en", "phone")]


@pytest.fixture
def shop(rep, other_rep, manager):
    wholesale = SegmentFactory(name="عمده‌فروشی")
    ali = CustomerFactory(name="علی کاظمی", mobile="09121110001", company="پخش البرز", owner=rep, segment=wholesale)
    CustomerFactory(name="زهرا یزدانی", mobile="09121110002", owner=rep)
    CustomerFactory(name="Other Rep Customer", mobile="09121110003", owner=other_rep)
    purchase_add(customer=ali, purchased_on=ali.created_at.date(), amount=Decimal(2_500_000), reference="A-1")
    return {"ali": Customer.objects.get(pk=ali.pk)}


def test_login_page_logs_a_rep_in(open_page, rep, shoot):
    page = open_page()
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.fill("#id_username", "rep1")
    page.fill("#id_password", "wrong")
    page.get_by_role("button", name=re.compile("ورود")).click()
    expect(page.locator(".alert-danger, .invalid-feedback, .errorlist").first).to_be_visible()
    shoot(page, "login-error")
    page.fill("#id_username", "rep1")
    page.fill("#id_password", "secret-pass-123")
    page.get_by_role("button", name=re.compile("ورود")).click()
    expect(page.get_by_test_id("current-user")).to_contain_text("علی رستمی")


@pytest.mark.parametrize(("lang", "device"), LANGS_AND_DEVICES)
def test_customer_list_looks_right_in_each_language_and_width(open_page, manager, shop, shoot, lang, device):
    page = open_page(manager, lang, device)
    page.goto("/customers/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if lang == "fa" else "ltr")
    expect(page.get_by_test_id("customer-table")).to_contain_text("علی کاظمی")
    shoot(page, "customer-list")
    page.goto(f"/customers/{shop['ali'].pk}/")
    expect(page.get_by_test_id("figures")).to_be_visible()
    shoot(page, "customer-detail")
    page.goto(f"/customers/{shop['ali'].pk}/edit/")
    shoot(page, "customer-edit")
    page.goto("/customers/import/")
    shoot(page, "customer-import")


def test_rep_searches_with_arabic_letters_and_persian_digits(open_page, rep, shop):
    page = open_page(rep)
    page.goto("/customers/")
    expect(page.get_by_test_id("customer-table")).not_to_contain_text("Other Rep Customer")
    page.fill("#id_q", "علي كاظمي")  # Arabic ي and ك
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("customer-table").locator("tbody tr")).to_have_count(1)
    page.fill("#id_q", "۰۹۱۲۱۱۱۰۰۰۲")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("customer-table")).to_contain_text("زهرا یزدانی")


def test_rep_adds_a_customer_after_fixing_a_bad_mobile(open_page, rep, shoot):
    page = open_page(rep)
    page.goto("/customers/new/")
    page.fill("#id_name", "نرگس موسوی")
    page.fill("#id_mobile", "021-8888")
    page.locator("main form [type=submit]").click()
    expect(page.locator("#id_mobile")).to_have_class(re.compile("is-invalid"))
    expect(page.locator("#id_name")).to_have_value("نرگس موسوی")  # nothing typed is lost
    shoot(page, "customer-create-error")
    page.fill("#id_mobile", "+98 ۹۱۲ ۳۴۵ ۶۷۸۹")
    page.locator("main form [type=submit]").click()
    expect(page.locator("h1")).to_contain_text("نرگس موسوی")
    assert Customer.objects.get(name="نرگس موسوی").mobile == "09123456789"
    assert Customer.objects.get(name="نرگس موسوی").owner == rep


def test_rep_logs_a_call_and_a_jalali_purchase_from_the_customer_page(open_page, rep, shop, shoot):
    ali = shop["ali"]
    page = open_page(rep)
    page.goto(f"/customers/{ali.pk}/")
    page.select_option("#id_kind", "call")
    page.fill("#id_occurred_on", "")
    page.fill("#id_summary", "درباره‌ی سفارش بعدی صحبت شد")
    page.fill("#id_occurred_on", "۱۴۰۵/۰۹/۰۱")
    page.get_by_role("button", name=re.compile("افزودن به سوابق")).click()
    expect(page.get_by_test_id("timeline")).to_contain_text("درباره‌ی سفارش بعدی صحبت شد")
    assert Interaction.objects.filter(customer=ali, kind="call").count() == 1

    page.fill("#id_purchased_on", "1403/07/31")  # Mehr has 30 days
    page.fill("#id_amount", "۱٬۲۰۰٬۰۰۰")
    page.fill("#id_reference", "B-7")
    page.get_by_role("button", name=re.compile("ثبت خرید")).click()
    expect(page.locator("#id_purchased_on")).to_have_class(re.compile("is-invalid"))
    expect(page.locator("#id_amount")).to_have_value("۱٬۲۰۰٬۰۰۰")
    shoot(page, "purchase-create-error")
    page.fill("#id_purchased_on", "1403/07/30")
    page.get_by_role("button", name=re.compile("ثبت خرید")).click()
    expect(page.get_by_test_id("figures")).to_contain_text("۲")
    purchase = Purchase.objects.get(customer=ali, reference="B-7")
    assert str(purchase.purchased_on) == "2024-10-21"
    assert purchase.amount == Decimal(12_000_000)  # typed in Toman, kept in Rial


def test_jalali_date_picker_opens_on_persian_date_fields(open_page, rep, shop):
    page = open_page(rep)
    page.goto(f"/customers/{shop['ali'].pk}/purchases/new/")
    page.click("#id_purchased_on")
    expect(page.locator("jdp-container")).to_be_visible()


def test_rep_edits_then_deletes_a_purchase_and_the_figures_follow(open_page, rep, shop):
    ali = shop["ali"]
    purchase = ali.purchases.get()
    page = open_page(rep, "en")
    page.goto(f"/customers/{ali.pk}/purchases/{purchase.pk}/edit/")
    page.fill("#id_amount", "300,000")  # Toman, the unit every page shows
    page.get_by_role("button", name="Save purchase").click()
    expect(page.get_by_test_id("figures")).to_be_visible()
    ali.refresh_from_db()
    assert ali.total_spent == Decimal(3_000_000)  # kept in Rial
    page.goto(f"/customers/{ali.pk}/purchases/{purchase.pk}/edit/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete purchase").click()
    expect(page.get_by_test_id("figures")).to_be_visible()
    ali.refresh_from_db()
    assert (ali.purchase_count, ali.total_spent, ali.last_purchase_on) == (0, 0, None)


def test_manager_imports_customers_from_a_csv_with_a_bad_row(open_page, manager, rep, tmp_path, settings, shoot):
    settings.PEYGIR_IMPORT_DIR = tmp_path / "imports"
    csv_file = tmp_path / "customers.csv"
    csv_file.write_text(
        "name,mobile,owner,segment\nمینا طاهری,09351234567,rep1,آنلاین\nبد,12345,rep1,\nBob,+989121234000,,\n",
        encoding="utf-8-sig",
    )
    page = open_page(manager)
    page.goto("/customers/import/")
    page.check("input[name=kind][value=customers]")
    page.set_input_files("#id_file", str(csv_file))
    page.locator("form[enctype] [type=submit]").click()
    expect(page.get_by_test_id("mapping-form")).to_be_visible()  # every column's name is known: chosen already
    page.locator("[data-testid=mapping-form] [type=submit]").click()
    expect(page.get_by_test_id("import-forecast")).to_be_visible()
    expect(page.get_by_test_id("will-create")).to_contain_text("۲")
    expect(page.get_by_test_id("error-count")).to_contain_text("۱")
    expect(page.get_by_test_id("rejection-line")).to_have_text(["۳"])
    shoot(page, "customer-import-checked")
    assert Customer.objects.count() == 0
    page.get_by_test_id("import-button").click()
    expect(page.get_by_test_id("import-summary")).to_be_visible()
    expect(page.get_by_test_id("created")).to_contain_text("۲")
    assert set(Customer.objects.values_list("mobile", flat=True)) == {"09351234567", "09121234000"}
    assert Customer.objects.get(mobile="09351234567").owner == rep


def test_language_switch_turns_the_page_english_and_remembers(open_page, rep, shop):
    page = open_page(rep)
    page.goto("/customers/")
    page.get_by_test_id("language-switch").get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    page.goto(f"/customers/{shop['ali'].pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("figures")).to_contain_text("250,000 Toman")


def test_export_downloads_the_filtered_list_as_excel_friendly_csv(open_page, rep, shop):
    page = open_page(rep)
    page.goto("/customers/?q=علی")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("دریافت فایل جدول")).click()
    content = download_info.value.path().read_bytes().decode("utf-8")
    assert content.startswith("\ufeff")
    assert "علی کاظمی" in content and "زهرا یزدانی" not in content


@pytest.mark.parametrize(("lang", "device"), [("fa", "phone"), ("en", "desktop")])
def test_manager_filters_a_thousand_customers_by_owner_and_sort_from_the_keyboard(
    open_page, manager, rep, other_rep, shoot, lang, device
):
    """The filter selects (drawn in Python, core.forms.QuickSelect) are real selects: chosen with the
    keyboard, sent with Enter, shown chosen again on the page of results, over a list that pages."""
    from core.text import to_persian_digits
    from customers.models import customer_search_text

    def name(number):  # as a Persian shop types it
        return f"مشتری {to_persian_digits(str(number))}"

    people = [
        Customer(
            name=name(number),
            mobile=f"0912{number:07d}",
            owner=rep if number % 2 else other_rep,
            last_nps_score=number % 11,
            total_spent=Decimal(number * 1000),
            search_text=customer_search_text(name(number), f"0912{number:07d}"),
        )
        for number in range(1, 1001)
    ]
    Customer.objects.bulk_create(people)
    page = open_page(manager, lang, device)
    page.goto("/customers/")
    expect(page.get_by_test_id("customer-count")).to_have_text("۱٬۰۰۰" if lang == "fa" else "1,000")
    owner = page.locator("#id_owner")
    owner.focus()
    owner.select_option(str(rep.pk))  # what arrow keys on a focused select do, without the browser's own menu
    page.locator("#id_sort").select_option("-total_spent")
    page.locator("#id_sort").press("Tab")  # a select sends nothing on Enter: the Search button next
    expect(page.get_by_role("button", name="جستجو" if lang == "fa" else "Search")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"owner={rep.pk}"))
    expect(page.get_by_test_id("customer-count")).to_have_text("۵۰۰" if lang == "fa" else "500")
    expect(owner).to_have_value(str(rep.pk))
    expect(page.locator("#id_sort")).to_have_value("-total_spent")
    rows = page.get_by_test_id("customer-table").locator("tbody tr")
    expect(rows).to_have_count(50)
    expect(rows.first).to_contain_text(name(999))
    # 999 % 11: the badge's column is hidden at phone width, its text is there
    expect(rows.first.get_by_test_id("nps")).to_have_text("رضایت ۹" if lang == "fa" else "NPS 9")
    shoot(page, "customer-list-filtered")
