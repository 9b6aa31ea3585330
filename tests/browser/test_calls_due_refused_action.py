"""A refused row action in real Chromium: the rep picks "call back later", "on a date…", types a day
that cannot be (in English, one already past) and saves. The row comes back as they left it —
the outcome, the retry choice, the date box open with what they typed, the note — with the error
beside the date and focus on it; they correct the date, save, and the row goes to that day."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core import dates
from customers.models import Interaction
from followups import services
from followups.models import FollowUp
from tests.browser.calls_due import open_outcome_fields
from tests.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = datetime.timedelta(days=1)
LATIN = re.compile(r"[A-Za-z0-9]")


@pytest.fixture
def call_today(rep, settings):
    settings.PEYGIR_WEEKEND_DAYS = []
    settings.PEYGIR_HOLIDAYS = []
    settings.PEYGIR_YEARLY_HOLIDAYS = []
    customer = CustomerFactory(name="فروشگاه نمونه", owner=rep)
    call, _created = services.followup_raise(
        customer=customer, reason=FollowUp.Reason.ONE_OFF, source_key="test:refused", due_on=timezone.localdate()
    )
    return call


@pytest.mark.parametrize(("lang", "device"), [("fa", "desktop"), ("fa", "phone"), ("en", "desktop")])
def test_a_refused_date_keeps_what_the_rep_chose_and_a_corrected_one_moves_the_row(
    open_page, rep, call_today, shoot, lang, device
):
    today = timezone.localdate()
    # Persian: a day the calendar has not (the form refuses it); English: yesterday (the service refuses it)
    bad = "1405/13/40" if lang == "fa" else (today - DAY).isoformat()
    note = "گفت هفته بعد زنگ بزنید"
    page = open_page(rep, lang, device)
    page.goto("/calls/")
    row = page.locator(f"#followup-{call_today.pk}")
    row.locator("select[name=outcome]").select_option("call_back_later")
    open_outcome_fields(row)
    row.locator("select[name=retry]").select_option("on_date")
    date_box = row.locator("input[name=retry_on]")
    date_box.fill(bad)
    row.locator("input[name=note]").fill(note)
    row.get_by_role("button", name=re.compile("^(Save|ذخیره)$")).click()

    error = row.get_by_test_id("field-error")
    expect(error).to_be_visible()
    if lang == "fa":
        expect(error).to_contain_text("۱۴۰۵/۱۳/۴۰")
        expect(error).to_contain_text("در تقویم وجود ندارد")
        assert not LATIN.findall(error.inner_text())
    else:
        expect(error).to_have_text("Pick a day after today.")
    expect(row.locator("select[name=outcome]")).to_have_value("call_back_later")
    expect(row.locator("select[name=retry]")).to_have_value("on_date")
    expect(date_box).to_be_visible()
    expect(date_box).to_have_value(bad)
    expect(date_box).to_have_attribute("aria-invalid", "true")
    expect(date_box).to_be_focused()
    expect(row.locator("input[name=note]")).to_have_value(note)
    expect(page.get_by_test_id("section-due").locator(f"#followup-{call_today.pk}")).to_have_count(1)
    shoot(page, "calls-due-refused-date", full_page=False)
    call_today.refresh_from_db()
    assert (call_today.status, call_today.due_on) == (FollowUp.Status.OPEN, today)
    assert not Interaction.objects.exists()

    later = today + 3 * DAY
    date_box.fill(dates.input_value(later, lang))
    date_box.press("Enter")  # keyboard: Enter in the date box saves the row

    moved = page.get_by_test_id("section-upcoming").locator(f"#followup-{call_today.pk}")
    expect(moved.get_by_test_id("action-note")).to_contain_text(dates.format_date(later, lang))
    expect(page.get_by_test_id("section-due").locator(f"#followup-{call_today.pk}")).to_have_count(0)
    expect(moved.get_by_test_id("field-error")).to_have_count(0)
    call_today.refresh_from_db()
    assert (call_today.status, call_today.due_on) == (FollowUp.Status.RESCHEDULED, later)
    attempt = Interaction.objects.get()
    assert (attempt.outcome, attempt.summary) == ("call_back_later", note)


def test_a_refused_snooze_date_keeps_more_actions_open_with_what_was_typed(open_page, rep, call_today, shoot):
    page = open_page(rep, "fa")
    page.goto("/calls/")
    row = page.locator(f"#followup-{call_today.pk}")
    row.get_by_test_id("more-actions").locator("summary").click()
    row.locator("select[name=when]").select_option("on_date")
    row.locator("input[name=on]").fill("1405/13/40")
    row.locator("input[name=reason]").fill("مسافرت")
    row.get_by_role("button", name="تعویق").click()

    expect(row.get_by_test_id("field-error")).to_contain_text("در تقویم وجود ندارد")
    expect(row.get_by_test_id("more-actions")).to_have_attribute("open", "")
    expect(row.locator("select[name=when]")).to_have_value("on_date")
    expect(row.locator("input[name=on]")).to_have_value("1405/13/40")
    expect(row.locator("input[name=on]")).to_be_focused()
    expect(row.locator("input[name=reason]")).to_have_value("مسافرت")
    shoot(page, "calls-due-refused-snooze", full_page=False)

    later = timezone.localdate() + 2 * DAY
    row.locator("input[name=on]").fill(dates.input_value(later, "fa"))
    row.get_by_role("button", name="تعویق").click()
    moved = page.get_by_test_id("section-upcoming").locator(f"#followup-{call_today.pk}")
    expect(moved.get_by_test_id("action-note")).to_contain_text(dates.format_date(later, "fa"))
    call_today.refresh_from_db()
    assert (call_today.due_on, call_today.snooze_reason) == (later, "مسافرت")
