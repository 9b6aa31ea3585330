"""The one ranked list in real Chromium: every row says why it is due, "why this rank", and "show more"."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.text import to_persian_digits
from customers.models import Customer
from customers.services import purchase_add
from followups import selectors, services
from followups.models import FollowUp
from tests.factories import CustomerFactory, SegmentFactory
from tests.text import reading

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGS_AND_DEVICES = [("fa", "desktop"), ("fa", "phone"), ("en", "desktop"), ("en", "phone")]
LATIN = re.compile(r"[A-Za-z0-9]")


def _buyer(rep, name, yearly):
    customer = CustomerFactory(name=name, owner=rep)
    purchase_add(customer=customer, purchased_on=timezone.localdate() - datetime.timedelta(days=20), amount=yearly)
    return customer


@pytest.fixture
def ranked_day(rep, settings):
    """A detractor, a silent customer, a referral and a routine call, all due today, of different worth."""
    settings.PEYGIR_WEEKEND_DAYS = []
    settings.PEYGIR_YEARLY_HOLIDAYS = []
    today = timezone.localdate()
    unhappy = _buyer(rep, "مینا طاهری", Decimal(20_000_000))
    silent = _buyer(rep, "فروشگاه آفتاب", Decimal(30_000_000))
    routine = _buyer(rep, "پخش البرز", Decimal(70_000_000))
    referred = CustomerFactory(name="رضا کامرانی", owner=rep)
    detractor, _created = services.followup_raise(
        customer=unhappy,
        reason=FollowUp.Reason.DETRACTOR,
        source_key="detractor:response:1",
        due_on=today,
        facts={"score": 3, "comment": "تأخیر در ارسال"},
    )
    win_back, _created = services.followup_raise(
        customer=silent,
        reason=FollowUp.Reason.WIN_BACK,
        source_key="win_back:customer:1:episode:1",
        due_on=today,
        facts={"typical_gap_days": 42, "last_purchase_on": (today - datetime.timedelta(days=97)).isoformat()},
    )
    referral, _created = services.followup_raise(
        customer=referred,
        reason=FollowUp.Reason.REFERRAL,
        source_key="referral:response:2",
        due_on=today,
        facts={"referrer_name": "علی کاظمی"},
    )
    plan = services.plan_create(customer=routine, every=3, starts_on=today - datetime.timedelta(days=7))
    return {"detractor": detractor, "win_back": win_back, "referral": referral, "periodic": plan.followups.get()}


@pytest.mark.parametrize(("lang", "device"), LANGS_AND_DEVICES)
def test_each_row_says_why_and_why_this_rank_explains_the_order(open_page, rep, ranked_day, shoot, lang, device):
    page = open_page(rep, lang, device)
    page.goto("/calls/")
    due = page.get_by_test_id("section-due")
    rows = due.get_by_test_id("followup-row")
    expect(rows).to_have_count(4)
    # 70M × 10% × 2 (a week late) = 14M; 30M × 40% = 12M; 20M × 50% = 10M; the referral: the median 30M × 20%
    order = [int(rows.nth(n).get_attribute("data-followup")) for n in range(4)]
    expected = ["periodic", "win_back", "detractor", "referral"]
    assert order == [ranked_day[name].pk for name in expected]
    why = {
        "fa": {
            "detractor": "امتیاز ۳ داد: «تأخیر در ارسال»",
            "win_back": "معمولاً هر ۴۲ روز خرید می‌کند؛ ۹۷ روز است خرید نکرده (۲٫۳ برابر)",
            "referral": "معرفی‌شده از طرف علی کاظمی",
            "periodic": "هر ۳ ماه؛ هنوز تماسی نبوده",
        },
        "en": {
            "detractor": "scored 3: “تأخیر در ارسال”",
            "win_back": "usually buys every 42 days; silent for 97 days (2.3×)",
            "referral": "referred by علی کاظمی",
            "periodic": "every 3 months; no contact yet",
        },
    }[lang]
    for name, sentence in why.items():
        expect(page.locator(f"#followup-{ranked_day[name].pk}").get_by_test_id("why")).to_contain_text(
            reading(sentence)
        )

    detractor_row = page.locator(f"#followup-{ranked_day['detractor'].pk}")
    detractor_row.get_by_test_id("why-rank").locator("summary").click()
    explanation = detractor_row.get_by_test_id("rank-explanation")
    expect(explanation).to_be_visible()
    expect(explanation).to_contain_text("۵۰٪" if lang == "fa" else "50%")
    expect(explanation).to_contain_text("۲٬۰۰۰٬۰۰۰ تومان" if lang == "fa" else "2,000,000 Toman")
    if lang == "fa":
        assert not LATIN.findall(due.inner_text()), "Latin letters or digits in the Persian list"
    shoot(page, "calls-due-ranked")


def test_the_referral_explains_that_a_newcomer_counts_as_a_typical_customer(open_page, rep, ranked_day):
    page = open_page(rep)
    page.goto("/calls/")
    row = page.locator(f"#followup-{ranked_day['referral'].pk}")
    row.get_by_test_id("why-rank").locator("summary").click()
    expect(row.get_by_test_id("rank-explanation")).to_contain_text("هم‌ارز یک مشتری معمولی")


@pytest.fixture
def long_list(rep, settings):
    """More calls due today than one page holds, each customer worth a little more than the last."""
    settings.PEYGIR_WEEKEND_DAYS = []
    today = timezone.localdate()
    calls = []
    for n in range(selectors.ROWS_PER_PAGE["due"] + 7):
        customer = _buyer(rep, f"مشتری شماره {n}", Decimal(1_000_000 + n * 100_000))
        call, _created = services.followup_raise(
            customer=customer, reason=FollowUp.Reason.ONE_OFF, source_key=f"test:{n}", due_on=today, purpose="پیگیری"
        )
        calls.append(call)
    return calls[::-1]


@pytest.mark.parametrize(("lang", "device"), LANGS_AND_DEVICES)
def test_show_more_brings_the_rest_of_the_ranked_list(open_page, rep, long_list, shoot, lang, device):
    page = open_page(rep, lang, device)
    page.goto("/calls/")
    due = page.get_by_test_id("section-due")
    expect(due.get_by_test_id("followup-row")).to_have_count(selectors.ROWS_PER_PAGE["due"])
    more = due.get_by_test_id("show-more-due")
    size, total = selectors.ROWS_PER_PAGE["due"], len(long_list)
    expect(more).to_contain_text(to_persian_digits(f"{size} از {total}") if lang == "fa" else f"{size} of {total}")
    more.scroll_into_view_if_needed()
    shoot(page, "calls-due-show-more", full_page=False)
    more.click()
    expect(due.get_by_test_id("followup-row")).to_have_count(len(long_list))
    expect(due.get_by_test_id("show-more-due")).to_have_count(0)
    shown = due.get_by_test_id("followup-row").evaluate_all("rows => rows.map(row => Number(row.dataset.followup))")
    assert shown == [call.pk for call in long_list]


def test_closing_a_row_then_showing_more_keeps_every_call_once(open_page, rep, long_list):
    page = open_page(rep)
    page.goto("/calls/")
    top = page.locator(f"#followup-{long_list[0].pk}")
    top.locator("select[name=outcome]").select_option("reached")
    top.get_by_role("button", name="ذخیره").click()
    closed = page.get_by_test_id("section-done").locator(f"#followup-{long_list[0].pk}")
    expect(closed.get_by_test_id("closed")).to_be_visible()  # moved to the closed section
    expect(page.get_by_test_id("count-due")).to_have_text(to_persian_digits(str(len(long_list) - 1)))
    page.get_by_test_id("show-more-due").click()
    due_rows = page.get_by_test_id("section-due").get_by_test_id("followup-row")
    expect(due_rows).to_have_count(len(long_list) - 1)
    ids = due_rows.evaluate_all("rows => rows.map(row => Number(row.dataset.followup))")
    assert sorted(ids) == sorted(call.pk for call in long_list[1:])
    expect(page.locator(f"#followup-{long_list[0].pk}")).to_have_count(1)


@pytest.mark.parametrize(("lang", "device"), [("fa", "desktop"), ("fa", "phone"), ("en", "desktop")])
def test_a_bulk_cadence_says_how_many_calls_a_day_before_it_applies(open_page, manager, rep, shoot, lang, device):
    segment = SegmentFactory(name="عمده‌فروشی")
    CustomerFactory.create_batch(120, owner=rep, segment=segment)
    page = open_page(manager, lang, device)
    page.goto(f"/calls/bulk-cadence/?segment={segment.pk}")
    page.locator("input[name=every]").fill("3")
    page.get_by_test_id("bulk-preview").click()
    confirmation = page.get_by_test_id("bulk-confirmation")
    expect(confirmation).to_be_visible()
    expect(page.get_by_test_id("calls-per-day")).to_contain_text("۲" if lang == "fa" else "2")
    if lang == "fa":
        assert not LATIN.findall(confirmation.inner_text())
    shoot(page, "bulk-cadence-confirmation")
    page.get_by_test_id("bulk-apply").click()
    expect(page.locator(".alert-success")).to_be_visible()
    starts = Customer.objects.filter(segment=segment).values_list("followup_plans__starts_on", flat=True)
    assert len(set(starts)) > 30  # spread over the quarter's working days, not one day
