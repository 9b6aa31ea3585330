"""Logging in safely, as people do it in real Chromium: the lockout and its unlock, the password reset."""

import re

import pytest
from playwright.sync_api import expect

from outbox.models import OutgoingEmail
from tests.browser.conftest import follow_nav
from tests.factories import RepFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LATIN = re.compile(r"[A-Za-z0-9]")
PASSWORD = "secret-pass-123"
NEW_PASSWORD = "kelid-e-taze-1403"


@pytest.fixture(autouse=True)
def _rules(settings, live_server):
    settings.PEYGIR_LOGIN_FAILURES_PER_NAME = 5
    settings.PEYGIR_LOGIN_FAILURES_PER_ADDRESS = 30
    settings.PEYGIR_LOGIN_LOCKOUT_MINUTES = 30
    settings.PEYGIR_PASSWORD_RESET_PER_EMAIL = 3
    settings.PEYGIR_PASSWORD_RESET_PER_ADDRESS = 10
    settings.PEYGIR_SITE_URL = live_server.url  # the emailed link opens this test's server


def _submit_login(page, username: str, password: str) -> None:
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("main form [type=submit]").click()


def _main_text_is_persian(page) -> None:
    assert not LATIN.findall(page.locator("main").inner_text())


@pytest.mark.parametrize(("lang", "device"), [("fa", "desktop"), ("fa", "phone"), ("en", "desktop")])
def test_wrong_passwords_lock_the_name_and_a_manager_unlocks_it(open_page, rep, manager, shoot, lang, device):
    page = open_page(None, lang, device)
    page.goto("/accounts/login/")
    for _ in range(4):
        _submit_login(page, "rep1", "wrong-guess")
        expect(page.locator(".alert-danger, .invalid-feedback, .errorlist").first).to_be_visible()
    _submit_login(page, "rep1", "wrong-guess")
    locked = page.get_by_test_id("locked-out")
    expect(locked).to_contain_text("گذرواژهٔ اشتباه بیش از اندازه" if lang == "fa" else "Too many wrong passwords")
    if lang == "fa":
        _main_text_is_persian(page)
    shoot(page, "login-locked-out")
    _submit_login(page, "rep1", PASSWORD)  # the right password does not get past the lock
    expect(page.get_by_test_id("locked-out")).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_have_count(0)

    boss = open_page(manager, lang, device)
    boss.goto("/")
    follow_nav(boss, "قفل‌های ورود" if lang == "fa" else "Lockouts")
    row = boss.get_by_test_id("lockout-name")
    expect(row).to_contain_text("rep1")
    shoot(boss, "lockouts")
    row.get_by_role("button", name="باز کردن قفل" if lang == "fa" else "Unlock").click()
    expect(boss.get_by_test_id("no-lockouts")).to_be_visible()
    expect(boss.locator(".alert-success")).to_contain_text("قفل باز شد" if lang == "fa" else "Unlocked")

    _submit_login(page, "rep1", PASSWORD)
    expect(page.get_by_test_id("current-user")).to_contain_text("علی رستمی")


def _reset_link_path() -> str:
    email = OutgoingEmail.objects.get()
    return re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", email.text_body).group(1)


@pytest.mark.parametrize(("lang", "device"), [("fa", "desktop"), ("fa", "phone"), ("en", "desktop"), ("en", "phone")])
def test_a_rep_resets_a_forgotten_password_from_the_email(open_page, shoot, lang, device):
    RepFactory(username="sara", first_name="سارا", last_name="نیک‌نام", email="sara@example.com")
    page = open_page(None, lang, device)
    page.goto("/accounts/login/")
    page.get_by_test_id("forgot-password").click()
    expect(page.locator("#id_email")).to_be_visible()  # the reset page has loaded
    if lang == "fa":
        _main_text_is_persian(page)
    shoot(page, "password-reset-form")
    page.fill("#id_email", "sara@example.com")
    page.locator("main form [type=submit]").click()
    expect(page.get_by_test_id("reset-sent")).to_be_visible()
    if lang == "fa":
        _main_text_is_persian(page)
    shoot(page, "password-reset-sent")

    page.goto(_reset_link_path())
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", "something-else-1403")
    page.locator("main form [type=submit]").click()
    expect(page.locator(".invalid-feedback").first).to_contain_text("مطابقت ندارند" if lang == "fa" else "didn’t match")
    if lang == "fa":
        _main_text_is_persian(page)
    shoot(page, "password-reset-mismatch")
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.locator("main form [type=submit]").click()
    expect(page.get_by_test_id("reset-complete")).to_be_visible()
    shoot(page, "password-reset-complete")
    page.get_by_test_id("reset-complete").get_by_role("link").click()
    _submit_login(page, "sara", NEW_PASSWORD)
    expect(page.get_by_test_id("current-user")).to_contain_text("سارا نیک‌نام")


def test_a_used_or_forged_reset_link_says_so_in_persian(open_page, shoot):
    RepFactory(username="sara", email="sara@example.com")
    page = open_page()
    page.goto("/accounts/password-reset/")
    page.fill("#id_email", "sara@example.com")
    page.locator("main form [type=submit]").click()
    expect(page.get_by_test_id("reset-sent")).to_be_visible()
    link = _reset_link_path()
    page.goto(link)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.locator("main form [type=submit]").click()
    expect(page.get_by_test_id("reset-complete")).to_be_visible()

    page.goto(link)  # the same link again
    expect(page.get_by_test_id("bad-link")).to_be_visible()
    _main_text_is_persian(page)
    shoot(page, "password-reset-bad-link")
    page.goto("/accounts/reset/MQ/set-password-forged/")
    expect(page.get_by_test_id("bad-link")).to_be_visible()
    page.get_by_role("link", name="درخواست پیوند تازه").click()
    expect(page.locator("#id_email")).to_be_visible()
