"""No Latin digit in what a Persian reader sees: every number goes through the one digit path
(``core.numbers.format_number`` / the ``digits`` filter, ``jdate``, ``money``, ``percent``).

Many pages are rendered in Persian, as a rep and as a manager, over realistic data (customers,
purchases, contracts, calls of every reason, survey invitations and answers, emails in the
outbox, an import's columns and its checked rows with errors, form errors for impossible dates), and every email
Peygir writes (survey invitation and reminder, morning digest, password reset) is rendered in
Persian. The scan fails listing each Latin digit with its page and context.

The rule, small on purpose. Scanned: the text a reader sees, and the attributes a browser
shows (``title``, ``placeholder``, ``aria-label``, ``alt``). Not scanned:

* ``<script>``, ``<style>``, comments, and every other attribute (``href``, ``src``, ``value``,
  ``data-*``): machine text;
* what a form sends back as typed: ``<input>`` values and ``<textarea>`` content;
* codes and verbatim data, which are marked where they are shown: elements with ``dir="ltr"``,
  the class ``ltr`` or ``translate="no"``, and ``<code>``/``<kbd>`` (mobiles as typed, email
  addresses, invoice numbers, CSV column names, the cells of an uploaded file in its preview);
* in any text (a page, an email's plain body): URLs and email addresses.
"""

import datetime
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from core import dates
from customers.models import Contract
from followups import digest
from followups.models import FollowUp
from followups.services import working_days
from outbox.models import OutgoingEmail
from surveys import services as survey_services
from surveys.models import Survey, SurveyInvitation
from tests.access_rules import this_month_index
from tests.factories import (
    CustomerFactory,
    FollowUpFactory,
    FollowUpPlanFactory,
    InteractionFactory,
    PurchaseFactory,
    SegmentFactory,
)
from tests.outbox.factories import OutgoingEmailFactory
from tests.surveys.factories import SurveyCustomerFactory, SurveyResponseFactory, send_survey

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _import_dir(settings, tmp_path):
    settings.PEYGIR_IMPORT_DIR = tmp_path  # the import pages keep the uploaded file there

LATIN_DIGIT = re.compile(r"[0-9]+")
_SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
_MACHINE_TAGS = {"script", "style", "textarea", "code", "kbd"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_PLAIN_SKIPS = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+(\.[\w-]+)+")
DAY = datetime.timedelta(days=1)


class _ShownText(HTMLParser):
    """Collects what a reader sees, leaving out what the rule above leaves out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []

    @property
    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        skip = (
            self.skipping
            or tag in _MACHINE_TAGS
            or (tag != "html" and (attributes.get("dir") or "").lower() == "ltr")
            or "ltr" in classes
            or attributes.get("translate") == "no"
        )
        if not skip:
            self.parts += [value for name, value in attrs if name in _SHOWN_ATTRIBUTES and value]
        if tag not in _VOID:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def shown_text(html: str) -> str:
    parser = _ShownText()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def latin_digits(text: str, where: str) -> list[str]:
    return [
        f"{where}: “{m.group()}” in …{text[max(0, m.start() - 40) : m.end() + 40]}…"
        for m in LATIN_DIGIT.finditer(text)
    ]


def without_addresses(text: str) -> str:
    return _PLAIN_SKIPS.sub(" ", text)


def test_the_rule_skips_codes_inputs_and_machine_text_and_catches_the_rest():
    html = (
        '<p title="۳ روز">در 90 روز</p><span class="ltr">0912 123 4567</span><bdi dir="ltr">F-7</bdi>'
        '<input value="1403/02/15"><textarea>یادداشت 2</textarea><script>var a = 1;</script>'
        '<a href="/customers/12/">مشتری</a><code>mobile,date</code><i aria-label="5 stars"></i>'
    )
    found = latin_digits(shown_text(html), "sample")
    assert [hit.split("”")[0] for hit in found] == ["sample: “90", "sample: “5"]


# --- realistic data -------------------------------------------------------------------------


@pytest.fixture
def shop(rep, manager, other_rep):
    today = timezone.localdate()
    vip = SegmentFactory(name="مشتریان ویژه")
    ali = SurveyCustomerFactory(
        name="علی کریمی", mobile="09121234567", owner=rep, city="تهران", segment=vip, company="بازرگانی پارس"
    )
    sara = SurveyCustomerFactory(name="سارا احمدی", mobile="09351112222", owner=rep, city="شیراز")
    reza = CustomerFactory(name="رضا کامرانی", mobile="09123334444", owner=other_rep)
    for customer, days_ago, amount in ((ali, 400, 12_500_000), (ali, 200, 9_800_000), (ali, 30, 21_000_005),
                                       (sara, 90, 4_000_000), (reza, 10, 1_500_000)):
        PurchaseFactory(customer=customer, purchased_on=today - days_ago * DAY, amount=Decimal(amount),
                        reference=f"F-{days_ago}")
    InteractionFactory(customer=ali, kind="call", summary="درباره‌ی سفارش بعدی صحبت شد", outcome="reached")
    Contract.objects.create(customer=ali, starts_on=today - 300 * DAY, ends_on=today + 20 * DAY,
                            value=Decimal(120_000_000), offer="ده درصد تخفیف تمدید")
    FollowUpPlanFactory(customer=sara, every=3, unit="months", starts_on=today)
    iso = (today - 120 * DAY).isoformat()
    reasons = {
        "periodic": {},
        "one_off": {},
        "detractor": {"score": 3, "comment": "بسته دیر رسید"},
        "referral": {"referrer_name": "علی کریمی"},
        "win_back": {"typical_gap_days": 45, "basis": "own", "last_purchase_on": iso},
        "points_expiring": {"points": 1250, "expires_on": (today + 12 * DAY).isoformat()},
        "renewal": {"ends_on": (today + 20 * DAY).isoformat()},
        "onboarding": {"since": (today - 7 * DAY).isoformat(), "step": "check_in"},
        "no_contact": {"last_contact_on": iso},
    }
    for number, (reason, facts) in enumerate(reasons.items()):
        due = today - (number % 3) * 4 * DAY  # some due today, some overdue (escalated)
        FollowUpFactory(
            customer=ali if number % 2 else sara, reason=reason, facts=facts, purpose="",
            source_key=None if reason == "periodic" else f"{reason}:test:{number}",
            scheduled_on=due, due_on=due, snooze_count=number % 3,
        )
    FollowUpFactory(customer=reza, purpose="پیگیری پیش‌فاکتور", due_on=today + 2 * DAY, scheduled_on=today + 2 * DAY)
    sent = send_survey(ali)
    SurveyResponseFactory(invitation=sent.invitation, score=3, reason="بسته دیر رسید", improvement_1="ارسال")
    for score, name in ((10, "مریم نوری"), (9, "حسن رضایی"), (6, "نگار صالحی")):
        SurveyResponseFactory(score=score, invitation__customer=SurveyCustomerFactory(owner=rep, name=name))
    OutgoingEmailFactory(
        subject="یادآوری تماس", text_body="متن", status=OutgoingEmail.Status.FAILED, attempts=3, last_error="timeout"
    )
    link = send_survey(SurveyCustomerFactory(name="نرگس یزدانی", owner=rep)).path
    return {"ali": ali, "sara": sara, "reza": reza, "today": today, "survey_link": link}


_BAD_PURCHASES = """mobile,date,amount,invoice
09121234567,1403/02/15,1500000,F-1
09121234567,1402/12/30,100,F-2
09121234567,1403/02/16,abc,F-1
09129999999,1403/02/15,100,F-3
09121234567,1403/02/20,۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹,F-4
0212,2099/01/01,100,F-5
"""


def _pages(client, shop, *, manager: bool) -> dict[str, str]:
    ali, today = shop["ali"], shop["today"]
    purchase = ali.purchases.first()
    gets = {
        "calls due": reverse("followups:calls_due"),
        "calls due, a past day": reverse("followups:calls_due") + f"?day={(today - DAY).isoformat()}",
        "not contacted": reverse("followups:not_contacted"),
        "customers": reverse("customers:list"),
        "customer": reverse("customers:detail", args=[ali.pk]),
        "customer edit": reverse("customers:edit", args=[ali.pk]),
        "purchase edit": reverse("customers:purchase_edit", args=[ali.pk, purchase.pk]),
        "at risk": reverse("customers:at_risk"),
        "survey answer page": shop["survey_link"],
        "dashboard overview": reverse("dashboards:overview"),
        "dashboard churn": reverse("dashboards:churn") + "?grain=quarter",
        "dashboard cohorts": reverse("dashboards:cohorts") + "?measure=revenue",
        "dashboard lifetimes": reverse("dashboards:lifetimes"),
        "dashboard value": reverse("dashboards:value"),
        "dashboard nps": reverse("dashboards:nps"),
        "dashboard team": reverse("dashboards:team"),
        "dashboard calls": reverse("dashboards:calls"),
        "dashboard calls, compared now": reverse("dashboards:calls") + "?start=1404/01/01",
        "dashboard customers": reverse("dashboards:customers") + f"?figure=end&period={this_month_index()}",
    }
    if manager:
        gets |= {
            "send survey": reverse("surveys:send_bulk"),
            "survey results": reverse("surveys:results"),
            "team calls": reverse("followups:team"),
            "bulk cadence": reverse("followups:bulk_cadence"),
            "backtest": reverse("customers:backtest"),
            "import": reverse("customers:import"),
            "segments": reverse("customers:segments"),
            "sent emails": reverse("emails:list"),
            "an email": reverse("emails:detail", args=[OutgoingEmail.objects.first().pk]),
            "audit log": reverse("audit:log"),
            "lockouts": reverse("accounts:lockouts"),
            "team": reverse("accounts:team"),
            "survey settings": reverse("surveys:settings", args=["relationship"]),
        }
    pages = {}
    for name, url in gets.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        pages[name] = response.content.decode()
    followup = FollowUp.objects.filter(customer=ali, status="open").first()
    htmx = {"HTTP_HX_REQUEST": "true"}
    pages["why this rank"] = client.get(reverse("followups:rank", args=[followup.pk]), **htmx).content.decode()
    pages["more actions"] = client.get(reverse("followups:actions", args=[followup.pk]), **htmx).content.decode()
    bad_date = client.post(
        reverse("customers:purchase_create", args=[ali.pk]),
        {"purchased_on": "1403/07/31", "amount": "1,200,000", "reference": "B-7"},
    )
    pages["purchase with an impossible date"] = bad_date.content.decode()
    pages["purchase with a negative or too long amount"] = client.post(
        reverse("customers:purchase_create", args=[ali.pk]),
        {"purchased_on": "1403/07/01", "amount": "-500", "reference": "B-8"},
    ).content.decode() + client.post(
        reverse("customers:purchase_create", args=[ali.pk]),
        {"purchased_on": "1403/07/01", "amount": "9" * 25, "reference": "B-9"},
    ).content.decode()
    pages["contact with an impossible date"] = client.post(
        reverse("customers:interaction_create", args=[ali.pk]),
        {"kind": "call", "occurred_on": "1402/12/30", "summary": "تماس"},
    ).content.decode()
    if manager:
        pages |= _import_pages(client)
    return pages


def _import_pages(client) -> dict[str, str]:
    """A purchases file through the import: its columns page, then its run page once checked, with row errors."""
    upload = SimpleUploadedFile("purchases.csv", _BAD_PURCHASES.encode(), "text/csv")
    uploaded = client.post(reverse("customers:import"), {"kind": "purchases", "unit": "rial", "file": upload})
    columns = client.get(uploaded["Location"])
    assert 'data-testid="mapping-form"' in columns.content.decode()
    offered = {f"column_{index}": name for index, name in enumerate(columns.context["form"].run.mapping)}
    with TestCase.captureOnCommitCallbacks(execute=True):  # the check runs once the request commits
        checked = client.post(uploaded["Location"], {**offered, "unit": "rial"})
    run = client.get(checked["Location"])
    assert 'data-testid="import-forecast"' in run.content.decode()
    assert 'data-testid="row-result"' in run.content.decode()
    return {"import columns": columns.content.decode(), "import run with errors": run.content.decode()}


def _scan(pages: dict[str, str]) -> list[str]:
    return [found for name, html in pages.items() for found in latin_digits(without_addresses(shown_text(html)), name)]


def test_persian_pages_of_a_rep_show_no_latin_digit(rep_client, shop):
    pages = _pages(rep_client, shop, manager=False)
    assert "امتیاز ۳" in shown_text(pages["calls due"])  # the scan reads the rows' sentences
    assert ">F-400</bdi>" in pages["customer"]  # an invoice number is a code: shown as written
    assert "۱۴۰۳/۰۷/۳۱" in shown_text(pages["purchase with an impossible date"])
    assert "۰" in shown_text(pages["purchase with a negative or too long amount"])  # "Enter 0 or more" is read
    found = _scan(pages)
    assert not found, "Latin digits on Persian pages:\n" + "\n".join(found)


def test_persian_pages_of_a_manager_show_no_latin_digit(manager_client, shop):
    pages = _pages(manager_client, shop, manager=True)
    assert "۱۴۰۲/۱۲/۳۰" in shown_text(pages["import run with errors"])  # the rows' errors are read
    found = _scan(pages)
    assert not found, "Latin digits on Persian pages:\n" + "\n".join(found)


def test_persian_emails_show_no_latin_digit(client, shop, rep, manager):
    OutgoingEmail.objects.all().delete()
    today = shop["today"]
    send_survey(shop["sara"], kind=Survey.Kind.RELATIONSHIP)
    SurveyInvitation.objects.update(sent_at=timezone.now() - 30 * DAY)
    # Reminders go out on working days only: a month on, or the first working day after it.
    survey_services.reminders_send(today=working_days().on_or_after(today + 30 * DAY))
    rep.email, manager.email = "rep@example.com", "manager@example.com"
    rep.save(), manager.save()
    digest.send_morning_digests(day=today)
    client.post(reverse("accounts:password_reset"), {"email": rep.email}, REMOTE_ADDR="10.0.0.9")
    emails = list(OutgoingEmail.objects.all())
    keys = sorted(email.key for email in emails)
    for kind in ("survey-invitation-", "survey-reminder-", "digest:", "password-reset"):
        assert any(key.startswith(kind) for key in keys), (kind, keys)
    found = []
    for email in emails:
        found += latin_digits(without_addresses(email.subject), f"{email.key} subject")
        found += latin_digits(without_addresses(email.text_body), f"{email.key} text")
        found += latin_digits(without_addresses(shown_text(email.html_body)), f"{email.key} html")
    assert not found, f"Latin digits in Persian emails ({keys}):\n" + "\n".join(found)


# --- one reading format for a date per language ---------------------------------------------

NUMERIC_DATE = re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}/\d{1,2}/\d{4}\b|[۰-۹]{4}/[۰-۹]{1,2}/[۰-۹]{1,2}")
# These pages quote what the user typed, or show how to type a date: the numeric form belongs there.
_SHOWS_TYPING = {
    "purchase with an impossible date",
    "purchase with a negative or too long amount",
    "contact with an impossible date",
    "import run with errors",
}


def numeric_dates(pages: dict[str, str]) -> list[str]:
    return [
        f"{name}: “{m.group()}” in …{text[max(0, m.start() - 40) : m.end() + 40]}…"
        for name, html in pages.items()
        if name not in _SHOWS_TYPING
        for text in [without_addresses(shown_text(html))]
        for m in NUMERIC_DATE.finditer(text)
    ]


@pytest.mark.parametrize("language", ["fa", "en"])
def test_every_page_shows_a_date_in_one_format_for_its_language(manager_client, shop, language):
    """۱۵ اردیبهشت ۱۴۰۳ in Persian, 4 May 2024 in English: never 1403/02/15, 2024-05-04 or 05/04/2024 beside it."""
    manager_client.cookies["django_language"] = language
    pages = _pages(manager_client, shop, manager=True)
    assert dates.format_date(shop["today"], language) in shown_text(pages["calls due"])
    found = numeric_dates(pages)
    assert not found, "numeric dates in text a person reads:\n" + "\n".join(found)
