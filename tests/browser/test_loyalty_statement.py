"""The customer's loyalty statement in real Chromium: the owner copies the link from the customer
page's panel, the customer opens it without a login (in their own language, whatever the
browser's), and reads their points, their worth, what is pending and expiring, the tier and the
history; fa and en, a 390px phone and a desktop. A forged and an expired link get the styled pages."""

import datetime
import re
import time
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from customers.services import purchase_add
from loyalty import notices, services, statement, tiers
from outbox.models import OutgoingEmail
from surveys import services as survey_services
from tests.factories import CustomerFactory
from tests.surveys.factories import tiny_png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LATIN = re.compile(r"[A-Za-z0-9]")
DAY = datetime.timedelta(days=1)
SHOP = {"fa": "فروشگاه گل‌سرخ", "en": "Rose Shop"}
FIGURES = {
    "fa": {
        "available": "۲۵",
        "worth": "به ارزش ۱۲٬۵۰۰ تومان",
        "pending": "۸ امتیاز دیگر در راه است",
        "expiry": "۲۵ امتیاز در",
        "tier": "برنزی",
        "to_next": "۱٬۶۷۰٬۰۰۰ تومان خرید دیگر در ۱۲ ماه تا نقره‌ای",
        "entries": ["+۸", "+۲۵"],  # newest first
    },
    "en": {
        "available": "25",
        "worth": "worth 12,500 Toman",
        "pending": "8 more points are on their way",
        "expiry": "25 points expire on",
        "tier": "Bronze",
        "to_next": "1,670,000 Toman more in 12 months to Silver",
        "entries": ["+8", "+25"],
    },
}


@pytest.fixture
def shop(live_server, settings):
    settings.PEYGIR_SITE_URL = live_server.url  # the link the panel shows points at this server
    survey_services.shop_identity_update(name_fa=SHOP["fa"], name_en=SHOP["en"], logo=tiny_png(96, 40))


def _member(rep, lang):
    customer = CustomerFactory(name="علی کاظمی", mobile="09121110001", owner=rep, preferred_language=lang)
    today = timezone.localdate()
    purchase_add(customer=customer, purchased_on=today - 40 * DAY, amount=Decimal(2_500_000))  # 25 points
    purchase_add(customer=customer, purchased_on=today - 2 * DAY, amount=Decimal(800_000))  # 8 pending
    tiers.tiers_review()  # bronze: 330,000 Toman in 12 months, Silver at 2,000,000
    return customer


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.parametrize("lang", ["fa", "en"])
@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_the_customer_opens_the_link_the_owner_copied_and_reads_their_points(
    open_page, live_server, rep, shop, shoot, lang, device
):
    customer = _member(rep, lang)
    staff = open_page(rep, lang, device)
    staff.goto(f"/customers/{customer.pk}/")
    field = staff.get_by_test_id("statement-link").locator("input")
    expect(field).to_have_attribute("readonly", "")
    expect(field).to_have_attribute("dir", "ltr")
    link = field.input_value()
    assert link.startswith(f"{live_server.url}/p/{customer.pk}.")  # signed each second: the time differs
    assert statement.customer_for_statement(link.rsplit("/", 2)[1]) == customer
    field.scroll_into_view_if_needed()
    shoot(staff, "loyalty-statement-staff-panel")

    other = "en" if lang == "fa" else "fa"
    page = open_page(None, other, device)  # the browser's language is the other one: the customer's wins
    response = page.goto(link)
    assert response.status == 200
    assert page.evaluate("document.documentElement.lang") == lang
    expect(page.get_by_test_id("shop-identity")).to_contain_text(SHOP[lang])
    assert (
        page.evaluate("img => img.naturalWidth", page.get_by_test_id("shop-identity").locator("img").element_handle())
        == 96
    )

    figures = FIGURES[lang]
    expect(page.get_by_test_id("available-points")).to_have_text(figures["available"])
    expect(page.get_by_test_id("worth")).to_have_text(figures["worth"])
    expect(page.get_by_test_id("pending")).to_contain_text(figures["pending"])
    expect(page.get_by_test_id("next-expiry")).to_contain_text(figures["expiry"])
    expect(page.get_by_test_id("tier-name")).to_have_text(figures["tier"])
    expect(page.get_by_test_id("to-next-tier")).to_have_text(figures["to_next"])
    entries = page.get_by_test_id("points-entry")
    expect(entries).to_have_count(2)
    for entry, points in zip(entries.all(), figures["entries"], strict=True):
        expect(entry).to_contain_text(points)
    expect(page.locator("h1")).to_have_count(1)
    assert _fits(page), "the statement scrolls sideways"
    if lang == "fa":
        assert not LATIN.search(page.locator("main").inner_text()), LATIN.findall(page.locator("main").inner_text())
        box = page.get_by_test_id("available-points").bounding_box()
        assert box["width"] > 0
    shoot(page, "loyalty-statement")


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_a_forged_and_an_expired_link_get_the_styled_pages(open_page, rep, shop, shoot, lang):
    customer = _member(rep, "fa")
    page = open_page(None, lang, "phone")

    response = page.goto(f"/p/{customer.pk}.forged.token/")
    assert response.status == 404
    expect(page.get_by_test_id("link-problem")).to_be_visible()
    expect(page.get_by_test_id("shop-identity")).to_contain_text(SHOP[lang])
    if lang == "fa":
        assert not LATIN.search(page.locator("main").inner_text())
    shoot(page, "loyalty-statement-forged")

    with mock.patch("django.core.signing.time.time", return_value=time.time() - 31 * 86400):
        old = statement.statement_path(customer)
    response = page.goto(old)
    assert response.status == 410
    expect(page.get_by_test_id("link-problem")).to_contain_text(
        "لینک تازه‌ای از فروشگاه بخواهید" if lang == "fa" else "ask the shop for a new link"
    )
    shoot(page, "loyalty-statement-expired")


@pytest.mark.parametrize(("lang", "device"), [("fa", "phone"), ("en", "desktop")])
def test_the_customer_follows_the_warning_emails_links_to_the_statement_and_to_unsubscribing(
    open_page, rep, shop, shoot, lang, device
):
    customer = _member(rep, lang)
    customer.email = "ali@example.com"
    customer.save(update_fields=["email"])
    expiry = services.next_expiry(customer)
    notices.expiry_warnings_send(today=expiry.on - 10 * DAY)
    email = OutgoingEmail.objects.get(to="ali@example.com")
    links = dict(re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', email.html_body))

    page = open_page(None, lang, device)
    page.set_content(email.html_body)  # the email as the mail client shows it
    shoot(page, "loyalty-warning-email")
    page.get_by_role("link", name="امتیازها و سابقه‌ی آن‌ها را ببینید" if lang == "fa" else "See your points").click()
    expect(page.get_by_test_id("available-points")).to_have_text(FIGURES[lang]["available"])

    page.set_content(email.html_body)
    page.get_by_role("link", name="لغو اشتراک" if lang == "fa" else "Unsubscribe").click()
    expect(page.locator("h1")).to_have_text(
        "نمی‌خواهید دیگر از ما ایمیل دریافت کنید؟" if lang == "fa" else "Stop emails from us?"
    )
    customer.refresh_from_db()
    assert customer.email_opt_out is False  # opening the link unsubscribes nobody
    shoot(page, "loyalty-unsubscribe")
    page.get_by_role("button", name="لغو اشتراک" if lang == "fa" else "Unsubscribe").click()
    expect(page.get_by_test_id("unsubscribed")).to_be_visible()
    if lang == "fa":
        assert not LATIN.search(page.locator("main").inner_text())
    customer.refresh_from_db()
    assert customer.email_opt_out is True
    assert len(links) == 2
