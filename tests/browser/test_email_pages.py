"""Sent emails in real Chromium: a manager retries every failed email and confirms an interrupted one."""

import re

import pytest
from playwright.sync_api import expect

from outbox.models import OutgoingEmail
from tests.outbox.factories import OutgoingEmailFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LATIN = re.compile(r"[A-Za-z0-9]")
Status = OutgoingEmail.Status


@pytest.mark.parametrize(("lang", "device"), [("fa", "desktop"), ("fa", "phone"), ("en", "desktop"), ("en", "phone")])
def test_a_manager_retries_all_failed_emails_and_they_go_out(open_page, manager, shoot, lang, device):
    OutgoingEmailFactory.create_batch(3, status=Status.FAILED, attempts=12, last_error="421 try again later")
    OutgoingEmailFactory(status=Status.SENT)
    page = open_page(manager, lang, device)
    page.goto("/emails/")
    button = page.get_by_test_id("retry-failed")
    expect(button).to_contain_text("۳" if lang == "fa" else "3")
    if lang == "fa":
        assert not LATIN.findall(button.inner_text())
    shoot(page, "emails-failed")
    button.click()
    expect(page.locator(".alert-success")).to_contain_text("۳" if lang == "fa" else "3")
    expect(page.get_by_test_id("retry-failed")).to_have_count(0)
    shoot(page, "emails-retried")
    assert OutgoingEmail.objects.filter(status=Status.SENT).count() == 4  # the demo backend keeps them


@pytest.mark.parametrize(("lang", "device"), [("fa", "desktop"), ("fa", "phone"), ("en", "desktop"), ("en", "phone")])
def test_an_interrupted_email_goes_again_only_after_the_manager_ticks_the_box(open_page, manager, shoot, lang, device):
    email = OutgoingEmailFactory(status=Status.UNKNOWN, attempts=1)
    page = open_page(manager, lang, device)
    page.goto("/emails/?status=unknown")
    page.get_by_test_id("emails").get_by_role("link").first.click()
    warning = page.get_by_test_id("interrupted")
    expect(warning).to_be_visible()
    if lang == "fa":
        assert not LATIN.findall(warning.inner_text())
    shoot(page, "email-interrupted")
    warning.get_by_role("button").click()  # not ticked: the browser holds the form back
    email.refresh_from_db()
    assert email.status == Status.UNKNOWN
    warning.get_by_role("checkbox").check()
    warning.get_by_role("button").click()
    expect(page.locator(".alert-success")).to_be_visible()
    email.refresh_from_db()
    assert email.status == Status.SENT
