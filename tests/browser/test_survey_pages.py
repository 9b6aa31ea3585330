"""Surveys in real Chromium: the customer's one-tap answer page and the manager's pages."""

import re

import pytest
from playwright.sync_api import expect

from customers.models import Customer
from followups.models import FollowUp
from outbox.models import OutgoingEmail
from surveys import services
from surveys.models import Survey, SurveyInvitation, SurveyResponse
from tests.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _invite(customer) -> str:
    """Send the relationship survey and return the answer link's path (from the queued email)."""
    services.invitations_send(
        survey=services.survey_for(Survey.Kind.RELATIONSHIP), customers=Customer.objects.filter(pk=customer.pk)
    )
    email = OutgoingEmail.objects.get(to=customer.email)
    return re.search(r"https?://[^/\s]+(/s/[^/\s]+/)\?score=0", email.text_body).group(1)


@pytest.fixture
def persian_customer(rep):
    return CustomerFactory(name="مینا طاهری", email="mina@example.com", owner=rep, preferred_language="fa")


@pytest.fixture
def english_customer(rep):
    return CustomerFactory(name="John Smith", email="john@example.com", owner=rep, preferred_language="en")


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_one_tap_from_the_email_counts_once_the_page_confirms_it(open_page, persian_customer, shoot, device):
    link = _invite(persian_customer)
    page = open_page(None, "en", device)  # the browser's language does not matter: the customer's does
    page.goto(f"{link}?score=9")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_test_id("saved")).to_be_visible()
    shoot(page, "survey-answer")
    response = SurveyResponse.objects.get()
    assert (response.score, response.category) == (9, "promoter")

    page.fill("#id_reason", "ارسال سریع و برخورد خوب")
    page.locator("input[name=improvement_1]").fill("قیمت")
    page.get_by_role("button", name=re.compile("ارسال پاسخ")).click()
    expect(page.get_by_test_id("saved")).to_be_visible()
    shoot(page, "survey-answer-saved")
    response.refresh_from_db()
    assert (response.reason, response.improvement_1) == ("ارسال سریع و برخورد خوب", "قیمت")
    assert SurveyResponse.objects.count() == 1


def test_english_customer_changes_to_a_low_score_and_the_rep_gets_a_call(open_page, english_customer, shoot):
    link = _invite(english_customer)
    page = open_page(None, "fa", "phone")
    page.goto(f"{link}?score=8")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_test_id("saved")).to_be_visible()
    page.locator("label[for=score-2]").click()
    page.fill("#id_reason", "Late delivery, nobody called back")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_test_id("saved")).to_contain_text("Thank you")
    shoot(page, "survey-answer-detractor")
    response = SurveyResponse.objects.get()
    assert (response.score, response.category) == (2, "detractor")
    detractor_call = FollowUp.objects.get(reason=FollowUp.Reason.DETRACTOR)
    assert detractor_call.customer == english_customer and detractor_call.assignee == english_customer.owner


def test_a_bad_score_is_refused_with_a_clear_message(open_page, persian_customer):
    link = _invite(persian_customer)
    page = open_page(None, "fa", "phone")
    page.goto(link)
    page.get_by_role("button", name=re.compile("ارسال پاسخ")).click()  # no score picked
    expect(page.get_by_test_id("score-error")).to_be_visible()
    assert not SurveyResponse.objects.exists()


def test_a_forged_link_gets_a_friendly_page_and_nothing_is_written(open_page, persian_customer, shoot):
    _invite(persian_customer)
    page = open_page(None, "fa", "phone")
    response = page.goto("/s/this-is-not-a-real-token-0000000000000000/?score=0")
    assert response.status == 404
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("مینا")
    shoot(page, "survey-bad-link")
    assert not SurveyResponse.objects.exists()
    assert SurveyInvitation.objects.get().provisional_score is None


def test_customer_unsubscribes_from_the_email_link(open_page, english_customer, shoot):
    link = _invite(english_customer)
    page = open_page(None, "en", "phone")
    page.goto(f"{link}unsubscribe/")
    english_customer.refresh_from_db()
    assert english_customer.email_opt_out is False  # opening the page changes nothing
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_test_id("unsubscribed")).to_be_visible()
    shoot(page, "survey-unsubscribed")
    english_customer.refresh_from_db()
    assert english_customer.email_opt_out is True


@pytest.mark.parametrize(("lang", "device"), [("fa", "desktop"), ("fa", "phone"), ("en", "desktop"), ("en", "phone")])
def test_manager_survey_pages_in_each_language(
    open_page, manager, persian_customer, english_customer, shoot, lang, device
):
    for customer, score in ((persian_customer, 10), (english_customer, 4)):
        _invite(customer)
        invitation = SurveyInvitation.objects.get(customer=customer)
        services.response_submit(invitation=invitation, answers={"score": score, "reason": "دلیل"})
    page = open_page(manager, lang, device)
    page.goto("/surveys/")
    expect(page.get_by_test_id("nps-summary")).to_contain_text("۰" if lang == "fa" else "0")  # (50% - 50%)
    expect(page.get_by_test_id("responses")).to_contain_text("John Smith")
    shoot(page, "survey-results")
    page.goto("/surveys/settings/relationship/")
    shoot(page, "survey-settings")
    page.goto("/emails/")
    expect(page.get_by_test_id("emails")).to_contain_text("john@example.com")
    shoot(page, "sent-emails")
    page.get_by_test_id("emails").get_by_role("link").first.click()
    expect(page.get_by_test_id("email-html")).to_be_visible()
    shoot(page, "sent-email")


def test_manager_sends_to_a_filtered_list_and_sees_who_was_skipped(open_page, manager, rep, shoot):
    CustomerFactory(name="با ایمیل", email="a@example.com", owner=rep, city="شیراز")
    CustomerFactory(name="بدون ایمیل", email="", owner=rep, city="شیراز")
    CustomerFactory(name="انصراف داده", email="b@example.com", email_opt_out=True, owner=rep, city="شیراز")
    page = open_page(manager)
    page.goto("/customers/?q=")
    page.get_by_role("link", name=re.compile("ارسال نظرسنجی")).click()
    expect(page.get_by_test_id("bulk-preview")).to_contain_text("۱")
    expect(page.get_by_test_id("skipped")).to_contain_text("بدون ایمیل")
    shoot(page, "survey-send-bulk")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("bulk-sent")).to_be_visible()
    assert list(OutgoingEmail.objects.values_list("to", flat=True)) == ["a@example.com"]


def test_rep_sends_a_survey_from_the_customer_page(open_page, rep, persian_customer):
    page = open_page(rep)
    page.goto(f"/customers/{persian_customer.pk}/")
    page.get_by_role("button", name=re.compile("ارسال نظرسنجی")).click()
    expect(page.locator(".alert-success")).to_contain_text("مینا طاهری")
    assert SurveyInvitation.objects.filter(customer=persian_customer).count() == 1
    page.get_by_role("button", name=re.compile("ارسال نظرسنجی")).click()  # within 90 days: skipped
    expect(page.locator(".alert-warning")).to_be_visible()
    assert SurveyInvitation.objects.filter(customer=persian_customer).count() == 1
