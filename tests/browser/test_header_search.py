"""The search box in the header: from any page, a customer by name, mobile or company."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("lang", "device"), [("fa", "desktop"), ("fa", "phone"), ("en", "desktop"), ("en", "phone")])
def test_a_rep_finds_a_customer_from_the_header_of_any_page(open_page, rep, other_rep, shoot, lang, device):
    CustomerFactory(name="مینا طاهری", mobile="09121234567", owner=rep, company="پارس",
                    last_contact_on=timezone.localdate() - datetime.timedelta(days=3))
    CustomerFactory(name="رضا کریمی", owner=rep)
    CustomerFactory(name="مینا دیگری", owner=other_rep)  # another rep's: never found
    page = open_page(rep, lang, device)
    page.goto("/calls/")
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    search = page.get_by_test_id("header-search").get_by_role("searchbox")
    search.fill("۰۹۱۲۱۲۳")  # part of the mobile, typed with Persian digits
    search.press("Enter")
    table = page.get_by_test_id("customer-table")
    expect(table).to_contain_text("مینا طاهری")
    expect(table.locator("tbody tr")).to_have_count(1)
    if device == "desktop":
        expect(table.get_by_test_id("last-contact")).to_contain_text("۱۴۰۵" if lang == "fa" else "2026")
    shoot(page, "header-search")
