"""The customer's survey page on phones and desktops (fa and en), and two wide manager tables on a phone.

A customer taps a score on a 360px or 390px phone: the eleven scores sit in one row, in the
reading direction, each a target of 32px or more; the shop's name and logo say who is asking;
reopening the link after answering shows the thanks and the answer, and "change my answer" works.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from followups.models import FollowUp
from surveys import services
from surveys.models import SurveyResponse
from tests.factories import CustomerFactory, FollowUpFactory
from tests.surveys.factories import send_survey, tiny_png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LATIN = re.compile(r"[A-Za-z0-9]")
SHOP = {"fa": "فروشگاه گل‌سرخ", "en": "Rose Shop"}
WIDTHS = {"phone360": 360, "phone": 390, "desktop": 1280}
TEXT = {
    "fa": {"send": "ارسال پاسخ", "change": "تغییر پاسخ من", "out_of": "{} از ۱۰", "digits": "۰۱۲۳۴۵۶۷۸۹"},
    "en": {"send": "Send my answer", "change": "Change my answer", "out_of": "{} out of 10", "digits": "0123456789"},
}


@pytest.fixture
def shop(live_server):
    services.shop_identity_update(name_fa=SHOP["fa"], name_en=SHOP["en"], logo=tiny_png(96, 40))


def _open(open_page, lang: str, device: str):
    page = open_page(None, "en" if lang == "fa" else "fa", "desktop" if device == "desktop" else "phone")
    page.set_viewport_size({"width": WIDTHS[device], "height": 800 if device == "phone360" else 844})
    page.peygir_device = device
    return page


def _scale_boxes(page) -> list[dict]:
    return [page.locator(f"label[for=score-{score}]").bounding_box() for score in range(11)]


def _digits(lang: str, number: int) -> str:
    return "".join(TEXT[lang]["digits"][int(digit)] for digit in str(number))


@pytest.mark.parametrize("lang", ["fa", "en"])
@pytest.mark.parametrize("device", ["phone360", "phone", "desktop"])
def test_a_customer_answers_on_one_row_of_scores_then_reopens_and_changes_the_answer(
    open_page, rep, shop, shoot, lang, device
):
    customer = CustomerFactory(name="مینا طاهری", email="mina@example.com", owner=rep, preferred_language=lang)
    sent = send_survey(customer)
    page = _open(open_page, lang, device)  # the browser's language is the other one: the customer's wins
    page.goto(sent.path)

    expect(page.locator("h1")).to_have_count(1)
    expect(page.get_by_test_id("shop-identity")).to_contain_text(SHOP[lang])
    logo = page.get_by_test_id("shop-identity").locator("img")
    expect(logo).to_be_visible()
    assert page.evaluate("img => img.naturalWidth", logo.element_handle()) == 96  # the real picture loaded

    width = WIDTHS[device]
    boxes = _scale_boxes(page)
    assert len({round(box["y"]) for box in boxes}) == 1, "the eleven scores wrap onto more than one row"
    assert all(box["width"] >= 32 and box["height"] >= 32 for box in boxes), [box["width"] for box in boxes]
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= width for box in boxes)
    starts = [box["x"] for box in boxes]
    # 0 at the start of the reading direction: the right in Persian, the left in English.
    assert starts == sorted(starts, reverse=(lang == "fa"))
    if lang == "fa":
        assert not LATIN.search(page.locator("main").inner_text())
    shoot(page, "survey-public-scale")

    # A happy customer taps 9, says why and sends.
    page.locator("label[for=score-9]").click()
    expect(page.get_by_test_id("saved")).to_be_visible()
    page.fill("#id_reason", "خوب بود" if lang == "fa" else "Quick delivery")
    page.get_by_role("button", name=TEXT[lang]["send"]).click()
    expect(page.get_by_test_id("answer-score")).to_have_text(TEXT[lang]["out_of"].format(_digits(lang, 9)))

    # Days later they open the link again: the thanks and their answer, not the form.
    page.goto(sent.path)
    expect(page.get_by_test_id("saved")).to_be_visible()
    expect(page.get_by_test_id("answer-summary")).to_contain_text("خوب بود" if lang == "fa" else "Quick delivery")
    expect(page.locator("input[name=score]")).to_have_count(0)
    if lang == "fa":
        assert not LATIN.search(page.locator("main").inner_text())
    shoot(page, "survey-public-answered")

    # They change their mind: the form opens with what they said, and a low score reaches their rep.
    page.get_by_role("link", name=TEXT[lang]["change"]).click()
    expect(page.locator("#score-9")).to_be_checked()
    expect(page.locator("#id_reason")).to_have_value("خوب بود" if lang == "fa" else "Quick delivery")
    page.locator("label[for=score-3]").click()
    page.fill("#id_reason", "دوباره دیر رسید" if lang == "fa" else "Late again")
    page.get_by_role("button", name=TEXT[lang]["send"]).click()
    expect(page.get_by_test_id("answer-score")).to_have_text(TEXT[lang]["out_of"].format(_digits(lang, 3)))
    response = SurveyResponse.objects.get()
    assert (response.score, response.category) == (3, "detractor")
    call = FollowUp.objects.get(reason=FollowUp.Reason.DETRACTOR)
    assert call.assignee == rep and call.facts["score"] == 3


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_the_unsubscribe_and_bad_link_pages_name_the_shop(open_page, rep, shop, shoot, lang):
    customer = CustomerFactory(email="mina@example.com", owner=rep, preferred_language=lang)
    sent = send_survey(customer)
    page = _open(open_page, lang, "phone")
    page.goto(sent.unsubscribe_path)
    expect(page.get_by_test_id("shop-identity")).to_contain_text(SHOP[lang])
    page.goto("/s/not-a-real-token/")
    expect(page.get_by_test_id("shop-identity")).to_be_visible()


def _contrast(foreground: str, background: str) -> float:
    def luminance(rgb: str) -> float:
        channels = [int(value) / 255 for value in re.findall(r"\d+", rgb)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted([luminance(foreground), luminance(background)], reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_on_a_phone_the_team_pages_open_list_button_is_in_view_and_readable_on_a_red_row(
    open_page, manager, rep, shoot, lang, settings
):
    settings.PEYGIR_WEEKEND_DAYS = []
    long_ago = timezone.localdate() - datetime.timedelta(days=20)
    FollowUpFactory(customer=CustomerFactory(owner=rep), scheduled_on=long_ago, due_on=long_ago)
    page = open_page(manager, lang, "phone")
    page.goto("/calls/team/")
    row = page.get_by_test_id("team-table").locator("tbody tr.table-danger")
    expect(row).to_have_count(1)  # the escalated rep's row is tinted red
    button = row.get_by_test_id("open-list")
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    style = button.evaluate("b => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor]")
    assert _contrast(*style) >= 4.5, style
    header = page.get_by_test_id("team-table").locator("thead th").last
    assert header.inner_text().strip() == ("فهرست تماس‌ها" if lang == "fa" else "Calls list")
    shoot(page, "team-phone-button")
    button.click()
    expect(page).to_have_url(re.compile(rf"rep={rep.pk}"))


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_on_a_phone_the_import_check_s_errors_are_in_view(open_page, manager, shoot, lang, settings, tmp_path):
    settings.PEYGIR_IMPORT_DIR = tmp_path
    page = open_page(manager, lang, "phone")
    page.goto("/customers/import/")
    page.locator("#id_kind_0").check()
    text = "name,mobile,email,city,segment\nعلی کریمی,09121234567,ali@example.com,تهران,\nرضا احمدی,123,x,شیراز,\n"
    raw = "\ufeff".encode() + text.encode()
    page.set_input_files("#id_file", files=[{"name": "customers.csv", "mimeType": "text/csv", "buffer": raw}])
    with page.expect_navigation():
        page.locator("#submit-id-submit").click()
    selects = page.get_by_test_id("mapping-select")
    expect(selects).to_have_count(5)
    for index in range(5):  # each column's choice is whole on the screen
        box = selects.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["width"] >= 200, box
    with page.expect_navigation():
        page.locator("[data-testid=mapping-form] button[type=submit]").click()
    result = page.get_by_test_id("row-result")
    expect(result).to_have_count(1)
    expect(result).to_contain_text("x")  # the bad email, quoted
    box = result.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing to scroll sideways
    shoot(page, "import-errors-phone")


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_the_emails_score_row_fits_a_360px_phone_in_one_row_in_the_reading_direction(open_page, rep, shop, shoot, lang):
    """Mail apps add their own margins, so the email's cells stay above 24px (WCAG 2.5.8), not 32px."""
    customer = CustomerFactory(email="mina@example.com", owner=rep, preferred_language=lang)
    sent = send_survey(customer)
    page = _open(open_page, lang, "phone360")
    page.set_content(sent.email.html_body)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing to scroll sideways
    links = page.locator("a[href*='?score=']")
    expect(links).to_have_count(11)
    boxes = [links.nth(score).bounding_box() for score in range(11)]
    assert len({round(box["y"]) for box in boxes}) == 1
    assert all(box["width"] >= 24 for box in boxes), [box["width"] for box in boxes]
    starts = [box["x"] for box in boxes]
    assert starts == sorted(starts, reverse=(lang == "fa"))
    expect(page.locator("body")).to_contain_text(SHOP[lang])
    shoot(page, "survey-email-phone")
