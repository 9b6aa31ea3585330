"""Peygir as it runs in production, used by three people in real Chromium.

gunicorn (two workers, DEBUG off, hashed static files), a Celery worker and beat on a Redis of
the test's own, the PostgreSQL test database, and SMTP to an in-process sink (aiosmtpd). A manager
sends a survey; the customer opens the email the sink received and taps a low score; the detractor
call appears on the rep's calls-due page; the rep logs what happened.
"""

import re
import socket

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from core.roles import MANAGER_GROUP, REP_GROUP
from followups.models import FollowUp
from surveys.models import SurveyResponse
from tests.browser.conftest import VIEWPORTS, screenshot
from tests.factories import CustomerFactory, UserFactory
from tests.production import collect_static, free_port, production_stack, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-office-passphrase-2026"


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
    except OSError:
        return False
    return True


@pytest.fixture
def site(tmp_path, settings):
    """The production processes, serving on http://localhost:PORT."""
    # The servers check passwords with the production hashers, not the tests' fast MD5.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    with production_stack(tmp_path) as stack:
        port = free_port()
        stack.url = f"http://localhost:{port}"
        env = collect_static({**stack.env, "PEYGIR_SITE_URL": stack.url}, tmp_path / "static")
        stack.processes.gunicorn(env, port)
        stack.processes.worker(env)
        stack.processes.beat(env)
        wait_for(lambda: _listening(port), timeout=60, what="gunicorn")
        yield stack


def _person(username: str, group: str, first_name: str):
    user = UserFactory(username=username, first_name=first_name, last_name="")
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def _log_in(browser, site, username: str, device: str = "desktop"):
    context = browser.new_context(viewport=VIEWPORTS[device], base_url=site.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.peygir_lang, page.peygir_device = "fa", device
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/calls/"))
    return page


def test_a_survey_answered_from_the_email_becomes_the_reps_call_and_the_rep_logs_it(browser, site):
    _person("manager", MANAGER_GROUP, "مریم")
    rep = _person("rep1", REP_GROUP, "علی")
    customer = CustomerFactory(name="مینا طاهری", email="mina@example.com", owner=rep, preferred_language="fa")

    # The manager sends the relationship survey to the customer list.
    page = _log_in(browser, site, "manager")
    page.goto("/surveys/send/")
    expect(page.get_by_test_id("bulk-preview")).to_contain_text("۱")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("bulk-sent")).to_contain_text("۱ دعوت‌نامه در صف است")
    screenshot(page, "production-survey-queued")

    # The worker delivers it over SMTP; the customer taps 3 in the email.
    delivered = wait_for(lambda: site.sink.to("mina@example.com"), timeout=60, what="the survey email at the sink")
    assert len(delivered) == 1
    text = delivered[0].get_body(("plain",)).get_content()
    link = re.search(r"https?://\S+/s/\S+/\?score=3", text).group(0)
    assert link.startswith(site.url)
    customer_page = browser.new_context(viewport=VIEWPORTS["phone"]).new_page()
    customer_page.peygir_lang, customer_page.peygir_device = "fa", "phone"
    customer_page.goto(link)
    expect(customer_page.get_by_test_id("saved")).to_be_visible()
    customer_page.fill("#id_reason", "ارسال دیر رسید و کسی تماس نگرفت")
    customer_page.get_by_role("button", name=re.compile("ارسال پاسخ")).click()
    expect(customer_page.get_by_test_id("saved")).to_be_visible()
    screenshot(customer_page, "production-survey-answered")
    response = SurveyResponse.objects.get()
    assert (response.score, response.reason) == (3, "ارسال دیر رسید و کسی تماس نگرفت")

    # The detractor call is on the rep's list; the rep logs the outcome in place.
    call = FollowUp.objects.get(reason=FollowUp.Reason.DETRACTOR, customer=customer)
    rep_page = _log_in(browser, site, "rep1")
    row = rep_page.locator(f"#followup-{call.pk}")
    expect(row).to_contain_text("مینا طاهری")
    screenshot(rep_page, "production-detractor-call")
    row.locator("select[name=outcome]").select_option("reached")
    row.get_by_test_id("outcome-more").locator("summary").click()  # the note loads when opened
    row.locator("input[name=note]").fill("عذرخواهی کردم، ارسال بعدی رایگان")
    row.locator("input[name=note]").press("Enter")
    expect(rep_page.locator(f"#followup-{call.pk}").get_by_test_id("closed")).to_contain_text("ارسال بعدی رایگان")
    call.refresh_from_db()
    assert (call.status, call.assignee) == (FollowUp.Status.DONE, rep)
    assert "Traceback" not in site.processes.output("gunicorn")
