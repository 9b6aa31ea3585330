"""The rep's calls-due page, the team view and plan actions, in real Chromium."""

import datetime
import re
from decimal import Decimal

import jdatetime
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core import dates
from customers.services import purchase_add
from followups import services
from followups.models import FollowUp, FollowUpPlan
from tests.browser.calls_due import open_outcome_fields
from tests.factories import CustomerFactory, SegmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGS_AND_DEVICES = [("fa", "desktop"), ("fa", "phone"), ("en", "desktop"), ("en", "phone")]


@pytest.fixture
def rep_day(rep, other_rep, settings):
    """A rep with an overdue, a today and an upcoming call, and one call of another rep."""
    settings.PEYGIR_WEEKEND_DAYS = []  # keep due dates exactly where the test puts them
    settings.PEYGIR_YEARLY_HOLIDAYS = []
    today = timezone.localdate()
    big = CustomerFactory(name="فروشگاه بزرگ", mobile="09120000001", owner=rep, company="پخش البرز")
    purchase_add(customer=big, purchased_on=today - datetime.timedelta(days=20), amount=Decimal(90_000_000))
    small = CustomerFactory(name="مشتری کوچک", mobile="09120000002", owner=rep)
    weekly = CustomerFactory(name="مشتری هفتگی", mobile="09120000003", owner=rep)
    foreign = CustomerFactory(name="مشتری همکار", mobile="09120000004", owner=other_rep)
    services.plan_create(customer=big, every=1, starts_on=today - datetime.timedelta(days=5), purpose="پیگیری سفارش")
    services.plan_create(customer=small, every=3, starts_on=today)
    services.plan_create(customer=weekly, every=1, unit=FollowUpPlan.Unit.WEEKS, starts_on=today, purpose="هفتگی")
    services.plan_create(customer=foreign, every=1, starts_on=today)
    return {"big": big, "small": small, "weekly": weekly, "today": today}


@pytest.mark.parametrize(("lang", "device"), LANGS_AND_DEVICES)
def test_calls_due_page_shows_sections_in_each_language_and_width(open_page, rep, rep_day, shoot, lang, device):
    page = open_page(rep, lang, device)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/calls/$"))
    expect(page.get_by_test_id("count-overdue")).to_have_text("۱" if lang == "fa" else "1")
    expect(page.get_by_test_id("count-due")).to_have_text("۳" if lang == "fa" else "3")
    expect(page.get_by_test_id("section-due")).to_contain_text("فروشگاه بزرگ")
    expect(page.get_by_test_id("section-due")).to_contain_text("مشتری هفتگی")
    expect(page.get_by_test_id("section-upcoming")).to_contain_text("مشتری هفتگی")  # next week's occurrence
    expect(page.locator("body")).not_to_contain_text("مشتری همکار")
    expect(page.get_by_test_id("tel").first).to_have_attribute("href", "tel:09120000001")
    shoot(page, "calls-due")


def test_rep_logs_an_outcome_in_place_and_the_next_call_appears(open_page, rep, rep_day, shoot):
    page = open_page(rep)
    page.goto("/calls/")
    page.evaluate("window.__stillTheSamePage = true")
    weekly_today = FollowUp.objects.get(customer=rep_day["weekly"], due_on=rep_day["today"])
    row = page.locator(f"#followup-{weekly_today.pk}")
    row.locator("select[name=outcome]").select_option("reached")
    open_outcome_fields(row)
    row.locator("input[name=note]").fill("سفارش هفته بعد را داد")
    row.locator("input[name=note]").press("Enter")  # keyboard: Enter submits the row
    closed = page.locator(f"#followup-{weekly_today.pk}").get_by_test_id("closed")
    expect(closed).to_contain_text("سفارش هفته بعد را داد")
    assert page.evaluate("window.__stillTheSamePage") is True  # no full reload
    expect(page.get_by_test_id("count-done")).to_have_text("۱")
    shoot(page, "calls-due-after-outcome")
    weekly_today.refresh_from_db()
    assert weekly_today.status == FollowUp.Status.DONE
    rep_day["weekly"].refresh_from_db()
    assert rep_day["weekly"].last_contact_on == rep_day["today"]


def test_no_answer_is_tried_again_tomorrow_and_the_snooze_shows(open_page, rep, rep_day):
    page = open_page(rep, "en")
    page.goto("/calls/")
    overdue = FollowUp.objects.get(customer=rep_day["big"])
    row = page.locator(f"#followup-{overdue.pk}")
    row.locator("select[name=outcome]").select_option("no_answer")
    open_outcome_fields(row)
    row.locator("select[name=retry]").select_option("tomorrow")
    row.get_by_role("button", name="Save").click()
    expect(page.locator(f"#followup-{overdue.pk}").get_by_test_id("snoozed")).to_contain_text("snoozed 1 time")
    overdue.refresh_from_db()
    assert overdue.status == FollowUp.Status.RESCHEDULED
    assert overdue.due_on > rep_day["today"]
    assert overdue.scheduled_on < rep_day["today"]  # the plan's rhythm is untouched


def test_a_bad_retry_shows_an_error_in_the_row_and_changes_nothing(open_page, rep, rep_day):
    page = open_page(rep, "en")
    page.goto("/calls/")
    overdue = FollowUp.objects.get(customer=rep_day["big"])
    row = page.locator(f"#followup-{overdue.pk}")
    row.locator("select[name=outcome]").select_option("reached")
    open_outcome_fields(row)
    row.locator("select[name=retry]").select_option("tomorrow")
    row.get_by_role("button", name="Save").click()
    expect(page.locator(f"#followup-{overdue.pk}").get_by_role("alert")).to_contain_text("can be tried again")
    overdue.refresh_from_db()
    assert overdue.is_pending and overdue.snooze_count == 0


def test_rep_snoozes_with_a_picked_jalali_date_and_reason(open_page, rep, rep_day):
    page = open_page(rep)
    page.goto("/calls/")
    small = FollowUp.objects.get(customer=rep_day["small"])
    row = page.locator(f"#followup-{small.pk}")
    row.get_by_test_id("more-actions").locator("summary").click()
    row.locator("select[name=when]").select_option("on_date")
    target = rep_day["today"] + datetime.timedelta(days=10)
    jalali = jdatetime.date.fromgregorian(date=target).strftime("%Y/%m/%d")
    row.locator("input[name=on]").fill(jalali)
    row.locator("input[name=reason]").fill("مشتری در سفر است")
    row.get_by_role("button", name=re.compile("تعویق")).click()
    # ten days ahead lies past the seven days the page shows: a note says where the call went
    moved_away = page.get_by_test_id("moved-away")
    expect(moved_away).to_contain_text(dates.format_date(target, "fa"))
    expect(page.locator(f"#followup-{small.pk}")).to_have_count(0)
    small.refresh_from_db()
    assert (small.due_on, small.snooze_reason, small.snooze_count) == (target, "مشتری در سفر است", 1)


def test_date_navigator_moves_to_a_typed_jalali_day(open_page, rep, rep_day):
    page = open_page(rep)
    page.goto("/calls/")
    page.fill("#id_day", "۱۴۰۳/۰۷/۳۱")  # Mehr has 30 days
    page.get_by_role("button", name=re.compile("نمایش")).click()
    expect(page.locator(".alert-danger")).to_be_visible()
    page.fill("#id_day", "۱۴۰۳/۰۷/۳۰")
    page.get_by_role("button", name=re.compile("نمایش")).click()
    expect(page.get_by_test_id("shown-day")).to_contain_text("۳۰ مهر ۱۴۰۳")


@pytest.mark.parametrize(("lang", "device"), [("fa", "desktop"), ("en", "phone")])
def test_manager_team_view_and_reassignment(open_page, manager, rep, other_rep, rep_day, shoot, lang, device):
    overdue = FollowUp.objects.get(customer=rep_day["big"])
    FollowUp.objects.filter(pk=overdue.pk).update(due_on=rep_day["today"] - datetime.timedelta(days=10))
    page = open_page(manager, lang, device)
    page.goto("/calls/team/")
    expect(page.get_by_test_id("team-table")).to_contain_text("علی رستمی")
    expect(page.get_by_test_id("escalated-table")).to_contain_text("فروشگاه بزرگ")
    shoot(page, "team")
    page.goto("/calls/")
    expect(page.get_by_test_id("shown-day")).to_contain_text("تماس‌های من" if lang == "fa" else "My calls")
    expect(page.locator(f"#followup-{overdue.pk}")).to_have_count(0)  # a manager's own calls by default
    page.locator("#id_rep").select_option("all")
    page.get_by_test_id("day-nav").locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"rep=all"))
    row = page.locator(f"#followup-{overdue.pk}")
    expect(row.get_by_test_id("escalated")).to_be_visible()
    shoot(page, "calls-due-manager")
    row.get_by_test_id("more-actions").locator("summary").click()
    row.locator("select[name=assignee]").select_option(str(other_rep.pk))
    row.locator("form[action$='reassign/'] button").click()
    expect(page.locator(f"#followup-{overdue.pk}").get_by_test_id("assignee")).to_have_text("سارا نیک‌نام")
    overdue.refresh_from_db()
    assert overdue.assignee == other_rep


def test_rep_adds_a_preset_plan_from_the_customer_page_then_pauses_it(open_page, rep, shoot):
    customer = CustomerFactory(name="نرگس موسوی", owner=rep)
    page = open_page(rep)
    page.goto(f"/customers/{customer.pk}/")
    page.get_by_test_id("customer-followups").get_by_role("button", name=re.compile("هر ۳ ماه")).click()
    expect(page.get_by_test_id("plans")).to_contain_text("۳")
    shoot(page, "customer-plans")
    plan = FollowUpPlan.objects.get(customer=customer)
    assert (plan.every, plan.unit, plan.assignee) == (3, "months", rep)
    assert FollowUp.objects.filter(plan=plan, status="open").exists()
    page.get_by_test_id("plans").get_by_role("button", name=re.compile("توقف")).click()
    expect(page.get_by_test_id("plans")).to_contain_text("متوقف")
    assert not FollowUp.objects.filter(plan=plan, status="open").exists()


def test_manager_applies_a_cadence_to_a_segment_once(open_page, manager, rep, shoot):
    wholesale = SegmentFactory(name="عمده‌فروشی")
    for number in range(3):
        CustomerFactory(name=f"عمده {number}", owner=rep, segment=wholesale)
    CustomerFactory(name="خرده", owner=rep)
    page = open_page(manager)
    page.goto(f"/customers/?segment={wholesale.pk}")
    page.get_by_role("link", name=re.compile("برنامه‌ی تماس")).click()
    expect(page.get_by_test_id("bulk-count")).to_contain_text("۳")
    shoot(page, "bulk-cadence")
    page.get_by_test_id("bulk-preview").click()
    expect(page.get_by_test_id("bulk-confirmation")).to_contain_text("۳ مشتری این برنامه را می‌گیرند")
    assert FollowUpPlan.objects.count() == 0  # a preview writes nothing
    page.get_by_test_id("bulk-apply").click()
    expect(page.locator(".alert-success")).to_contain_text("۳")
    assert FollowUpPlan.objects.count() == 3
    page.goto(f"/calls/bulk-cadence/?segment={wholesale.pk}")
    page.get_by_test_id("bulk-preview").click()
    expect(page.get_by_test_id("bulk-confirmation")).to_contain_text("۰ مشتری")
    expect(page.get_by_test_id("bulk-apply")).to_have_count(0)
    assert FollowUpPlan.objects.count() == 3
