"""The team and segments pages in real Chromium: a manager adds a rep (the password email is in the
outbox), deactivates a rep who left choosing who takes over (their customers and calls are then on
the successor's lists), and merges two segments, in fa and en, desktop and phone."""

import re

import pytest
from playwright.sync_api import expect

from customers.models import Customer, Segment
from outbox.models import OutgoingEmail
from tests.browser.conftest import follow_nav
from tests.factories import CustomerFactory, FollowUpFactory, SegmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LATIN = re.compile(r"[A-Za-z0-9]")
CASES = [("fa", "desktop"), ("fa", "phone"), ("en", "desktop"), ("en", "phone")]


def _main_text_without_ltr(page) -> str:
    """The main text but what is shown left-to-right on purpose (user names, emails)."""
    return page.evaluate(
        """() => {
            const main = document.querySelector("main").cloneNode(true);
            main.querySelectorAll('[dir="ltr"]').forEach((element) => element.remove());
            document.body.appendChild(main);
            const text = main.innerText;
            main.remove();
            return text;
        }"""
    )


def _no_latin_in_persian(page) -> None:
    if page.peygir_lang == "fa":
        assert not LATIN.findall(_main_text_without_ltr(page))


@pytest.mark.parametrize(("lang", "device"), CASES)
def test_a_manager_adds_a_rep_and_hands_a_leaving_reps_work_to_a_colleague(
    open_page, manager, rep, other_rep, shoot, lang, device
):
    leaving_customers = [CustomerFactory(owner=rep, name=name) for name in ("کیمیا رادمنش", "بهرام ستوده")]
    FollowUpFactory(customer=leaving_customers[0], assignee=rep, purpose="پیگیری سفارش")
    page = open_page(manager, lang, device)
    page.goto("/")
    follow_nav(page, "اعضای تیم" if lang == "fa" else "Team members")
    expect(page.get_by_test_id("team")).to_be_visible()
    _no_latin_in_persian(page)
    shoot(page, "team-list")

    # Add a rep: they get the email to set their own password.
    page.get_by_test_id("add-member").click()
    form = page.get_by_test_id("member-form")
    form.locator("[name=first_name]").fill("نگار")
    form.locator("[name=last_name]").fill("امینی")
    form.locator("[name=username]").fill("negar")
    form.locator("[name=email]").fill("negar@example.com")
    form.locator("[name=role]").select_option("rep")
    _no_latin_in_persian(page)
    shoot(page, "team-add")
    form.get_by_role("button").click()
    expect(page.locator(".alert-success")).to_contain_text("negar@example.com")
    expect(page.locator('[data-testid=member][data-username="negar"]')).to_be_visible()
    assert OutgoingEmail.objects.filter(to="negar@example.com").count() == 1
    follow_nav(page, "ایمیل‌های ارسالی" if lang == "fa" else "Sent emails")
    expect(page.locator("main")).to_contain_text("negar@example.com")

    # Deactivate rep1, who left: rep2 takes over.
    page.goto("/accounts/team/")
    page.locator('[data-testid=member][data-username="rep1"]').get_by_role("link").click()
    expect(page.get_by_test_id("holds")).to_contain_text("۲" if lang == "fa" else "2")
    _no_latin_in_persian(page)
    shoot(page, "team-deactivate")
    page.get_by_test_id("deactivate-form").locator("[name=successor]").select_option(str(other_rep.pk))
    page.get_by_test_id("deactivate-form").get_by_role("button").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator('[data-testid=member][data-username="rep1"]').get_by_test_id("inactive")).to_be_visible()
    _no_latin_in_persian(page)
    shoot(page, "team-deactivated")

    # The successor's lists now show them.
    page.goto(f"/customers/?owner={other_rep.pk}")
    for customer in leaving_customers:
        expect(page.locator("main")).to_contain_text(customer.name)
    page.goto(f"/calls/?rep={other_rep.pk}")
    expect(page.locator("main")).to_contain_text("کیمیا رادمنش")
    assert set(Customer.objects.filter(owner=other_rep)) == set(leaving_customers)


@pytest.mark.parametrize(("lang", "device"), CASES)
def test_a_manager_merges_two_segments_and_renames_one(open_page, manager, shoot, lang, device):
    source, into = SegmentFactory(name="بنکدار"), SegmentFactory(name="عمده‌فروش")
    for _ in range(3):
        CustomerFactory(segment=source)
    CustomerFactory(segment=into)
    page = open_page(manager, lang, device)
    page.goto("/")
    follow_nav(page, "بخش‌ها" if lang == "fa" else "Segments")
    expect(page.get_by_test_id("segment")).to_have_count(2)
    _no_latin_in_persian(page)
    shoot(page, "segments")

    row = page.locator('[data-testid=segment][data-segment="بنکدار"]')
    row.locator("[name=into]").select_option(str(into.pk))
    row.get_by_test_id("segment-merge").get_by_role("button").click()
    expect(page.locator(".alert-success")).to_contain_text("۳" if lang == "fa" else "3")
    expect(page.get_by_test_id("segment")).to_have_count(1)
    expect(page.get_by_test_id("segment-count")).to_contain_text("۴" if lang == "fa" else "4")

    rename = page.get_by_test_id("segment-rename")
    rename.locator("[name=name]").fill("پخش")
    rename.get_by_role("button").click()
    expect(page.locator('[data-testid=segment][data-segment="پخش"]')).to_be_visible()

    page.get_by_test_id("segment-add").locator("[name=name]").fill("پخش")  # a taken name: said, kept
    page.get_by_test_id("segment-add").get_by_role("button").click()
    expect(page.get_by_test_id("segment-add").locator(".invalid-feedback")).to_be_visible()
    expect(page.get_by_test_id("segment-add").locator("[name=name]")).to_have_value("پخش")
    _no_latin_in_persian(page)
    shoot(page, "segments-merged")
    assert list(Segment.objects.values_list("name", flat=True)) == ["پخش"]
    assert Customer.objects.filter(segment=into).count() == 4
