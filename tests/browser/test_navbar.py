"""The navbar on a laptop (1366 px) holds every item on one line, in both languages, and on a
phone every item is reachable from the menu button."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _boxes(page, selector):
    return [page.locator(selector).nth(i).bounding_box() for i in range(page.locator(selector).count())]


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_a_managers_navbar_fits_one_line_on_a_laptop(open_page, manager, shoot, lang):
    page = open_page(manager, lang, "desktop")
    page.goto("/customers/")
    shoot(page, "navbar", full_page=False)
    links = _boxes(page, "nav .navbar-nav > .nav-item > .nav-link")
    assert len(links) == 8
    one_line = links[0]["height"]
    assert all(abs(box["height"] - one_line) < 2 for box in links), links  # no item wraps onto two lines
    assert len({round(box["y"]) for box in links}) == 1, links
    logout = page.locator("nav").get_by_role("button", name="Log out" if lang == "en" else "خروج").bounding_box()
    nav_middle = links[0]["y"] + one_line / 2
    assert logout["y"] < nav_middle < logout["y"] + logout["height"], (logout, links[0])  # on the same row
    expect(page.locator("nav .nav-link.active")).to_have_count(1)


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_on_a_phone_every_item_is_in_the_menu(open_page, manager, lang):
    page = open_page(manager, lang, "phone")
    page.goto("/customers/")
    page.locator(".navbar-toggler").click()
    for link in page.locator("nav .navbar-nav > .nav-item > .nav-link").all():
        expect(link).to_be_visible()
