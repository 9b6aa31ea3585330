"""The Content-Security-Policy holds on every main page, and what inline code used to do still works.

Chromium reports each blocked script, style or handler on the console ("... violates the
following Content Security Policy directive ..."); any such message, or a script error, fails.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from customers.models import ImportRun, Purchase
from customers.services import purchase_add
from followups import services as followup_services
from followups.models import FollowUpPlan
from outbox.models import OutgoingEmail
from tests.customers.factories import SHOP_MAPPING, checked_run, csv_bytes, shop_rows, uploaded_run
from tests.factories import CustomerFactory, FollowUpFactory
from tests.outbox.factories import OutgoingEmailFactory
from tests.surveys.factories import InvitationFactory, SurveyCustomerFactory, token_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop(rep, manager):
    customer = CustomerFactory(name="علی کاظمی", mobile="09121110001", owner=rep)
    purchase_add(customer=customer, purchased_on=datetime.date.today(), amount=Decimal(2_500_000), reference="A-1")
    followup_services.plan_create(customer=customer, every=3, starts_on=datetime.date.today())
    FollowUpFactory(customer=customer, purpose="تماس امروز")
    OutgoingEmailFactory(status=OutgoingEmail.Status.FAILED, html_body='<p style="color:#b02a37">متن</p>')
    invitation = InvitationFactory(customer=SurveyCustomerFactory(owner=rep))
    return {
        "customer": customer,
        "purchase": Purchase.objects.get(customer=customer),
        "email": OutgoingEmail.objects.get(),
        "answer": f"/s/{token_of(invitation)}/?score=9",
    }


@pytest.fixture
def watched():
    """watched(page) -> the list that collects the page's CSP reports and script errors."""

    def _watch(page):
        problems = []
        page.on(
            "console",
            lambda msg: problems.append(f"{page.url}: {msg.text}") if "Content Security Policy" in msg.text else None,
        )
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        return problems

    return _watch


@pytest.fixture
def import_pages(manager, settings, tmp_path):
    """The import's columns page, a checked run with row errors, and a run under way (its page polls)."""
    settings.PEYGIR_IMPORT_DIR = tmp_path
    content = csv_bytes([*shop_rows(4), ["بد", "12345", ""]])
    under_way = checked_run(manager, content, SHOP_MAPPING)
    ImportRun.objects.filter(pk=under_way.pk).update(
        phase=ImportRun.Phase.IMPORTING, rows_done=2, heartbeat_at=timezone.now() + datetime.timedelta(hours=1)
    )
    return {
        "columns": f"/customers/import/{uploaded_run(manager, content).pk}/columns/",
        "checked": f"/customers/import/{checked_run(manager, content, SHOP_MAPPING).pk}/",
        "under way": f"/customers/import/{under_way.pk}/",
    }


def test_no_page_breaks_the_policy(open_page, manager, rep, shop, import_pages, watched):
    customer = shop["customer"]
    page = open_page(manager)
    problems = watched(page)
    for path in [
        "/calls/",
        "/calls/team/",
        "/calls/not-contacted/",
        "/customers/",
        f"/customers/{customer.pk}/",
        f"/customers/{customer.pk}/edit/",
        f"/customers/{customer.pk}/purchases/{shop['purchase'].pk}/edit/",
        "/customers/at-risk/",
        "/customers/at-risk/backtest/",
        "/customers/import/",
        *import_pages.values(),
        "/surveys/",
        "/surveys/send/",
        "/surveys/settings/relationship/",
        "/emails/",
        f"/emails/{shop['email'].pk}/",
        "/accounts/lockouts/",
    ]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
    page.goto(import_pages["under way"])
    with page.expect_response(lambda response: response.request.headers.get("hx-request") == "true"):
        pass  # a run under way asks for its progress by itself (htmx, allowed by the policy)
    expect(page.get_by_test_id("import-progress")).to_be_visible()  # swapped in, the same
    assert problems == []

    visitor = open_page()
    problems = watched(visitor)
    for path in ["/accounts/login/", "/accounts/password-reset/", shop["answer"]]:
        visitor.goto(path)
        visitor.wait_for_load_state("networkidle")
    expect(visitor.get_by_test_id("saved")).to_be_visible()  # the one-tap score confirmed by peygir.js
    assert problems == []


def test_htmx_and_the_date_picker_still_work(open_page, rep, shop, watched):
    page = open_page(rep)
    problems = watched(page)
    page.goto("/calls/")
    row = page.locator("article[data-followup]").first
    row.get_by_test_id("more-actions").locator("summary").click()
    expect(row.locator(".row-actions form").first).to_be_visible()  # loaded by htmx
    page.goto(f"/customers/{shop['customer'].pk}/")
    page.locator("[data-jdp]:visible").first.click()
    expect(page.locator("jdp-container")).to_be_visible()
    assert problems == []


def test_deleting_asks_first_and_no_means_nothing_is_deleted(open_page, rep, shop, watched):
    page = open_page(rep)
    problems = watched(page)
    customer, purchase = shop["customer"], shop["purchase"]
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.goto(f"/customers/{customer.pk}/purchases/{purchase.pk}/edit/")
    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    page.get_by_role("button", name="حذف خرید").click()
    expect(page).to_have_url(re.compile(r"/edit/$"))
    assert Purchase.objects.filter(pk=purchase.pk).exists()
    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    page.get_by_role("button", name="حذف خرید").click()
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/$"))
    assert not Purchase.objects.filter(pk=purchase.pk).exists()

    plans = page.get_by_test_id("plans")
    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    plans.get_by_role("button", name="حذف").click()
    expect(plans).to_be_visible()
    assert FollowUpPlan.objects.filter(customer=customer).exists()
    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    plans.get_by_role("button", name="حذف").click()
    expect(page.get_by_test_id("plans")).to_have_count(0)
    assert not FollowUpPlan.objects.filter(customer=customer).exists()

    assert len(questions) == 4
    assert all(re.search(r"[\u0600-\u06FF]", question) for question in questions)  # asked in Persian
    assert problems == []


def test_choosing_a_status_filters_the_sent_emails_at_once(open_page, manager, shop, watched):
    OutgoingEmailFactory(to="sent@example.com", status=OutgoingEmail.Status.SENT)
    page = open_page(manager)
    problems = watched(page)
    page.goto("/emails/")
    expect(page.get_by_test_id("emails")).to_contain_text("sent@example.com")
    page.select_option("#id_status", "failed")
    expect(page).to_have_url(re.compile(r"status=failed"))
    expect(page.get_by_test_id("emails")).not_to_contain_text("sent@example.com")
    assert problems == []
