"""Every page a person uses, scanned with axe-core in fa and en, desktop and phone: no serious or
critical WCAG 2.1 AA finding. Colours are also kept at 4.5:1 by hand (axe skips much joined
Persian text in its contrast check)."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from customers import imports as import_services
from customers.models import Customer
from outbox.models import OutgoingEmail
from surveys import services
from surveys.models import Survey, SurveyInvitation
from tests.browser.accessibility import axe_findings, with_axe
from tests.customers.factories import SHOP_MAPPING, checked_run, csv_bytes, shop_rows, uploaded_run
from tests.factories import CustomerFactory, FollowUpFactory, PurchaseFactory
from tests.outbox.factories import OutgoingEmailFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGS_AND_DEVICES = [("fa", "desktop"), ("fa", "phone"), ("en", "desktop"), ("en", "phone")]


@pytest.fixture
def shop(rep, manager):
    customer = CustomerFactory(name="مینا طاهری", email="mina@example.com", owner=rep)
    PurchaseFactory(customer=customer, amount=2_500_000, purchased_on=timezone.localdate() - datetime.timedelta(40))
    FollowUpFactory(customer=customer, assignee=rep, due_on=timezone.localdate())
    FollowUpFactory(customer=customer, assignee=manager, due_on=timezone.localdate() - datetime.timedelta(days=2))
    services.invitations_send(
        survey=services.survey_for(Survey.Kind.RELATIONSHIP), customers=Customer.objects.filter(pk=customer.pk)
    )
    OutgoingEmailFactory()
    return customer


@pytest.fixture
def imports(manager, settings, tmp_path):
    """An import at each step a manager sees: choosing the columns, checked with row errors, done."""
    settings.PEYGIR_IMPORT_DIR = tmp_path
    content = csv_bytes([*shop_rows(2), ["", "09350000009", ""], ["بد", "12345", "C-9"]])
    done = checked_run(manager, content, SHOP_MAPPING)
    import_services.run_import(run=done)  # in line: it runs when this commits
    return [
        f"/customers/import/{uploaded_run(manager, content).pk}/columns/",
        f"/customers/import/{checked_run(manager, content, SHOP_MAPPING).pk}/",
        f"/customers/import/{done.pk}/",
    ]


def _pages(shop, imports=()) -> list[str]:
    return [
        *imports,
        "/calls/",
        "/customers/",
        f"/customers/{shop.pk}/",
        f"/customers/{shop.pk}/edit/",
        f"/customers/{shop.pk}/purchases/new/",
        "/customers/at-risk/",
        "/calls/team/",
        "/surveys/",
        "/emails/",
        "/customers/import/",
        "/audit/",
    ]


@pytest.mark.parametrize(("lang", "device"), LANGS_AND_DEVICES)
def test_staff_pages_have_no_serious_accessibility_finding(open_page, manager, shop, imports, lang, device):
    page = with_axe(open_page(manager, lang, device))
    findings = {}
    for path in _pages(shop, imports):
        response = page.goto(path)
        assert response.status == 200, path
        if found := axe_findings(page):
            findings[path] = found
    assert findings == {}, _listed(findings)


def _listed(findings: dict) -> str:
    return "\n".join(f"{path}: {line}" for path, lines in findings.items() for line in lines)


@pytest.mark.parametrize(("lang", "device"), LANGS_AND_DEVICES)
def test_public_pages_have_no_serious_accessibility_finding(open_page, shop, lang, device):
    page = with_axe(open_page(None, lang, device))
    findings = {}
    email = OutgoingEmail.objects.get(to=shop.email)
    answer = re.search(r"https?://[^/\s]+(/s/[^/\s]+/)\?score=0", email.text_body).group(1)
    for path in ["/accounts/login/", "/accounts/password-reset/", answer, f"{answer}?score=9", f"{answer}unsubscribe/"]:
        page.goto(path)
        if found := axe_findings(page):
            findings[path] = found
    assert findings == {}, _listed(findings)
    assert SurveyInvitation.objects.get().response.score == 9


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_the_first_tab_offers_a_skip_link_past_the_menu(open_page, rep, lang):
    page = open_page(rep, lang)
    page.goto("/customers/")
    page.keyboard.press("Tab")
    skip = page.get_by_test_id("skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("رفتن به محتوا" if lang == "fa" else "Skip to the content")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
