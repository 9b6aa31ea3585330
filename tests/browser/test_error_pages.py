"""Error pages in real Chromium: a rep who opens a manager's page, an unknown address, the icon."""

import re

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from tests.browser.conftest import follow_nav
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LATIN = re.compile(r"[A-Za-z0-9]")
DEVICES = [("fa", "desktop"), ("fa", "phone"), ("en", "desktop"), ("en", "phone")]
FORBIDDEN = {"fa": "این صفحه برای شما باز نیست", "en": "This page is not open to you"}
NOT_FOUND = {"fa": "صفحه پیدا نشد", "en": "Page not found"}


def _open_menu(page) -> None:
    toggler = page.locator("nav .navbar-toggler")
    if toggler.is_visible():
        toggler.click()


@pytest.mark.parametrize(("lang", "device"), DEVICES)
def test_a_rep_on_sent_emails_gets_the_403_page_with_the_menu_and_goes_back(open_page, rep, shoot, lang, device):
    page = open_page(rep, lang, device)
    response = page.goto("/emails/")
    assert response.status == 403
    card = page.get_by_test_id("error-page")
    expect(card.get_by_role("heading")).to_have_text(FORBIDDEN[lang])
    if lang == "fa":
        assert not LATIN.findall(card.inner_text())
    shoot(page, "error-403")
    _open_menu(page)
    expect(
        page.locator("nav").get_by_role("link", name="تماس‌های امروز" if lang == "fa" else "Calls due")
    ).to_be_visible()
    card.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/calls/$"))


@pytest.mark.parametrize(("lang", "device"), DEVICES)
def test_an_unknown_address_shows_the_404_page_with_a_way_home(open_page, rep, shoot, lang, device):
    page = open_page(rep, lang, device)
    response = page.goto("/customers/no-such-page/")
    assert response.status == 404
    card = page.get_by_test_id("error-page")
    expect(card.get_by_role("heading")).to_have_text(NOT_FOUND[lang])
    if lang == "fa":
        assert not LATIN.findall(page.locator("main").inner_text())
    shoot(page, "error-404")
    card.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/calls/$"))


@pytest.mark.parametrize(("lang", "device"), [("fa", "phone"), ("en", "desktop")])
def test_a_broken_survey_address_shows_the_customers_404_without_the_staff_menu(open_page, shoot, lang, device):
    page = open_page(None, lang, device)
    assert page.goto("/s/not-a-token/nor-a-page/").status == 404
    expect(page.get_by_test_id("error-page").get_by_role("heading")).to_have_text(NOT_FOUND[lang])
    expect(page.locator("nav")).to_have_count(0)
    shoot(page, "error-404-survey-link")


def test_the_page_icon_loads_and_favicon_ico_finds_it(open_page, rep):
    page = open_page(rep)
    page.goto("/calls/")
    icon = page.locator('link[rel="icon"]').get_attribute("href")
    assert page.request.get(icon).status == 200
    favicon = page.request.get("/favicon.ico")
    assert favicon.status == 200 and favicon.body().startswith(b"<svg")


def test_staff_who_can_use_admin_follow_manage_admin_to_a_working_index(open_page):
    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_customer"))
    page = open_page(clerk, "en")
    page.goto("/customers/")
    follow_nav(page, "Admin")
    expect(page.locator("#content-main")).to_contain_text("Customers")
    expect(page.get_by_text("You don’t have permission")).to_have_count(0)
