"""Loyalty points in real Chromium: the customer page's panel, a manager's adjustment (refused, then
saved), every entry, the earning rules; fa and en, desktop and phone."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from customers.services import purchase_add
from loyalty import tiers
from loyalty.models import LoyaltyAccount, PointsEntry, Tier
from tests.browser.conftest import follow_nav
from tests.factories import CustomerFactory
from tests.text import reading

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGS_AND_DEVICES = [("fa", "desktop"), ("fa", "phone"), ("en", "desktop"), ("en", "phone")]
LATIN = re.compile(r"[A-Za-z0-9]")
DAY = datetime.timedelta(days=1)

WORDS = {
    "fa": {
        "adjust": "تغییر دستی امتیاز",
        "save": "ثبت تغییر امتیاز",
        "too_many": "فقط ۲۵ امتیاز برای برداشتن هست.",
        "saved": "+۴۰ امتیاز برای علی کاظمی: جبران تأخیر",
        "points": "۶۵",
        "every": "صفحه‌ی امتیازها",
        "rules_saved": "قواعد کسب امتیاز ذخیره شد",
    },
    "en": {
        "adjust": "Adjust points by hand",
        "save": "Adjust points",
        "too_many": "Only 25 points are available to take.",
        "saved": "+40 points for علی کاظمی: جبران تأخیر",
        "points": "65",
        "every": "The points page",
        "rules_saved": "Earning rules saved",
    },
}


@pytest.fixture
def ali(rep):
    customer = CustomerFactory(name="علی کاظمی", mobile="09121110001", owner=rep)
    today = timezone.localdate()
    purchase_add(customer=customer, purchased_on=today - 40 * DAY, amount=Decimal(2_500_000))  # 25 points
    purchase_add(customer=customer, purchased_on=today - 2 * DAY, amount=Decimal(800_000))  # 8 pending
    tiers.tiers_review()  # bronze: 330,000 Toman in 12 months
    return customer


@pytest.mark.parametrize(("lang", "device"), LANGS_AND_DEVICES)
def test_a_manager_adjusts_points_from_the_customer_page(open_page, manager, ali, shoot, lang, device):
    words = WORDS[lang]
    page = open_page(manager, lang, device)
    page.goto(f"/customers/{ali.pk}/")
    panel = page.get_by_test_id("loyalty-panel")
    expect(panel.get_by_test_id("points-balance")).to_contain_text("۲۵" if lang == "fa" else "25")
    expect(panel.get_by_test_id("points-entry")).to_have_count(2)
    expect(panel.get_by_test_id("tier")).to_contain_text("برنزی" if lang == "fa" else "Bronze")
    expect(panel.get_by_test_id("to-next-tier")).to_contain_text("نقره‌ای" if lang == "fa" else "Silver")
    panel.scroll_into_view_if_needed()
    shoot(page, "loyalty-panel", full_page=False)
    if lang == "fa":
        assert not LATIN.search(panel.inner_text())

    panel.get_by_text(words["adjust"]).click()
    panel.locator("input[name=points]").fill("-۳۰" if lang == "fa" else "-30")
    panel.locator("input[name=reason]").fill("برداشت")
    panel.get_by_role("button", name=words["save"]).click()
    expect(page.locator("main")).to_contain_text(words["too_many"])  # refused on the points page
    expect(page.locator("input[name=reason]")).to_have_value("برداشت")  # what was typed is kept
    shoot(page, "loyalty-adjust-refused")
    assert not PointsEntry.objects.filter(kind="adjustment").exists()

    page.locator("input[name=points]").fill("۴۰" if lang == "fa" else "40")
    page.locator("input[name=reason]").fill("جبران تأخیر")
    page.get_by_role("button", name=words["save"]).click()
    expect(page).to_have_url(re.compile(rf"/customers/{ali.pk}/#loyalty$"))
    expect(page.locator(".alert-success")).to_contain_text(reading(words["saved"]))
    expect(page.get_by_test_id("loyalty-panel").get_by_test_id("points-balance")).to_contain_text(
        "۶۵" if lang == "fa" else "65"
    )
    assert LoyaltyAccount.objects.get(customer=ali).available == 65
    shoot(page, "loyalty-adjusted", full_page=False)


@pytest.mark.parametrize(("lang", "device"), [("fa", "phone"), ("en", "desktop")])
def test_a_rep_sees_every_entry_but_cannot_adjust(open_page, rep, ali, shoot, lang, device):
    page = open_page(rep, lang, device)
    page.goto(f"/customers/{ali.pk}/")
    panel = page.get_by_test_id("loyalty-panel")
    expect(panel.get_by_text(WORDS[lang]["adjust"])).to_have_count(0)
    panel.get_by_test_id("all-points").click()
    expect(page).to_have_url(re.compile(rf"/loyalty/customers/{ali.pk}/$"))
    expect(page.get_by_test_id("points-entry")).to_have_count(2)
    expect(page.locator("main form")).to_have_count(0)
    shoot(page, "loyalty-entries")
    if lang == "fa":
        assert not LATIN.search(page.locator("main").inner_text())


@pytest.mark.parametrize(("lang", "device"), LANGS_AND_DEVICES)
def test_a_manager_sets_the_earning_rules_in_toman(open_page, manager, shoot, lang, device):
    page = open_page(manager, lang, device)
    page.goto("/customers/")
    follow_nav(page, "قواعد کسب امتیاز" if lang == "fa" else "Earning rules")
    expect(page).to_have_url(re.compile(r"/loyalty/rules/$"))
    page.locator("input[name=step]").fill("۵۰٬۰۰۰" if lang == "fa" else "50,000")
    page.locator("input[name=points_per_step]").fill("۲" if lang == "fa" else "2")
    page.locator("main form [type=submit]").first.click()
    expect(page.locator(".alert-success")).to_contain_text(WORDS[lang]["rules_saved"])
    expect(page.locator("main")).to_contain_text("۵۰٬۰۰۰ تومان" if lang == "fa" else "50,000 Toman")
    tiers_form = page.get_by_test_id("tiers-form")
    tiers_form.locator("input[name='form-2-name_en']").fill("Platinum")
    tiers_form.locator("input[name='form-1-threshold']").fill("۲۰٬۰۰۰٬۰۰۰" if lang == "fa" else "20,000,000")
    tiers_form.locator("[type=submit]").click()  # silver now above gold: refused, nothing saved
    expect(page.get_by_test_id("tiers-error")).to_be_visible()
    page.get_by_test_id("tiers-form").locator("input[name='form-1-threshold']").fill(
        "۳٬۰۰۰٬۰۰۰" if lang == "fa" else "3,000,000"
    )
    page.get_by_test_id("tiers-form").locator("[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert Tier.objects.get(rank=3).name_en == "Platinum" and Tier.objects.get(rank=2).threshold == 30_000_000
    shoot(page, "loyalty-rules")
    if lang == "fa":
        assert not LATIN.search(page.locator("main").inner_text())
