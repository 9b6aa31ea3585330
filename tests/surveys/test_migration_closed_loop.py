"""surveys 0003: detractor and referral calls made before the pipeline keep their rows and their links."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from followups.models import FollowUp

BEFORE = [
    ("surveys", "0002_builtin_surveys"),
    ("followups", "0003_digests_through_the_outbox"),
    ("customers", "0003_customer_last_nps_at_customer_last_nps_score"),
]


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _old_rows(apps) -> dict:
    """What the closed loop wrote before: a detractor call linked from its response, a referral's onboarding call."""
    User = apps.get_model("auth", "User")
    Customer = apps.get_model("customers", "Customer")
    Survey = apps.get_model("surveys", "Survey")
    Invitation = apps.get_model("surveys", "SurveyInvitation")
    Response = apps.get_model("surveys", "SurveyResponse")
    OldFollowUp = apps.get_model("followups", "FollowUp")
    rep = User.objects.create(username="rep-before")
    unhappy = Customer.objects.create(name="مینا طاهری", mobile="09120000001", owner=rep)
    fan = Customer.objects.create(name="علی کاظمی", mobile="09120000002", owner=rep)
    referred = Customer.objects.create(name="رضا کامرانی", mobile="09120000003", owner=rep)
    survey = Survey.objects.get_or_create(
        kind="relationship",
        defaults={"email_subject_fa": "s", "email_subject_en": "s", "nps_question_fa": "q", "nps_question_en": "q"},
    )[0]
    today = timezone.localdate()

    def response(customer, number, **fields):
        invitation = Invitation.objects.create(
            survey=survey,
            customer=customer,
            token_salt=f"salt{number}",
            token_hash=f"{number:064d}",
            expires_at=timezone.now() + datetime.timedelta(days=30),
        )
        return Response.objects.create(invitation=invitation, survey=survey, customer=customer, **fields)

    def call(customer, kind, priority, purpose):
        return OldFollowUp.objects.create(
            customer=customer,
            assignee=rep,
            kind=kind,
            priority=priority,
            purpose=purpose,
            scheduled_on=today,
            due_on=today,
        )

    detractor_call = call(unhappy, "detractor", 3, "Detractor: scored 2. دیر رسید")
    detractor = response(
        unhappy, 1, score=2, category="detractor", reason="دیر رسید", detractor_followup=detractor_call
    )
    referral_call = call(referred, "onboarding", 2, "Referred by علی کاظمی: introduce us")
    referral = response(fan, 2, score=10, category="promoter", referral_customer=referred)
    untouched = call(fan, "one_off", 1, "پیگیری پیش‌فاکتور")
    return {
        "detractor": (detractor.pk, detractor_call.pk),
        "referral": (referral.pk, referral_call.pk, fan.pk),
        "untouched": untouched.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_old_detractor_and_referral_calls_move_onto_the_pipeline_and_back():
    rows = _old_rows(_migrate(BEFORE))

    _migrate(_latest())

    response_id, call_id = rows["detractor"]
    detractor = FollowUp.objects.get(pk=call_id)
    assert detractor.reason == "detractor"
    assert (detractor.facts["score"], detractor.facts["comment"], detractor.purpose) == (2, "دیر رسید", "")
    assert detractor.source_key == f"detractor:response:{response_id}"
    response_id, call_id, fan_id = rows["referral"]
    referral = FollowUp.objects.get(pk=call_id)
    assert (referral.reason, referral.facts["referrer_name"], referral.facts["referrer_id"]) == (
        "referral",
        "علی کاظمی",
        fan_id,
    )
    assert referral.source_key == f"referral:response:{response_id}"
    untouched = FollowUp.objects.get(pk=rows["untouched"])
    assert (untouched.reason, untouched.source_key, untouched.facts) == ("one_off", None, {})
    assert FollowUp.objects.count() == 3

    old = _migrate(BEFORE)  # and back: the links return
    Response = old.get_model("surveys", "SurveyResponse")
    assert Response.objects.get(pk=rows["detractor"][0]).detractor_followup_id == rows["detractor"][1]
    assert old.get_model("followups", "FollowUp").objects.get(pk=rows["referral"][1]).kind == "onboarding"

    _migrate(_latest())
