"""Every date field of the Persian pages with the Jalali picker, as a person uses it: the field already
holds a date in Persian digits (today, a saved date, a filter in the address), a click opens the
calendar on that month with that day marked, another day is clicked, the form is sent, and the
database (or the shown day) has it. Tab neither opens the calendar nor leaves it over the page."""

import datetime
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import jdatetime
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core import dates
from core.text import to_persian_digits
from customers.models import Contract, Interaction, Purchase
from customers.services import purchase_add
from followups import services
from followups.models import FollowUp, FollowUpPlan
from tests.factories import CustomerFactory, SegmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LATIN = re.compile(r"[A-Za-z0-9]")


def _fa(day: datetime.date) -> str:
    """What a Persian date box shows: ۱۴۰۵/۰۹/۱۰."""
    return to_persian_digits(dates.input_value(day, "fa"))


def _pick(page, field, *, shown: datetime.date, target: datetime.date) -> None:
    """Click the field holding ``shown``, check the calendar opened on it, go to ``target``'s month
    (the month arrows, or the year list) and click its day."""
    box = page.locator(field) if isinstance(field, str) else field
    expect(box).to_have_value(_fa(shown))
    box.click()
    picker = page.locator("jdp-container")
    expect(picker).to_be_visible()
    now = jdatetime.date.fromgregorian(date=shown)
    expect(picker.locator(".jdp-year select")).to_have_value(str(now.year))
    expect(picker.locator(".jdp-month select")).to_have_value(str(now.month))
    expect(picker.locator(".jdp-day:not(.not-in-month)")).to_have_count(_days_in_month(now))
    expect(picker.locator(".jdp-day.selected")).to_have_text(to_persian_digits(str(now.day)))
    assert not LATIN.search(picker.inner_text())

    wanted = jdatetime.date.fromgregorian(date=target)
    if wanted.year != now.year:
        picker.locator(".jdp-year select").select_option(str(wanted.year))
        picker.locator(".jdp-month select").select_option(str(wanted.month))
    else:
        arrow = ".jdp-months .jdp-icon-plus" if wanted.month > now.month else ".jdp-months .jdp-icon-minus"
        for _ in range(abs(wanted.month - now.month)):
            picker.locator(arrow).click()
    expect(picker.locator(".jdp-month select")).to_have_value(str(wanted.month))
    # The calendar redraws the month's days after the arrow: click once they are the new month's
    # (a click during the redraw lands on the page and closes the calendar).
    expect(picker.locator(".jdp-day:not(.not-in-month)")).to_have_count(_days_in_month(wanted))
    day = re.compile(rf"^{to_persian_digits(str(wanted.day))}$")
    picker.locator(".jdp-day:not(.not-in-month)").filter(has_text=day).click()
    expect(picker).to_be_hidden()
    expect(box).to_have_value(_fa(target))  # shown in Persian digits again, as it came


def _days_in_month(day: jdatetime.date) -> int:
    first = day.replace(day=1)
    return ((first + datetime.timedelta(days=32)).replace(day=1) - first).days


def _past_day(day: datetime.date) -> datetime.date:
    """Another day in the past: in the previous Jalali month, so the month arrow is used too."""
    return day - datetime.timedelta(days=35)


@pytest.fixture
def quiet_calendar(settings):
    settings.PEYGIR_WEEKEND_DAYS = []  # dates stay exactly where the test puts them
    settings.PEYGIR_YEARLY_HOLIDAYS = []


@pytest.fixture
def customer(rep, quiet_calendar):
    return CustomerFactory(name="فروشگاه نیلوفر", mobile="09120000011", owner=rep)


def test_the_calls_due_day_navigator_moves_to_a_clicked_day(open_page, rep, quiet_calendar):
    today = timezone.localdate()
    target = today + datetime.timedelta(days=12)
    customer = CustomerFactory(name="مشتری آینده", owner=rep)
    services.plan_create(customer=customer, every=1, starts_on=target)
    page = open_page(rep)
    page.goto("/calls/")
    _pick(page, "#id_day", shown=today, target=target)
    page.get_by_role("button", name="نمایش").click()
    expect(page.get_by_test_id("shown-day")).to_contain_text(dates.format_date(target, "fa"))
    expect(page.locator("main")).to_contain_text("مشتری آینده")
    assert dates.parse_date(parse_qs(urlparse(page.url).query)["day"][0]) == target


def test_a_purchase_gets_the_clicked_day(open_page, rep, customer):
    today = timezone.localdate()
    page = open_page(rep)
    page.goto(f"/customers/{customer.pk}/")
    form = page.locator(f"form[action='/customers/{customer.pk}/purchases/new/']")
    _pick(page, form.locator("input[name=purchased_on]"), shown=today, target=_past_day(today))
    form.locator("input[name=amount]").fill("۱٬۵۰۰٬۰۰۰")
    form.locator("[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/"))
    assert Purchase.objects.get(customer=customer).purchased_on == _past_day(today)


def test_an_edited_purchase_keeps_a_day_clicked_on_its_saved_date(open_page, rep, customer):
    saved = datetime.date(2024, 5, 4)  # ۱۴۰۳/۰۲/۱۵
    purchase = purchase_add(customer=customer, purchased_on=saved, amount=Decimal(2_500_000))
    page = open_page(rep)
    page.goto(f"/customers/{customer.pk}/purchases/{purchase.pk}/edit/")
    _pick(page, "#id_purchased_on", shown=saved, target=datetime.date(2024, 6, 1))  # ۱۴۰۳/۰۳/۱۲
    page.locator("main form [type=submit]").first.click()
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/$"))
    purchase.refresh_from_db()
    assert purchase.purchased_on == datetime.date(2024, 6, 1)


def test_a_note_gets_the_clicked_day(open_page, rep, customer):
    today = timezone.localdate()
    page = open_page(rep)
    page.goto(f"/customers/{customer.pk}/")
    form = page.locator(f"form[action='/customers/{customer.pk}/interactions/new/']")
    _pick(page, form.locator("input[name=occurred_on]"), shown=today, target=_past_day(today))
    form.locator("[name=summary]").fill("درباره‌ی سفارش بعدی حرف زدیم")
    form.locator("[type=submit]").click()
    expect(page.locator("main")).to_contain_text("درباره‌ی سفارش بعدی حرف زدیم")
    assert timezone.localtime(Interaction.objects.get(customer=customer).occurred_at).date() == _past_day(today)


def test_a_contract_gets_typed_persian_dates_changed_by_clicks(open_page, rep, customer):
    page = open_page(rep)
    page.goto(f"/customers/{customer.pk}/")
    page.get_by_text("افزودن قرارداد").click()
    form = page.locator(f"form[action='/customers/{customer.pk}/contracts/new/']")
    starts, ends = datetime.date(2025, 3, 21), datetime.date(2026, 3, 20)  # ۱۴۰۴/۰۱/۰۱, ۱۴۰۴/۱۲/۲۹
    form.locator("input[name=starts_on]").fill(_fa(starts))  # a date typed in Persian digits
    form.locator("input[name=ends_on]").fill("۱۴۰۴/۱۲/۲۹")
    _pick(page, form.locator("input[name=starts_on]"), shown=starts, target=datetime.date(2025, 4, 1))
    _pick(page, form.locator("input[name=ends_on]"), shown=ends, target=datetime.date(2026, 5, 1))  # the next year
    form.locator("[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/"))
    contract = Contract.objects.get(customer=customer)
    assert (contract.starts_on, contract.ends_on) == (datetime.date(2025, 4, 1), datetime.date(2026, 5, 1))


def test_a_custom_cadence_starts_on_the_clicked_day(open_page, rep, customer):
    today = timezone.localdate()
    target = today + datetime.timedelta(days=9)
    page = open_page(rep)
    page.goto(f"/customers/{customer.pk}/")
    plans = page.get_by_test_id("customer-followups")
    plans.get_by_text("برنامه‌ی تماس دلخواه").click()
    form = plans.locator("details form")
    _pick(page, form.locator("input[name=starts_on]"), shown=today, target=target)
    form.get_by_role("button", name="افزودن برنامه").click()
    expect(page.get_by_test_id("plans")).to_be_visible()
    assert FollowUpPlan.objects.get(customer=customer).starts_on == target


def test_a_bulk_cadence_starts_on_the_clicked_day(open_page, manager, rep, quiet_calendar):
    today = timezone.localdate()
    target = today + datetime.timedelta(days=20)
    wholesale = SegmentFactory(name="عمده‌فروشی")
    for number in range(2):
        CustomerFactory(name=f"عمده {number}", owner=rep, segment=wholesale)
    page = open_page(manager)
    page.goto(f"/calls/bulk-cadence/?segment={wholesale.pk}")
    _pick(page, "#id_starts_on", shown=today, target=target)
    page.locator("input[name=first_calls][value=same_day]").check()
    page.get_by_test_id("bulk-preview").click()
    expect(page.get_by_test_id("bulk-confirmation")).to_contain_text("۲")
    page.get_by_test_id("bulk-apply").click()
    expect(page.locator(".alert-success")).to_contain_text("۲")
    assert set(FollowUpPlan.objects.values_list("starts_on", flat=True)) == {target}


def test_try_again_and_snooze_on_a_clicked_day(open_page, rep, customer):
    today = timezone.localdate()
    services.plan_create(customer=customer, every=1, starts_on=today)
    call = FollowUp.objects.get(customer=customer)
    page = open_page(rep)
    page.goto("/calls/")
    row = page.locator(f"#followup-{call.pk}")

    row.get_by_test_id("more-actions").locator("summary").click()
    row.locator("select[name=when]").select_option("on_date")
    snooze_box = row.locator("input[name=on]")
    expect(snooze_box).to_be_focused()  # revealed and focused, but the calendar waits for a click
    expect(page.locator("jdp-container")).to_be_hidden()
    snooze_box.fill(_fa(today + datetime.timedelta(days=2)))
    _pick(page, snooze_box, shown=today + datetime.timedelta(days=2), target=today + datetime.timedelta(days=5))
    row.get_by_role("button", name=re.compile("تعویق")).click()
    expect(page.locator(f"#followup-{call.pk}").get_by_test_id("snoozed")).to_be_visible()
    call.refresh_from_db()
    assert call.due_on == today + datetime.timedelta(days=5)

    page.goto(f"/calls/?day={(today + datetime.timedelta(days=5)).isoformat()}")
    row = page.locator(f"#followup-{call.pk}")
    row.locator("select[name=outcome]").select_option("no_answer")
    row.get_by_test_id("outcome-more").locator("summary").click()  # "Try again" loads when opened
    row.locator("select[name=retry]").select_option("on_date")
    retry_box = row.locator("input[name=retry_on]")
    retry_box.fill(_fa(today + datetime.timedelta(days=6)))
    _pick(page, retry_box, shown=today + datetime.timedelta(days=6), target=today + datetime.timedelta(days=9))
    row.locator("[type=submit]").first.click()
    again = today + datetime.timedelta(days=9)
    expect(page.locator(f"#followup-{call.pk}").first).to_contain_text(dates.format_date(again, "fa"))
    call.refresh_from_db()
    assert call.due_on == again  # the same call, tried again on the clicked day


def test_the_backtest_runs_as_of_the_clicked_day(open_page, manager, customer):
    default = timezone.localdate() - datetime.timedelta(days=180)
    page = open_page(manager)
    page.goto("/customers/at-risk/backtest/")
    _pick(page, "#id_as_of", shown=default, target=_past_day(default))
    page.get_by_test_id("backtest-form").locator("[type=submit]").click()
    summary = page.get_by_test_id("backtest-summary")
    expect(summary).to_contain_text(dates.format_date(_past_day(default), language="fa"))


@pytest.mark.parametrize("path", ["/audit/", "/surveys/"])
def test_a_date_range_filter_keeps_the_clicked_days(open_page, manager, path):
    start, end = datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)
    page = open_page(manager)
    page.goto(f"{path}?start={_fa(start)}&end={_fa(end)}")  # a filter already in the address
    _pick(page, "#id_start", shown=start, target=datetime.date(2025, 12, 25))
    _pick(page, "#id_end", shown=end, target=datetime.date(2026, 2, 10))
    page.get_by_role("button", name="نمایش").click()
    expect(page).to_have_url(re.compile(r"start="))
    query = parse_qs(urlparse(page.url).query)
    assert dates.parse_date(query["start"][0]) == datetime.date(2025, 12, 25)
    assert dates.parse_date(query["end"][0]) == datetime.date(2026, 2, 10)
    expect(page.locator("#id_start")).to_have_value(_fa(datetime.date(2025, 12, 25)))
    expect(page.locator(".text-danger")).to_have_count(0)


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_tab_neither_opens_the_calendar_nor_leaves_it_over_the_page(open_page, rep, customer, shoot, device):
    today = timezone.localdate()
    page = open_page(rep, "fa", device)
    page.goto(f"/customers/{customer.pk}/")
    form = page.locator(f"form[action='/customers/{customer.pk}/purchases/new/']")
    box = form.locator("input[name=purchased_on]")
    picker = page.locator("jdp-container")

    box.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # Tab reaches the date field
    expect(box).to_be_focused()
    expect(picker).to_be_hidden()
    page.keyboard.press("ArrowDown")  # the keyboard way to open it
    expect(picker).to_be_visible()
    page.keyboard.press("Tab")  # and Tab moves on, before the calendar's opening animation ends
    expect(form.locator("input[name=amount]")).to_be_focused()
    page.wait_for_timeout(500)  # the animation is over: the calendar must not come back
    expect(picker).to_be_hidden()
    expect(page.locator("jdp-overlay")).to_be_hidden()

    box.click()
    expect(picker).to_be_visible()
    expect(picker.locator(".jdp-day.today")).to_have_text(to_persian_digits(str(jdatetime.date.today().day)))
    picker.scroll_into_view_if_needed()
    shoot(page, "date-picker", full_page=False)
    page.keyboard.press("Escape")
    expect(picker).to_be_hidden()
    expect(box).to_have_value(_fa(today))  # looking at the calendar changed nothing


def test_typing_still_works_and_a_wrong_day_is_refused(open_page, rep, customer):
    page = open_page(rep)
    page.goto(f"/customers/{customer.pk}/")
    form = page.locator(f"form[action='/customers/{customer.pk}/purchases/new/']")
    form.locator("input[name=purchased_on]").fill("۱۴۰۳/۰۷/۳۱")  # Mehr has 30 days
    form.locator("input[name=amount]").fill("۱٬۰۰۰٬۰۰۰")
    form.locator("[type=submit]").click()
    expect(page.locator("main")).to_contain_text("وجود ندارد")
    assert not Purchase.objects.exists()
    form = page.locator("main form")  # the form again, on its own page, with the error
    form.locator("input[name=purchased_on]").fill("1403/7/30")  # Latin digits, no zero: read too
    form.locator("[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/$"))
    assert Purchase.objects.get().purchased_on == jdatetime.date(1403, 7, 30).togregorian()


def test_tabbing_through_the_calls_due_page_leaves_the_first_row_uncovered(open_page, rep, customer):
    services.plan_create(customer=customer, every=1, starts_on=timezone.localdate())
    call = FollowUp.objects.get(customer=customer)
    page = open_page(rep)
    page.goto("/calls/")
    day_box = page.locator("#id_day")
    day_box.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    expect(day_box).to_be_focused()
    page.keyboard.press("Tab")
    expect(day_box).not_to_be_focused()
    page.wait_for_timeout(500)  # longer than the picker's opening animation
    expect(page.locator("jdp-container")).to_have_count(0)  # never opened at all
    outcome = page.locator(f"#followup-{call.pk} select[name=outcome]")
    outcome.click()  # a click lands on the first row itself: nothing lies over it
    expect(outcome).to_be_focused()


def _pick_in_english(page, box, day: datetime.date) -> None:
    """The calendar button opens the browser's own calendar (a native popup Playwright cannot
    click); picking a day there fills the hidden native box, which is what this does."""
    button = box.locator("xpath=following-sibling::button[1]")
    expect(button).to_have_attribute("aria-label", "Pick on a calendar")
    button.click()
    box.locator("xpath=following-sibling::input[@type='date']").fill(day.isoformat())


def test_english_date_boxes_show_the_date_as_typed_with_a_calendar_button(open_page, rep, shoot):
    page = open_page(rep, "en")
    page.goto("/calls/")
    day_box = page.locator("#id_day")
    expect(day_box).to_have_attribute("type", "text")  # not the browser's 12/01/2026
    expect(day_box).to_have_value(timezone.localdate().isoformat())
    expect(page.locator("[data-jdp]")).to_have_count(0)
    _pick_in_english(page, day_box, datetime.date(2026, 3, 21))
    expect(day_box).to_have_value("2026-03-21")
    expect(day_box).to_be_focused()
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("shown-day")).to_contain_text("21 Mar 2026")
    shoot(page, "calls-due-day-box", full_page=False)


def test_an_english_purchase_gets_the_day_picked_on_the_calendar(open_page, rep, customer):
    page = open_page(rep, "en")
    page.goto(f"/customers/{customer.pk}/")
    form = page.locator(f"form[action='/customers/{customer.pk}/purchases/new/']")
    _pick_in_english(page, form.locator("input[name=purchased_on]"), datetime.date(2026, 2, 3))
    form.locator("input[name=amount]").fill("150,000")
    form.locator("[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/$"))
    assert Purchase.objects.get(customer=customer).purchased_on == datetime.date(2026, 2, 3)


def test_an_english_date_box_with_an_error_keeps_it_shown_beside_the_button(open_page, rep, customer):
    page = open_page(rep, "en")
    page.goto(f"/customers/{customer.pk}/")
    form = page.locator(f"form[action='/customers/{customer.pk}/purchases/new/']")
    form.locator("input[name=purchased_on]").fill("2026-02-30")
    form.locator("input[name=amount]").fill("150,000")
    form.locator("[type=submit]").click()
    box = page.locator("input[name=purchased_on]")
    expect(box).to_have_value("2026-02-30")  # what was typed stays, to be corrected
    expect(page.locator(".invalid-feedback").filter(has_text="does not exist")).to_be_visible()
    expect(box.locator("xpath=following-sibling::button[1]")).to_be_visible()
