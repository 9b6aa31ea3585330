"""The loyalty pages from the keyboard only, in real Chromium: every control a person needs is reached
with Tab in a sensible order, works with Enter (or Space on a summary), shows where the focus is,
and after an htmx answer the focus lands on what changed instead of falling back to the page's top."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from loyalty import services, statement
from loyalty.models import LoyaltyAccount, Redemption, Tier
from tests.factories import FollowUpFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABS = 250  # far more than any of these pages has: a control not reached by then is not reachable


def tab_to(page, target, *, backwards: bool = False) -> int:
    """Press Tab until ``target`` has the focus; returns how many presses it took."""
    for presses in range(1, TABS + 1):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if target.evaluate("(element) => element === document.activeElement"):
            return presses
    raise AssertionError(f"{target} is not reached with Tab")


def _offer(section, lang):
    """The discount code's redeem button (the ``mina`` fixture's catalogue)."""
    offers = section.get_by_test_id("reward-offer")
    return offers.filter(has_text="کد تخفیف" if lang == "fa" else "10% off").get_by_role("button")


def focus_is_visible(page) -> bool:
    """The focused control draws an outline or a box shadow (Bootstrap's focus ring)."""
    return page.evaluate(
        """() => {
            const style = getComputedStyle(document.activeElement);
            return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
        }"""
    )


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_a_rep_redeems_and_cancels_from_the_customer_page_with_the_keyboard(open_page, rep, mina, shoot, lang):
    page = open_page(rep, lang)
    page.goto(f"/customers/{mina.pk}/")
    panel = page.get_by_test_id("loyalty-panel")
    redeem = _offer(panel, lang)

    tab_to(page, redeem)
    assert focus_is_visible(page)
    page.keyboard.press("Enter")

    result = page.get_by_test_id("loyalty-panel").get_by_test_id("redeemed")
    expect(result).to_be_visible()
    expect(result).to_be_focused()  # the answer is where the focus is, and a screen reader reads it
    assert LoyaltyAccount.objects.get(customer=mina).available == 20
    shoot(page, "loyalty-keyboard-redeemed", full_page=False)

    cancel = page.get_by_test_id("loyalty-panel").get_by_test_id("redemption").get_by_role("button")
    assert cancel.count() == 1
    tab_to(page, cancel)
    assert focus_is_visible(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("loyalty-panel").get_by_test_id("redemption-cancelled")).to_be_focused()
    assert Redemption.objects.get().status == "cancelled"
    assert LoyaltyAccount.objects.get(customer=mina).available == 50


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_a_rep_redeems_from_a_calls_due_row_with_the_keyboard(open_page, rep, mina, shoot, lang):
    today = timezone.localdate()
    call = FollowUpFactory(customer=mina, due_on=today, scheduled_on=today)
    page = open_page(rep, lang)
    page.goto("/calls/")
    row = page.locator(f"#followup-{call.pk}")
    summary = row.get_by_test_id("more-actions").locator("summary")

    tab_to(page, summary)
    assert focus_is_visible(page)
    page.keyboard.press("Enter")  # opens the details
    redeem = _offer(row.get_by_test_id("row-redeem"), lang)
    expect(redeem).to_be_visible()
    assert tab_to(page, redeem) <= 15  # the row's own actions come next, not the page's end
    page.keyboard.press("Enter")

    expect(row.get_by_test_id("row-redeem").get_by_test_id("redeemed")).to_be_focused()
    expect(row.get_by_test_id("row-fact")).to_contain_text("۲۰ امتیاز" if lang == "fa" else "20 points")
    assert LoyaltyAccount.objects.get(customer=mina).available == 20
    shoot(page, "loyalty-keyboard-row-redeemed", full_page=False)


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_a_manager_adjusts_points_and_saves_the_tiers_with_the_keyboard(open_page, manager, mina, lang):
    page = open_page(manager, lang)
    page.goto(f"/customers/{mina.pk}/")
    panel = page.get_by_test_id("loyalty-panel")
    tab_to(page, panel.locator("details summary"))
    assert focus_is_visible(page)
    page.keyboard.press("Enter")  # opens "Adjust points by hand"
    points = panel.locator("input[name=points]")
    assert tab_to(page, points) == 1
    page.keyboard.type("۲۵" if lang == "fa" else "25")
    page.keyboard.press("Tab")
    page.keyboard.type("جبران تأخیر" if lang == "fa" else "Late delivery")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("loyalty-panel").get_by_test_id("points-balance")).to_contain_text(
        "۷۵" if lang == "fa" else "75"
    )
    assert LoyaltyAccount.objects.get(customer=mina).available == 75

    page.goto("/loyalty/rules/")
    silver = page.locator("input[name=form-1-threshold]")
    tab_to(page, silver)
    assert focus_is_visible(page)
    page.keyboard.press("Control+A")
    page.keyboard.type("۳٬۰۰۰٬۰۰۰" if lang == "fa" else "3,000,000")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert").or_(page.locator(".alert-success"))).to_be_visible()
    assert Tier.objects.get(rank=2).threshold == 30_000_000  # Toman typed, Rial kept


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_the_statement_and_the_program_page_page_and_download_with_the_keyboard(
    open_page, browser, live_server, manager, mina, lang
):
    for n in range(25):
        services.points_adjust(customer=mina, points=1, reason=f"دلیل {n}", by=manager)
    mina.preferred_language = lang
    mina.save(update_fields=["preferred_language"])
    context = browser.new_context(locale="fa-IR" if lang == "fa" else "en-US")
    customer_page = context.new_page()
    customer_page.goto(live_server.url + statement.statement_path(mina))
    following = customer_page.get_by_role("link", name=re.compile("بعدی|Next"))
    tab_to(customer_page, following)
    assert focus_is_visible(customer_page)
    customer_page.keyboard.press("Enter")
    expect(customer_page).to_have_url(re.compile(r"page=2"))
    context.close()

    page = open_page(manager, lang)
    page.goto("/loyalty/")
    download = page.get_by_test_id("months-csv")
    tab_to(page, download)
    assert focus_is_visible(page)
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    assert download_info.value.suggested_filename.endswith(".csv")
