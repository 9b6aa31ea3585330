"""Languages and digits as a person sees them: a call's reason in the reader's language, and
purchase amounts typed in the unit every page shows (Toman) and kept in Rial."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from customers.models import Purchase
from followups.models import FollowUp
from tests.factories import CustomerFactory, FollowUpFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGS_AND_DEVICES = [("fa", "desktop"), ("fa", "phone"), ("en", "desktop"), ("en", "phone")]
LATIN = re.compile(r"[A-Za-z0-9]")


@pytest.fixture
def unhappy(rep):
    customer = CustomerFactory(name="مینا طاهری", mobile="09121110009", owner=rep)
    FollowUpFactory(
        customer=customer,
        reason=FollowUp.Reason.DETRACTOR,
        source_key="detractor:response:900",
        facts={"score": 3, "comment": "بسته دیر رسید"},
        purpose="",
    )
    return customer


@pytest.mark.parametrize(("lang", "device"), LANGS_AND_DEVICES)
def test_a_detractor_calls_reason_reads_in_the_readers_language(open_page, rep, unhappy, shoot, lang, device):
    page = open_page(rep, lang=lang, device=device)
    page.goto("/calls/")
    row = page.get_by_test_id("followup-row").filter(has_text="مینا طاهری")
    why = row.get_by_test_id("why")
    if lang == "fa":
        expect(why).to_contain_text("امتیاز ۳")
        expect(row.get_by_test_id("reason")).to_have_text("مشتری ناراضی")
        assert not LATIN.findall(why.inner_text()), why.inner_text()
    else:
        expect(why).to_contain_text("scored 3")
        expect(row.get_by_test_id("reason")).to_have_text("Detractor")
        assert "امتیاز" not in why.inner_text()
    why.scroll_into_view_if_needed()
    shoot(page, "languages-detractor-reason")


@pytest.mark.parametrize(
    ("lang", "amount", "label"), [("fa", "۱۲۵٬۰۰۰", "مبلغ (تومان)"), ("en", "125,000", "Amount (Toman)")]
)
def test_a_purchase_typed_in_toman_is_kept_in_rial_and_shown_back_in_toman(
    open_page, rep, unhappy, shoot, lang, amount, label
):
    page = open_page(rep, lang=lang)
    page.goto(f"/customers/{unhappy.pk}/")
    expect(page.locator("label[for=id_amount]")).to_contain_text(label)
    page.fill("#id_amount", amount)
    page.fill("#id_reference", "T-1")
    page.locator("#id_reference").press("Enter")
    expect(page.get_by_test_id("timeline")).to_contain_text("۱۲۵٬۰۰۰ تومان" if lang == "fa" else "125,000 Toman")
    assert Purchase.objects.get(customer=unhappy, reference="T-1").amount == Decimal(1_250_000)
    shoot(page, "languages-purchase-in-toman")
    page.goto(f"/customers/{unhappy.pk}/purchases/{Purchase.objects.get(reference='T-1').pk}/edit/")
    expect(page.locator("#id_amount")).to_have_value(amount)  # the edit is prefilled in Toman too, as typed
