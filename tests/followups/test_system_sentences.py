"""What the system writes into a call is stored as facts and said in the reader's language."""

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import Interaction
from followups import services
from followups.models import FollowUp, FollowUpPlan
from tests.factories import CustomerFactory, FollowUpFactory
from tests.text import readable

pytestmark = pytest.mark.django_db


def _detractor(rep) -> FollowUp:
    return FollowUpFactory(
        customer=CustomerFactory(owner=rep, name="مینا طاهری"),
        reason=FollowUp.Reason.DETRACTOR,
        purpose="",
        source_key="detractor:response:1",
        facts={"score": 3, "comment": "بسته دیر رسید"},
    )


def _page(client) -> str:
    return readable(client.get(reverse("followups:calls_due")).content.decode())


def test_a_detractor_call_reads_in_english_on_an_english_page(rep_client, rep):
    _detractor(rep)
    rep_client.cookies["django_language"] = "en"

    html = _page(rep_client)

    assert "scored 3: “بسته دیر رسید”" in html
    assert "امتیاز" not in html


def test_a_detractor_call_reads_in_persian_with_persian_digits_on_a_persian_page(rep_client, rep):
    _detractor(rep)

    html = _page(rep_client)

    assert "۳" in html and "scored" not in html and "بسته دیر رسید" in html


def test_a_call_closed_without_a_note_is_named_in_the_readers_language_on_the_timeline(rep_client, rep):
    followup = FollowUpFactory(customer=CustomerFactory(owner=rep))
    services.followup_complete(followup=followup, outcome=FollowUp.Outcome.NOT_INTERESTED, by=rep)
    url = reverse("customers:detail", args=[followup.customer_id])

    persian = rep_client.get(url).content.decode()
    rep_client.cookies["django_language"] = "en"
    english = rep_client.get(url).content.decode()

    assert Interaction.objects.get().summary == ""
    assert "علاقه‌ای ندارد" in persian
    assert "Not interested" in english and "علاقه‌ای ندارد" not in english


def test_a_preset_plan_stores_no_sentence(rep_client, rep):
    customer = CustomerFactory(owner=rep, last_contact_on=timezone.localdate())

    rep_client.post(reverse("followups:plan_create", args=[customer.pk]), {"preset": "3"})

    plan = FollowUpPlan.objects.get(customer=customer)
    assert plan.purpose == ""
    assert set(plan.followups.values_list("purpose", flat=True)) == {""}
