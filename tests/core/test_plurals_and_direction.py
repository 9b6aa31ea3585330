"""Counts read as a person would say them (one attempt, two attempts) and user text keeps its direction."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from customers.rhythm import SilenceRule, rule_label
from followups import reasons
from outbox.models import OutgoingEmail
from tests.factories import CustomerFactory, FollowUpFactory, InteractionFactory
from tests.outbox.factories import OutgoingEmailFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("attempts", "shown"), [(1, "1 attempt<"), (3, "3 attempts<")])
def test_an_emails_attempts_are_counted_in_english(manager_client, attempts, shown):
    email = OutgoingEmailFactory(status=OutgoingEmail.Status.FAILED, attempts=attempts)
    manager_client.cookies["django_language"] = "en"

    html = manager_client.get(reverse("emails:detail", args=[email.pk])).content.decode()

    assert shown in html


def test_one_day_without_contact_is_one_day(rep):
    followup = FollowUpFactory(
        customer=CustomerFactory(owner=rep), reason="no_contact", facts={"last_contact_on": "2026-11-30"}
    )
    with translation.override("en"):
        assert reasons.explain(followup, day=datetime.date(2026, 12, 1)).startswith("no contact for 1 day,")


def test_a_silence_rule_of_one_day_is_singular():
    with translation.override("en"):
        assert rule_label(SilenceRule(k=None, floor_days=1)) == "silent more than 1 day"


def test_a_persian_note_on_an_english_timeline_keeps_its_direction(rep_client, rep):
    customer = CustomerFactory(owner=rep)
    InteractionFactory(customer=customer, summary="درباره‌ی سفارش صحبت شد.")
    rep_client.cookies["django_language"] = "en"

    html = rep_client.get(reverse("customers:detail", args=[customer.pk])).content.decode()

    assert '<div dir="auto">درباره‌ی سفارش صحبت شد.</div>' in html
