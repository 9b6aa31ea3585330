"""The audit trail as a manager uses it: change an owner and a purchase through the real forms, then
find both on the customer's History and on the log page, filtered by a day picked in the date field."""

import datetime
import re
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.utils import timezone
from playwright.sync_api import expect

from core import dates
from core.text import to_persian_digits
from customers.services import purchase_add
from tests.browser.conftest import follow_nav
from tests.factories import CustomerFactory
from tests.text import reading

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGS_AND_DEVICES = [("fa", "desktop"), ("fa", "phone"), ("en", "desktop"), ("en", "phone")]
LATIN = re.compile(r"[A-Za-z0-9]")

WORDS = {
    "fa": {
        "moved": "مریم صدری مشتری علی کاظمی را از علی رستمی به سارا نیک‌نام سپرد",
        "edited": "مریم صدری خریدی از علی کاظمی را ویرایش کرد",
        "amounts": "مبلغ: از ۲۵۰٬۰۰۰ تومان به ۳۰۰٬۰۰۰ تومان",
        "added": "پیگیر مشتری علی کاظمی را افزود",
        "log": "گزارش تغییرات",
        "show": "نمایش",
    },
    "en": {
        "moved": "مریم صدری moved علی کاظمی from علی رستمی to سارا نیک‌نام",
        "edited": "مریم صدری edited a purchase of علی کاظمی",
        "amounts": "Amount: from 250,000 Toman to 300,000 Toman",
        "added": "Peygir added the customer علی کاظمی",
        "log": "Audit log",
        "show": "Show",
    },
}


@pytest.fixture
def ali(rep):
    customer = CustomerFactory(name="علی کاظمی", mobile="09121110001", owner=rep)
    purchase_add(customer=customer, purchased_on=datetime.date(2024, 5, 4), amount=Decimal(2_500_000))
    month_ago = timezone.now() - datetime.timedelta(days=30)
    LogEntry.objects.update(timestamp=month_ago)  # what the shop did before today
    return customer


def _pick_today(page, field: str) -> None:
    """The Jalali picker on Persian pages; the browser's own date box on English ones."""
    today = timezone.localdate()
    if page.peygir_lang == "fa":
        page.click(field)
        expect(page.locator("jdp-container")).to_be_visible()
        page.locator("jdp-container .jdp-day.today").click()
        expect(page.locator(field)).to_have_value(to_persian_digits(dates.input_value(today, "fa")))
        page.keyboard.press("Escape")
        overlay = page.locator("jdp-overlay")  # on a phone the picker sits on an overlay: tap it, as a person does
        if overlay.is_visible():
            overlay.click(position={"x": 10, "y": 10})
        expect(page.locator("jdp-container")).to_be_hidden()
    else:
        page.fill(field, today.isoformat())


@pytest.mark.parametrize(("lang", "device"), LANGS_AND_DEVICES)
def test_a_manager_finds_an_owner_change_and_a_purchase_edit_on_the_history_and_the_log(
    open_page, manager, rep, other_rep, ali, shoot, lang, device
):
    words = WORDS[lang]
    purchase = ali.purchases.get()
    page = open_page(manager, lang, device)

    page.goto(f"/customers/{ali.pk}/")
    page.locator(f"a[href='/customers/{ali.pk}/edit/']").click()
    page.select_option("#id_owner", str(other_rep.pk))
    page.locator("main form [type=submit]").first.click()
    expect(page).to_have_url(re.compile(rf"/customers/{ali.pk}/$"))
    page.locator(f"a[href='/customers/{ali.pk}/purchases/{purchase.pk}/edit/']").click()
    page.fill("#id_amount", "۳۰۰٬۰۰۰" if lang == "fa" else "300,000")  # Toman, as the pages show
    page.locator("main form [type=submit]").first.click()
    expect(page).to_have_url(re.compile(rf"/customers/{ali.pk}/$"))

    history = page.get_by_test_id("audit-history")
    lines = history.get_by_test_id("audit-line")
    expect(lines).to_have_count(4)
    expect(lines.nth(0)).to_contain_text(reading(words["edited"]))
    expect(lines.nth(0)).to_contain_text(words["amounts"])
    expect(lines.nth(1)).to_contain_text(reading(words["moved"]))
    history.scroll_into_view_if_needed()
    shoot(page, "customer-history", full_page=False)
    if lang == "fa":
        assert not LATIN.search(history.inner_text())

    follow_nav(page, words["log"])
    # a month ago, before the filter:
    expect(page.get_by_test_id("audit-lines")).to_contain_text(reading(words["added"]))
    _pick_today(page, "#id_start")
    _pick_today(page, "#id_end")
    page.get_by_role("button", name=words["show"]).click()

    lines = page.get_by_test_id("audit-line")
    expect(lines).to_have_count(2)
    expect(lines.nth(0)).to_contain_text(reading(words["edited"]))
    expect(lines.nth(1)).to_contain_text(reading(words["moved"]))
    expect(page.get_by_test_id("audit-lines")).not_to_contain_text(reading(words["added"]))
    shoot(page, "audit-log")
    if lang == "fa":
        assert not LATIN.search(page.locator("main").inner_text())


def test_a_rep_sees_no_history_and_no_log(open_page, rep, ali):
    page = open_page(rep)
    page.goto(f"/customers/{ali.pk}/")
    expect(page.get_by_test_id("figures")).to_be_visible()
    expect(page.get_by_test_id("audit-history")).to_have_count(0)
    response = page.goto("/audit/")
    assert response.status == 403
