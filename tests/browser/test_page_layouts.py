"""Layouts a UI review found broken, in real Chromium: fa and en, a 1366px desktop, a 390px and a
360px phone. On a phone nothing pushes the page sideways, every button is on the screen, text
keeps its own direction (an English subject on a Persian page), and what must scroll sideways (the
contact calendar) scrolls inside its card, says so and can be reached with the keyboard."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from outbox.models import OutgoingEmail
from tests.browser.accessibility import axe_findings, with_axe
from tests.factories import CustomerFactory, InteractionFactory, PurchaseFactory, UserFactory
from tests.outbox.factories import OutgoingEmailFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CASES = [("fa", "desktop"), ("fa", "phone"), ("en", "desktop"), ("en", "phone")]
DESKTOP = {"width": 1366, "height": 900}
NARROW_PHONE = {"width": 360, "height": 780}
ENGLISH_SUBJECT = "How are we doing?"


def _open(open_page, user, lang, device):
    page = with_axe(open_page(user, lang, device))
    if device == "desktop":
        page.set_viewport_size(DESKTOP)
    return page


def _widths(page):
    """The page at each width this device is checked at: a phone also at 360px."""
    yield
    if page.peygir_device == "phone":
        page.set_viewport_size(NARROW_PHONE)
        yield


def _no_sideways_page_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls {overflow}px sideways"


def _on_screen(page, locator) -> None:
    """Each element is whole inside the window and not clipped by a scrolling box around it."""
    width = page.evaluate("document.documentElement.clientWidth")
    for index in range(locator.count()):
        element = locator.nth(index)
        box = element.bounding_box()
        assert box is not None, f"{element} is not shown"
        assert box["x"] >= -0.5 and box["x"] + box["width"] <= width + 0.5, f"{element.inner_text()!r} is off screen"
        clipped = element.evaluate(
            """(el) => {
                const box = el.getBoundingClientRect();
                for (let box_ = el.parentElement; box_; box_ = box_.parentElement) {
                    const style = getComputedStyle(box_);
                    if (style.overflowX === "visible") continue;
                    const frame = box_.getBoundingClientRect();
                    if (box.left < frame.left - 0.5 || box.right > frame.right + 0.5) return true;
                }
                return false;
            }"""
        )
        assert not clipped, f"{element.inner_text()!r} is cut by a scrolling box"


def _one_line(locator) -> None:
    for index in range(locator.count()):
        element = locator.nth(index)
        lines = element.evaluate(
            """(el) => {
                const style = getComputedStyle(el);
                const inner = el.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
                return Math.round(inner / parseFloat(style.lineHeight));
            }"""
        )
        assert lines == 1, f"{element.inner_text()!r} takes {lines} lines"


def _no_accessibility_finding(page) -> None:
    assert axe_findings(page) == []
    if page.peygir_lang == "fa":  # nothing English but what is shown as written (addresses, user text)
        text = page.evaluate(
            """() => {
                const main = document.querySelector("main").cloneNode(true);
                main.querySelectorAll('[dir="ltr"], [dir="auto"]').forEach((element) => element.remove());
                document.body.appendChild(main);
                const text = main.innerText;
                main.remove();
                return text;
            }"""
        )
        assert not re.findall(r"[A-Za-z0-9]", text), text


@pytest.mark.parametrize(("lang", "device"), CASES)
def test_the_team_page_shows_every_member_and_action_on_a_phone(open_page, manager, rep, shoot, lang, device):
    UserFactory(username="left", first_name="پرویز", last_name="قاسمی", email="parviz@example.com", is_active=False)
    rep.email = "ali.rostami.sales@example.com"
    rep.save()
    page = _open(open_page, manager, lang, device)
    page.goto("/accounts/team/")
    members = page.get_by_test_id("member")
    expect(members).to_have_count(3)
    for _ in _widths(page):
        _no_sideways_page_scroll(page)
        if page.peygir_device == "desktop":
            _on_screen(page, page.get_by_test_id("team").locator("thead th"))
        _on_screen(page, members.locator("td"))
        _on_screen(page, members.locator(".btn"))
        _on_screen(page, page.locator('[data-testid=member][data-username="rep1"] .ltr'))
        _one_line(members.locator(".btn"))
    expect(page.locator('[data-testid=member][data-username="left"]').get_by_role("button")).to_be_visible()
    page.set_viewport_size(DESKTOP if device == "desktop" else {"width": 390, "height": 844})
    _no_accessibility_finding(page)
    shoot(page, "layout-team")


@pytest.mark.parametrize(("lang", "device"), CASES)
def test_the_sent_emails_read_well_on_a_phone_and_keep_their_own_direction(open_page, manager, shoot, lang, device):
    english = OutgoingEmailFactory(
        subject=ENGLISH_SUBJECT, to="customer.care@example.com", status=OutgoingEmail.Status.SENT
    )
    OutgoingEmailFactory(
        subject="از خرید شما سپاسگزاریم؛ نظرتان دربارهٔ سفارش اخیر چیست؟", status=OutgoingEmail.Status.FAILED
    )
    page = _open(open_page, manager, lang, device)
    page.goto("/emails/")
    emails = page.get_by_test_id("emails")
    subject = emails.get_by_role("link", name=ENGLISH_SUBJECT)
    assert subject.evaluate("(el) => getComputedStyle(el).direction") == "ltr"  # not "?How are we doing"
    for _ in _widths(page):
        _no_sideways_page_scroll(page)
        rows = emails.locator("tbody tr")
        for part in ("email-to", "email-status", "email-date"):
            _on_screen(page, rows.get_by_test_id(part))
        for index in range(
            rows.count() if device == "phone" else 0
        ):  # a subject gets the row's width, not a word a line
            subject_box = rows.nth(index).get_by_test_id("email-subject").bounding_box()
            assert subject_box["width"] >= 0.6 * page.viewport_size["width"], subject_box
    shoot(page, "layout-emails")
    _no_accessibility_finding(page)

    # The email's page: the subject reads the right way, each label beside its value (or each above it).
    page.set_viewport_size(DESKTOP if device == "desktop" else {"width": 390, "height": 844})
    page.goto(f"/emails/{english.pk}/")
    expect(page.locator("h1")).to_have_text(ENGLISH_SUBJECT)
    assert page.locator("h1").evaluate("(el) => getComputedStyle(el).direction") == "ltr"
    assert (
        page.locator(".breadcrumb-item.active").evaluate(
            "(el) => getComputedStyle(el.firstElementChild || el).direction"
        )
        == "ltr"
    )
    labels = page.get_by_test_id("email-facts").locator("dt")
    beside = []
    for index in range(labels.count()):
        label = labels.nth(index)
        value = label.locator("xpath=following-sibling::dd[1]")
        label_box, value_box = label.bounding_box(), value.bounding_box()
        beside.append(abs(label_box["y"] - value_box["y"]) < 2)
    assert beside == [device == "desktop"] * labels.count(), beside
    _on_screen(page, page.get_by_test_id("email-facts").locator("dd"))
    _no_sideways_page_scroll(page)
    _no_accessibility_finding(page)
    shoot(page, "layout-email")


@pytest.mark.parametrize(("lang", "device"), CASES)
def test_the_customer_list_buttons_wrap_as_whole_buttons(open_page, manager, shoot, lang, device):
    CustomerFactory(owner=manager, name="نسرین کاوه")
    page = _open(open_page, manager, lang, device)
    page.goto("/customers/")
    buttons = page.get_by_test_id("customer-actions").locator(".btn")
    expect(buttons).to_have_count(4)
    for _ in _widths(page):
        _no_sideways_page_scroll(page)
        _one_line(buttons)
        _on_screen(page, buttons)
    page.set_viewport_size(DESKTOP if device == "desktop" else {"width": 390, "height": 844})
    _no_accessibility_finding(page)
    shoot(page, "layout-customer-list", full_page=False)


@pytest.mark.parametrize(("lang", "device"), CASES)
def test_the_contact_calendar_scrolls_in_its_card_and_says_so(open_page, manager, shoot, lang, device):
    customer = CustomerFactory(owner=manager, name="نسرین کاوه")
    today = timezone.localdate()
    InteractionFactory(customer=customer, occurred_at=timezone.now())
    PurchaseFactory(customer=customer, purchased_on=today - datetime.timedelta(days=70))
    page = _open(open_page, manager, lang, device)
    page.goto(f"/customers/{customer.pk}/")
    region = page.get_by_test_id("calendar-scroll")
    expect(region).to_have_attribute("tabindex", "0")
    expect(region).to_have_attribute("role", "region")
    expect(region).to_have_accessible_name(
        "تقویم ارتباط، همهٔ ماه‌ها (به پهلو می‌لغزد)"
        if lang == "fa"
        else "Contact calendar, every month (scrolls sideways)"
    )
    for _ in _widths(page):
        _no_sideways_page_scroll(page)
        _on_screen(page, region)
        overflows = region.evaluate("(el) => el.scrollWidth > el.clientWidth + 1")
        assert overflows == (device == "phone")
        hint = page.get_by_test_id("calendar-scroll-hint")
        if overflows:
            # A shadow at the edge that has more, and a line that says it scrolls.
            assert "gradient" in region.evaluate("(el) => getComputedStyle(el).backgroundImage")
            expect(hint).to_be_visible()
            region.focus()
            region.evaluate("(el) => el.scrollTo(0, 0)")
            for _key in range(3):
                page.keyboard.press("ArrowLeft" if lang == "fa" else "ArrowRight")
            page.wait_for_function("(el) => el.scrollLeft !== 0", arg=region.element_handle())
            page.wait_for_timeout(600)  # the keys' smooth scroll ends before the next width
        else:
            expect(hint).to_be_hidden()
    page.set_viewport_size(DESKTOP if device == "desktop" else {"width": 390, "height": 844})
    region.evaluate("(el) => { el.blur(); el.closest('section').scrollIntoView(); }")
    region.evaluate("(el) => el.scrollTo({left: 0, behavior: 'instant'})")
    page.wait_for_function("(el) => el.scrollLeft === 0", arg=region.element_handle())
    _no_accessibility_finding(page)
    shoot(page, "layout-contact-calendar", full_page=False)
