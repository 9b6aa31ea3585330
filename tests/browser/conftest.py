"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright against a live server.

Screenshots land in artifacts/screenshots/ (fa and en, desktop and phone) so a
person can look at every page after a run.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
# the test itself (factories, asserts) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

playwright_sync = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("PEYGIR_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(django_settings.BASE_DIR) / "artifacts" / "screenshots"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package (./run test does).")
    with playwright_sync.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, live_server):
    """open_page(user=None, lang="fa", device="desktop") -> a Page logged in as ``user``."""
    contexts = []

    def _open(user=None, lang="fa", device="desktop"):
        context = browser.new_context(viewport=VIEWPORTS[device], base_url=live_server.url, accept_downloads=True)
        context.set_default_timeout(10_000)
        cookies = [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": live_server.url}]
        if user is not None:
            client = Client()
            client.force_login(user)
            session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
            cookies.append({"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url})
        context.add_cookies(cookies)
        contexts.append(context)
        page = context.new_page()
        page.peygir_lang, page.peygir_device = lang, device
        return page

    yield _open
    for context in contexts:
        context.close()


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot (the full page, or what the window shows) named after the page, language and device."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    language = page.evaluate("document.documentElement.lang") or page.peygir_lang  # the page's, not the cookie's
    path = SCREENSHOTS / f"{name}-{language}-{page.peygir_device}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture
def shoot():
    return screenshot


def follow_nav(page, name: str) -> None:
    """Follow a navbar link as a person does: open the phone menu first, and the Manage menu when
    the link is in it."""
    nav = page.locator("nav")
    toggler = nav.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        # Bootstrap adds "show" when the menu has finished opening: until then every link in it
        # reads as hidden, and a link at the top level would be looked for in the Manage menu.
        expect(nav.locator(".navbar-collapse.show")).to_be_visible()
    link = nav.get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        manage = nav.get_by_test_id("manage-menu")
        manage.locator(".dropdown-toggle").click()
        expect(manage.locator(".dropdown-menu.show")).to_be_visible()
    link.click()


@pytest.fixture
def mina(rep):
    """A customer of ``rep`` with 50 points to spend and a catalogue: a discount code for 30, a cup
    for 10 (3 in stock) and a bicycle for 900 (out of reach)."""
    from loyalty import services
    from loyalty.models import Reward
    from tests.factories import CustomerFactory

    customer = CustomerFactory(name="مینا طاهری", owner=rep, email="mina@example.com")
    services.points_adjust(customer=customer, points=50, reason="هدیه", by=None)
    Reward.objects.create(name_fa="کد تخفیف", name_en="10% off", cost=30, kind=Reward.Kind.DISCOUNT_CODE)
    Reward.objects.create(name_fa="فنجان", name_en="Cup", cost=10, stock=3)
    Reward.objects.create(name_fa="دوچرخه", name_en="Bicycle", cost=900)
    return customer
