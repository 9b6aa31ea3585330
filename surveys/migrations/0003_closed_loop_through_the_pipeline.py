"""Detractor and referral calls move onto the follow-ups pipeline, keeping every row and its link.

A detractor's call was linked from its response by ``detractor_followup``; it now carries the
source key ``detractor:response:<id>`` and the facts its sentence is written from. A referral's
call (an onboarding call on the referred customer) becomes a ``referral`` call with the key
``referral:response:<id>``. Then the old link goes. Reversible.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    SurveyResponse = apps.get_model("surveys", "SurveyResponse")
    FollowUp = apps.get_model("followups", "FollowUp")
    detractors = SurveyResponse.objects.filter(detractor_followup__isnull=False).only("id", "score", "reason", "detractor_followup_id")
    for response in detractors.iterator(chunk_size=500):
        FollowUp.objects.filter(pk=response.detractor_followup_id).update(
            reason="detractor",
            source_key=f"detractor:response:{response.pk}",
            facts={"score": response.score, "comment": response.reason[:500]},
        )
    referrals = SurveyResponse.objects.filter(referral_customer__isnull=False).select_related("customer")
    for response in referrals.iterator(chunk_size=500):
        call = (
            FollowUp.objects.filter(customer_id=response.referral_customer_id, reason="onboarding", source_key__isnull=True)
            .order_by("id")
            .first()
        )
        if call is not None:
            FollowUp.objects.filter(pk=call.pk).update(
                reason="referral",
                source_key=f"referral:response:{response.pk}",
                facts={"referrer_name": response.customer.name, "referrer_id": response.customer_id},
            )


def backwards(apps, schema_editor):
    SurveyResponse = apps.get_model("surveys", "SurveyResponse")
    FollowUp = apps.get_model("followups", "FollowUp")
    for call in FollowUp.objects.filter(source_key__startswith="detractor:response:").iterator(chunk_size=500):
        SurveyResponse.objects.filter(pk=int(call.source_key.rsplit(":", 1)[1])).update(detractor_followup_id=call.pk)
    FollowUp.objects.filter(source_key__startswith="referral:response:").update(reason="onboarding")
    FollowUp.objects.filter(source_key__startswith="detractor:response:").update(source_key=None)
    FollowUp.objects.filter(source_key__startswith="referral:response:").update(source_key=None)


class Migration(migrations.Migration):

    dependencies = [
        ("surveys", "0002_builtin_surveys"),
        ("followups", "0004_reasons_to_call"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="surveyresponse", name="detractor_followup"),
    ]
