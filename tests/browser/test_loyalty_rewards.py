"""Rewards in real Chromium: a rep redeems from the customer page's loyalty panel without a reload
(htmx), sees the new balance and the discount code, cancels after the confirmation; a manager keeps the
catalogue under Manage (a cost typed in Persian digits). fa and en, desktop and phone."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from loyalty.models import LoyaltyAccount, Redemption, Reward
from tests.browser.accessibility import axe_findings, with_axe
from tests.browser.conftest import follow_nav
from tests.factories import FollowUpFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGS_AND_DEVICES = [("fa", "desktop"), ("fa", "phone"), ("en", "desktop"), ("en", "phone")]
LATIN = re.compile(r"[A-Za-z0-9]")

WORDS = {
    "fa": {
        "redeem": "دریافت",
        "cancel": "لغو",
        "balance": ("۲۰", "۵۰"),
        "spent": "۳۰ امتیاز برای کد تخفیف خرج شد.",
        "row_points": ("۵۰ امتیاز", "۲۰ امتیاز"),
        "more": "تعویق، رد کردن، واگذاری یا خرج امتیاز",
    },
    "en": {
        "redeem": "Redeem",
        "cancel": "Cancel redemption",
        "balance": ("20", "50"),
        "spent": "30 points spent on 10% off.",
        "row_points": ("50 points", "20 points"),
        "more": "Snooze, skip, reassign or redeem points",
    },
}


def _text_without_ltr(locator) -> str:
    """What a person reads, but what is shown left-to-right on purpose (a code)."""
    return locator.evaluate(
        """(element) => {
            const copy = element.cloneNode(true);
            copy.querySelectorAll('[dir="ltr"]').forEach((node) => node.remove());
            document.body.appendChild(copy);
            const text = copy.innerText;
            copy.remove();
            return text;
        }"""
    )


@pytest.mark.parametrize(("lang", "device"), LANGS_AND_DEVICES)
def test_a_rep_redeems_and_cancels_from_the_customer_page_without_a_reload(open_page, rep, mina, shoot, lang, device):
    words = WORDS[lang]
    page = with_axe(open_page(rep, lang, device))
    page.goto(f"/customers/{mina.pk}/")
    page.evaluate("window.peygirSamePage = true")  # gone if the page reloads
    panel = page.get_by_test_id("loyalty-panel")
    offers = panel.get_by_test_id("reward-offer")
    expect(offers).to_have_count(2)  # the bicycle is out of reach
    panel.get_by_test_id("redeem").scroll_into_view_if_needed()
    shoot(page, "loyalty-redeem", full_page=False)

    offers.filter(has_text="کد تخفیف" if lang == "fa" else "10% off").get_by_role("button").click()

    panel = page.get_by_test_id("loyalty-panel")
    expect(panel.get_by_test_id("redeemed")).to_contain_text(words["spent"])
    redemption = Redemption.objects.get()
    expect(panel.get_by_test_id("redeemed-code")).to_have_text(redemption.code)
    expect(panel.get_by_test_id("points-balance")).to_contain_text(words["balance"][0])
    expect(panel.get_by_test_id("reward-offer")).to_have_count(1)  # 20 points left: the cup only
    expect(panel.get_by_test_id("redemption")).to_have_count(1)
    assert page.evaluate("window.peygirSamePage") is True
    assert LoyaltyAccount.objects.get(customer=mina).available == 20
    panel.get_by_test_id("redeem").scroll_into_view_if_needed()
    shoot(page, "loyalty-redeemed", full_page=False)
    if lang == "fa":
        assert not LATIN.search(_text_without_ltr(panel))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # nothing sideways
    assert axe_findings(page) == []

    page.once("dialog", lambda dialog: dialog.dismiss())  # "no": nothing happens
    panel.get_by_test_id("redemption").get_by_role("button", name=re.compile(words["cancel"])).click()
    expect(panel.get_by_test_id("redemption-cancelled")).to_have_count(0)
    assert Redemption.objects.get().status == "active"

    page.once("dialog", lambda dialog: dialog.accept())
    panel.get_by_test_id("redemption").get_by_role("button", name=re.compile(words["cancel"])).click()
    panel = page.get_by_test_id("loyalty-panel")
    expect(panel.get_by_test_id("redemption-cancelled")).to_be_visible()
    expect(panel.get_by_test_id("points-balance")).to_contain_text(words["balance"][1])
    expect(panel.get_by_test_id("reward-offer")).to_have_count(2)
    assert page.evaluate("window.peygirSamePage") is True
    assert LoyaltyAccount.objects.get(customer=mina).available == 50
    assert Redemption.objects.get().status == "cancelled"
    panel.get_by_test_id("redeem").scroll_into_view_if_needed()
    shoot(page, "loyalty-redemption-cancelled", full_page=False)
    if lang == "fa":
        assert not LATIN.search(_text_without_ltr(panel))


@pytest.mark.parametrize(("lang", "device"), [("fa", "phone"), ("en", "desktop")])
def test_a_manager_adds_a_reward_and_stops_offering_it(open_page, manager, shoot, lang, device):
    page = with_axe(open_page(manager, lang, device))
    page.goto("/customers/")
    follow_nav(page, "جایزه‌ها" if lang == "fa" else "Rewards")
    expect(page).to_have_url(re.compile(r"/loyalty/rewards/$"))
    page.get_by_test_id("add-reward").click()
    form = page.get_by_test_id("reward-form")
    form.locator("input[name=name_fa]").fill("کارت هدیه")
    form.locator("input[name=name_en]").fill("Gift card")
    form.locator("input[name=cost]").fill("۱۲۰" if lang == "fa" else "120")
    form.locator("input[name=stock]").fill("۵" if lang == "fa" else "5")
    shoot(page, "loyalty-reward-form")
    form.locator("[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/loyalty/rewards/$"))
    row = page.get_by_test_id("reward")
    expect(row).to_contain_text("کارت هدیه" if lang == "fa" else "Gift card")
    expect(row).to_contain_text("۱۲۰" if lang == "fa" else "120")
    reward = Reward.objects.get()
    assert (reward.cost, reward.stock, reward.active) == (120, 5, True)
    shoot(page, "loyalty-rewards")
    if lang == "fa":
        assert not LATIN.search(page.locator("main").inner_text())
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_findings(page) == []

    row.get_by_role("button", name=re.compile("برداشتن از فهرست" if lang == "fa" else "Stop offering")).click()
    expect(page.get_by_test_id("not-offered")).to_be_visible()
    reward.refresh_from_db()
    assert not reward.active


@pytest.mark.parametrize(("lang", "device"), [("fa", "phone"), ("en", "desktop")])
def test_a_rep_redeems_during_the_call_from_the_calls_due_row(open_page, rep, mina, shoot, lang, device):
    today = timezone.localdate()
    call = FollowUpFactory(customer=mina, due_on=today, scheduled_on=today)
    words = WORDS[lang]
    page = open_page(rep, lang, device)
    page.goto("/calls/")
    page.evaluate("window.__stillTheSamePage = true")
    row = page.locator(f"#followup-{call.pk}")
    expect(row.get_by_test_id("row-fact")).to_contain_text(words["row_points"][0])
    summary = row.get_by_test_id("more-actions").locator("summary")
    expect(summary).to_have_text(words["more"])
    summary.click()
    section = row.get_by_test_id("row-redeem")
    section.get_by_test_id("reward-offer").filter(has_text="کد تخفیف" if lang == "fa" else "10% off").get_by_role(
        "button"
    ).click()
    expect(row.get_by_test_id("row-redeem").get_by_test_id("redeemed")).to_contain_text(words["spent"])
    expect(row.get_by_test_id("row-redeem").get_by_test_id("redeemed-code")).to_be_visible()
    assert page.evaluate("window.__stillTheSamePage") is True  # no reload
    assert LoyaltyAccount.objects.get(customer=mina).available == 20
    expect(row.get_by_test_id("row-fact")).to_contain_text(words["row_points"][1])  # the row's line, not stale
    row.scroll_into_view_if_needed()
    shoot(page, "loyalty-row-redeemed", full_page=False)
