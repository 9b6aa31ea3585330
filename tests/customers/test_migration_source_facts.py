"""customers 0007 and surveys 0006: a customer's source was a sentence in whoever's language
caused it ("CSV import", "معرفی از طرف مینا طاهری"); it becomes a fact, and a referral a link."""

import pytest
from django.utils import timezone

from customers.models import Customer
from tests.migrations import latest, migrate_to

BEFORE = [("customers", "0006_purchase_day_statistics"), ("surveys", "0005_shop_identity")]


@pytest.mark.django_db(transaction=True)
def test_source_sentences_become_facts_and_a_referral_knows_who_referred():
    old = migrate_to(BEFORE)
    OldCustomer = old.get_model("customers", "Customer")
    Survey = old.get_model("surveys", "Survey")
    Invitation = old.get_model("surveys", "SurveyInvitation")
    Response = old.get_model("surveys", "SurveyResponse")

    def customer(mobile, source):
        return OldCustomer.objects.create(name=f"مشتری {mobile[-2:]}", mobile=mobile, source=source)

    referrer = customer("09120000001", "")
    typed = customer("09120000002", "")
    imported = customer("09120000003", "CSV import")
    imported_fa = customer("09120000004", "درون‌ریزی از CSV")
    referred = customer("09120000005", "معرفی از طرف مشتری ۰۱")
    orphan = customer("09120000006", "Referral from someone long gone")
    invitation = Invitation.objects.create(
        survey=Survey.objects.get_or_create(
            kind="relationship", defaults={"email_subject_fa": "-", "email_subject_en": "-"}
        )[0],
        customer=referrer,
        token_salt="s",
        token_hash="h",
        expires_at=timezone.now(),
    )
    Response.objects.create(
        invitation=invitation, survey=invitation.survey, customer=referrer, score=10, referral_mobile=referred.mobile
    )

    migrate_to(latest())

    def now(old_customer):
        return Customer.objects.get(pk=old_customer.pk)

    assert now(typed).source == Customer.Source.ADDED
    assert now(imported).source == now(imported_fa).source == Customer.Source.IMPORT
    assert (now(referred).source, now(referred).referred_by_id) == (Customer.Source.REFERRAL, referrer.pk)
    assert (now(orphan).source, now(orphan).referred_by_id) == (Customer.Source.REFERRAL, None)
