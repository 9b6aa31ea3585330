"""A referred customer's source was the sentence "Referral from <name>" (or its Persian);
it becomes the fact ``referral`` and a link to the referring customer, found through the
survey answer that named the referred mobile."""

from django.db import migrations

_PREFIXES = ("Referral from ", "معرفی از طرف ")


def referral_sentences_to_facts(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    SurveyResponse = apps.get_model("surveys", "SurveyResponse")
    for prefix in _PREFIXES:
        for customer in Customer.objects.filter(source__startswith=prefix).iterator():
            answer = SurveyResponse.objects.filter(referral_mobile=customer.mobile).order_by("pk").first()
            customer.source = "referral"
            customer.referred_by_id = answer.customer_id if answer else None
            customer.save(update_fields=["source", "referred_by"])


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0007_customer_source_facts"),
        ("surveys", "0005_shop_identity"),
    ]

    operations = [migrations.RunPython(referral_sentences_to_facts, migrations.RunPython.noop)]
