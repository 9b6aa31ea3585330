"""Silent customers in real Chromium: the at-risk page, the customer's rhythm, the backtest, the not-contacted list."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core import dates
from customers.models import Customer, SilenceRuleAdoption
from customers.services import customers_refresh_rhythm, interaction_log, purchase_add
from followups.models import FollowUp
from tests.factories import CustomerFactory, SegmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGS_AND_DEVICES = [("fa", "desktop"), ("fa", "phone"), ("en", "desktop"), ("en", "phone")]
LATIN = re.compile(r"[A-Za-z0-9]")
DAY = datetime.timedelta(days=1)


def _buy(customer, *days_ago, amount=2_000_000):
    for days in days_ago:
        purchase_add(customer=customer, purchased_on=timezone.localdate() - days * DAY, amount=Decimal(amount))


@pytest.fixture
def quiet_book(rep, other_rep, settings):
    settings.PEYGIR_WEEKEND_DAYS = []
    wholesale = SegmentFactory(name="عمده‌فروشی")
    aftab = CustomerFactory(name="فروشگاه آفتاب", owner=rep, segment=wholesale)
    _buy(aftab, 400, 370, 340, 310, 280, 250, amount=9_000_000)  # monthly, then silent for 250 days
    mina = CustomerFactory(name="مینا طاهری", owner=rep)
    _buy(mina, 190, 160, 130, 100)
    steady = CustomerFactory(name="پخش البرز", owner=rep)
    _buy(steady, 70, 40, 10)
    theirs = CustomerFactory(name="مشتری سارا", owner=other_rep)
    _buy(theirs, 190, 160, 130, 100)
    customers_refresh_rhythm()
    return {"aftab": aftab, "mina": mina, "steady": steady, "theirs": theirs}


@pytest.mark.parametrize(("lang", "device"), LANGS_AND_DEVICES)
def test_a_rep_sees_their_silent_customers_by_value_with_why(open_page, rep, quiet_book, shoot, lang, device):
    page = open_page(rep, lang, device)
    page.goto("/customers/at-risk/")
    rows = page.get_by_test_id("at-risk-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("فروشگاه آفتاب")
    expect(rows.nth(1)).to_contain_text("مینا طاهری")
    expect(page.locator("body")).not_to_contain_text("مشتری سارا")
    why = "معمولاً هر ۳۰ روز خرید می‌کند؛ ۱۰۰ روز است خرید نکرده" if lang == "fa" else "usually buys every 30 days"
    expect(rows.nth(1).get_by_test_id("at-risk-why")).to_contain_text(why)
    expect(page.get_by_test_id("silence-rule")).to_be_visible()
    if lang == "fa":
        assert not LATIN.findall(page.locator("main").inner_text())
    shoot(page, "at-risk")


def test_the_export_downloads_the_silent_customers(open_page, manager, quiet_book, tmp_path):
    page = open_page(manager, "en")
    page.goto("/customers/at-risk/")
    with page.expect_download() as download:
        page.get_by_test_id("at-risk-export").click()
    path = tmp_path / "at-risk.csv"
    download.value.save_as(path)
    text = path.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("name,mobile,owner,segment,yearly_value_rial,why")
    assert "فروشگاه آفتاب" in text and "مشتری سارا" in text and "پخش البرز" not in text


@pytest.mark.parametrize(("lang", "device"), LANGS_AND_DEVICES)
def test_the_customer_page_shows_the_rhythm_and_the_contact_calendar(open_page, rep, quiet_book, shoot, lang, device):
    mina = quiet_book["mina"]
    interaction_log(customer=mina, kind="call", summary="گفت ماه بعد سفارش می‌دهد", by=rep)
    page = open_page(rep, lang, device)
    page.goto(f"/customers/{mina.pk}/")
    rhythm = page.get_by_test_id("purchase-rhythm")
    expect(rhythm).to_contain_text("معمولاً هر ۳۰ روز" if lang == "fa" else "usually every 30 days")
    expect(rhythm).to_contain_text("سکوت ۳٫۳ برابر" if lang == "fa" else "silent 3.3×")
    calendar = page.get_by_test_id("contact-calendar")
    expect(calendar).to_contain_text(dates.format_month(dates.month_of(timezone.localdate(), lang), lang))
    if lang == "fa":
        assert not LATIN.findall(calendar.inner_text())
    shoot(page, "customer-rhythm")


@pytest.mark.parametrize(("lang", "device"), [("fa", "desktop"), ("fa", "phone"), ("en", "desktop"), ("en", "phone")])
def test_a_manager_backtests_the_rule_and_puts_the_best_in_force(open_page, manager, quiet_book, shoot, lang, device):
    page = open_page(manager, lang, device)
    page.goto("/customers/at-risk/")
    page.get_by_role("link", name=re.compile("آزمون قاعده" if lang == "fa" else "Test the rule")).click()
    day = timezone.localdate() - 200 * DAY
    page.fill("#id_as_of", dates.input_value(day, lang) if lang == "fa" else day.isoformat())
    page.press("#id_as_of", "Enter")  # the picker's calendar may cover the button on a phone
    expect(page.get_by_test_id("backtest-table")).to_be_visible()
    expect(page.get_by_test_id("backtest-row")).to_have_count(18)
    expect(page.get_by_test_id("suggestion")).to_be_visible()
    if lang == "fa":
        assert not LATIN.findall(page.locator("main").inner_text())
    shoot(page, "backtest")
    flat = page.get_by_test_id("backtest-row").filter(has_text="بیش از ۹۰ روز" if lang == "fa" else "more than 90 days")
    flat.get_by_role("button").click()
    expect(page.locator(".alert-success.alert-dismissible")).to_be_visible()
    adoption = SilenceRuleAdoption.objects.get()
    assert (adoption.k, adoption.floor_days, adoption.adopted_by) == (None, 90, manager)
    expect(page.get_by_test_id("rule-in-force")).to_contain_text("۹۰" if lang == "fa" else "90")


def test_a_bad_backtest_day_shows_a_persian_error_under_the_field(open_page, manager, quiet_book):
    page = open_page(manager)
    page.goto("/customers/at-risk/backtest/")
    page.fill("#id_as_of", dates.input_value(timezone.localdate() - 5 * DAY, "fa"))
    page.press("#id_as_of", "Enter")
    expect(page.get_by_test_id("as-of-error")).to_contain_text("روزی را انتخاب کنید")
    expect(page.get_by_test_id("backtest-table")).to_have_count(0)


@pytest.mark.parametrize(("lang", "device"), [("fa", "desktop"), ("en", "phone")])
def test_a_manager_gives_every_not_contacted_customer_a_call(open_page, manager, rep, shoot, lang, device):
    for number in range(3):
        customer = CustomerFactory(name=f"فراموش‌شده {number}", owner=rep)
        Customer.objects.filter(pk=customer.pk).update(created_at=timezone.now() - 200 * DAY)
    page = open_page(manager, lang, device)
    page.goto("/calls/not-contacted/")
    expect(page.get_by_test_id("not-contacted-row")).to_have_count(3)
    shoot(page, "not-contacted")
    page.get_by_test_id("not-contacted-call").click()
    expect(page.locator(".alert-success")).to_contain_text("۳" if lang == "fa" else "3")
    expect(page.get_by_test_id("not-contacted-row")).to_have_count(0)
    assert FollowUp.objects.filter(reason=FollowUp.Reason.NO_CONTACT, assignee=rep).count() == 3
