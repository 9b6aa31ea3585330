"""The rep's row after an action, in real Chromium: it moves to where it now belongs without a reload,
says its new day (or the next call's), and keyboard focus and the live region follow it."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core import dates
from core.text import to_persian_digits
from customers.services import purchase_add
from followups import selectors, services
from followups.models import FollowUp, FollowUpPlan
from tests.browser.calls_due import open_outcome_fields
from tests.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGS_AND_DEVICES = [("fa", "desktop"), ("fa", "phone"), ("en", "desktop"), ("en", "phone")]
LATIN = re.compile(r"[A-Za-z0-9]")
DAY = datetime.timedelta(days=1)


@pytest.fixture
def rep_day(rep, settings):
    """An overdue call, a weekly customer due today, and a call the day after tomorrow."""
    settings.PEYGIR_WEEKEND_DAYS = []
    settings.PEYGIR_YEARLY_HOLIDAYS = []
    today = timezone.localdate()
    late = CustomerFactory(name="فروشگاه بزرگ", mobile="09120000001", owner=rep, company="پخش البرز")
    purchase_add(customer=late, purchased_on=today - 20 * DAY, amount=Decimal(90_000_000))
    weekly = CustomerFactory(name="مشتری هفتگی", mobile="09120000003", owner=rep)
    later = CustomerFactory(name="مشتری پس‌فردا", mobile="09120000005", owner=rep)
    services.plan_create(customer=late, every=1, starts_on=today - 5 * DAY, purpose="پیگیری سفارش")
    services.plan_create(customer=weekly, every=1, unit=FollowUpPlan.Unit.WEEKS, starts_on=today, purpose="هفتگی")
    services.followup_raise(
        customer=later, reason=FollowUp.Reason.ONE_OFF, source_key="test:later", due_on=today + 2 * DAY
    )
    return {
        "overdue": FollowUp.objects.get(customer=late),
        "weekly": FollowUp.objects.get(customer=weekly, due_on=today),
        "later": FollowUp.objects.get(customer=later),
        "today": today,
    }


def _focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


@pytest.mark.parametrize(("lang", "device"), LANGS_AND_DEVICES)
def test_no_answer_tomorrow_moves_the_row_out_of_overdue_and_says_the_new_day(
    open_page, rep, rep_day, shoot, lang, device
):
    page = open_page(rep, lang, device)
    page.goto("/calls/")
    page.evaluate("window.__stillTheSamePage = true")
    overdue = rep_day["overdue"]
    row = page.locator(f"#followup-{overdue.pk}")
    row.locator("select[name=outcome]").select_option("no_answer")
    open_outcome_fields(row)
    row.locator("select[name=retry]").select_option("tomorrow")
    row.locator("input[name=note]").fill("بوق آزاد")
    row.locator("input[name=note]").press("Enter")  # keyboard: Enter saves the row

    upcoming = page.get_by_test_id("section-upcoming")
    moved = upcoming.locator(f"#followup-{overdue.pk}")
    expect(moved).to_be_visible()
    expect(page.get_by_test_id("section-due").locator(f"#followup-{overdue.pk}")).to_have_count(0)
    order = upcoming.get_by_test_id("followup-row").evaluate_all(
        "rows => rows.map(row => Number(row.dataset.followup))"
    )
    assert order.index(overdue.pk) < order.index(rep_day["later"].pk)  # tomorrow before the day after
    new_day = dates.format_date(rep_day["today"] + DAY, lang)
    expect(moved.get_by_test_id("action-note")).to_contain_text(new_day)
    expect(page.get_by_test_id("calls-status")).to_contain_text(new_day)
    expect(page.get_by_test_id("count-overdue")).to_have_text("۰" if lang == "fa" else "0")
    expect(page.get_by_test_id("count-upcoming")).to_have_text("۳" if lang == "fa" else "3")
    assert _focused_id(page) == f"followup-{overdue.pk}"
    expect(moved.get_by_test_id("action-note")).to_be_in_viewport()  # scrolled to where it went
    assert page.evaluate("window.__stillTheSamePage") is True  # no full reload
    if lang == "fa":
        assert not LATIN.findall(moved.get_by_test_id("action-note").inner_text())
        assert not LATIN.findall(page.get_by_test_id("calls-status").inner_text())
    shoot(page, "calls-due-after-retry", full_page=False)
    overdue.refresh_from_db()
    assert (overdue.status, overdue.due_on) == (FollowUp.Status.RESCHEDULED, rep_day["today"] + DAY)


@pytest.mark.parametrize(("lang", "device"), LANGS_AND_DEVICES)
def test_reached_moves_the_row_to_closed_with_the_next_calls_date(open_page, rep, rep_day, shoot, lang, device):
    page = open_page(rep, lang, device)
    page.goto("/calls/")
    weekly = rep_day["weekly"]
    row = page.locator(f"#followup-{weekly.pk}")
    row.locator("select[name=outcome]").select_option("reached")
    row.locator("select[name=outcome]").focus()
    page.keyboard.press("Tab")  # to the Save button
    page.keyboard.press("Tab")  # to "try again · note", closed
    page.keyboard.press("Enter")  # opens it: its fields load
    expect(row.locator("input[name=note]")).to_be_visible()
    page.keyboard.press("Tab")  # to "try again", left at "no, close it"
    page.keyboard.press("Tab")  # to the note
    page.keyboard.type("سفارش هفته بعد را داد")
    page.keyboard.press("Enter")  # Enter in the note saves the row

    closed = page.get_by_test_id("section-done").locator(f"#followup-{weekly.pk}")
    expect(closed.get_by_test_id("closed")).to_contain_text("سفارش هفته بعد را داد")
    next_day = dates.format_date(rep_day["today"] + 7 * DAY, lang)
    expect(closed.get_by_test_id("next-call")).to_contain_text(next_day)
    expect(page.get_by_test_id("calls-status")).to_contain_text(next_day)
    expect(page.get_by_test_id("calls-status")).to_contain_text("مشتری هفتگی")
    expect(page.get_by_test_id("count-done")).to_have_text("۱" if lang == "fa" else "1")
    expect(page.get_by_test_id("section-due").locator(f"#followup-{weekly.pk}")).to_have_count(0)
    assert _focused_id(page) == f"followup-{weekly.pk}"
    expect(closed.get_by_test_id("action-note")).to_be_in_viewport()  # scrolled to where it went
    if lang == "fa":
        assert not LATIN.findall(closed.get_by_test_id("next-call").inner_text())
    shoot(page, "calls-due-after-reached", full_page=False)


def test_a_snooze_past_the_days_shown_leaves_a_note_and_the_empty_section_says_so(open_page, rep, settings):
    settings.PEYGIR_WEEKEND_DAYS = []
    only = CustomerFactory(name="تنها مشتری", owner=rep)
    call, _created = services.followup_raise(
        customer=only, reason=FollowUp.Reason.ONE_OFF, source_key="test:only", due_on=timezone.localdate()
    )
    far = timezone.localdate() + 30 * DAY
    page = open_page(rep, "en")
    page.goto("/calls/")
    row = page.locator(f"#followup-{call.pk}")
    row.get_by_test_id("more-actions").locator("summary").click()
    row.locator("select[name=when]").select_option("on_date")
    row.locator("input[name=on]").fill(far.isoformat())
    row.get_by_role("button", name="Snooze").click()

    note = page.get_by_test_id("moved-away")
    expect(note).to_contain_text(dates.format_date(far, "en"))
    expect(page.locator(f"#followup-{call.pk}")).to_have_count(0)
    expect(page.get_by_test_id("section-due").locator(".empty-note")).to_be_visible()
    expect(page.get_by_test_id("calls-status")).to_contain_text("after the days this page shows")
    assert _focused_id(page) == f"moved-{call.pk}"


def test_a_row_moved_below_the_shown_page_is_left_to_show_more(open_page, rep, settings):
    """The coming days show a page of rows; a retry that ranks after them comes with "show more", once."""
    settings.PEYGIR_WEEKEND_DAYS = []
    today = timezone.localdate()
    size = selectors.ROWS_PER_PAGE["upcoming"]
    for n in range(size + 2):
        customer = CustomerFactory(name=f"مشتری فردا {n}", owner=rep)
        services.followup_raise(
            customer=customer, reason=FollowUp.Reason.ONE_OFF, source_key=f"test:{n}", due_on=today + DAY
        )
    late = CustomerFactory(name="مشتری دیر", owner=rep)
    call, _created = services.followup_raise(
        customer=late, reason=FollowUp.Reason.ONE_OFF, source_key="test:late", due_on=today
    )
    page = open_page(rep, "en")
    page.goto("/calls/")
    more = page.get_by_test_id("show-more-upcoming")
    expect(more).to_contain_text(f"showing {size} of {size + 2}")
    row = page.locator(f"#followup-{call.pk}")
    row.locator("select[name=outcome]").select_option("no_answer")
    open_outcome_fields(row)
    row.locator("select[name=retry]").select_option("in_3_days")
    row.get_by_role("button", name="Save").click()

    expect(page.get_by_test_id("calls-status")).to_contain_text("مشتری دیر")
    expect(more).to_contain_text(f"showing {size} of {size + 3}")  # one more beyond the page, none more shown
    expect(page.locator(f"#followup-{call.pk}")).to_have_count(0)
    assert _focused_id(page) == ""  # the "show more" button has no id; it holds the focus
    assert page.evaluate("document.activeElement.dataset.testid") == "show-more-upcoming"
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("section-upcoming").locator(f"#followup-{call.pk}")).to_have_count(1)
    expect(page.get_by_test_id("section-upcoming").get_by_test_id("followup-row")).to_have_count(size + 3)


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_closing_a_row_of_a_long_list_updates_how_many_show_more_says_are_shown(open_page, rep, settings, lang):
    settings.PEYGIR_WEEKEND_DAYS = []
    today = timezone.localdate()
    size = selectors.ROWS_PER_PAGE["due"]
    for n in range(size + 2):
        services.followup_raise(
            customer=CustomerFactory(name=f"مشتری امروز {n}", owner=rep),
            reason=FollowUp.Reason.ONE_OFF,
            source_key=f"test:{n}",
            due_on=today,
        )
    page = open_page(rep, lang)
    page.goto("/calls/")
    more = page.get_by_test_id("show-more-due")
    figures = (lambda *n: [to_persian_digits(str(x)) for x in n]) if lang == "fa" else (lambda *n: [str(x) for x in n])
    shown, total = figures(size, size + 2)
    expect(more.locator("[data-shown]")).to_have_text(shown)
    expect(more.locator("[data-total]")).to_have_text(total)

    first = page.get_by_test_id("section-due").get_by_test_id("followup-row").first
    first.locator("select[name=outcome]").select_option("reached")
    first.get_by_role("button", name=re.compile("Save|ذخیره")).click()

    shown, total = figures(size - 1, size + 1)
    expect(more.locator("[data-shown]")).to_have_text(shown)
    expect(more.locator("[data-total]")).to_have_text(total)
    more.click()  # asks for the rest with the figure of the moment: every row once, none skipped
    expect(page.get_by_test_id("section-due").get_by_test_id("followup-row")).to_have_count(size + 1)
    expect(page.get_by_test_id("show-more-due")).to_have_count(0)
