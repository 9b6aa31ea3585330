"""followups 0008: sentences the system stored in a call become facts; what a person typed stays."""

import pytest
from django.utils import timezone

from customers.models import Interaction
from followups.models import FollowUp, FollowUpPlan
from tests.migrations import latest, migrate_to

BEFORE = [("followups", "0007_default_cadence")]


def _old_rows(apps) -> dict:
    User = apps.get_model("auth", "User")
    Customer = apps.get_model("customers", "Customer")
    OldFollowUp = apps.get_model("followups", "FollowUp")
    OldPlan = apps.get_model("followups", "FollowUpPlan")
    OldInteraction = apps.get_model("customers", "Interaction")
    rep = User.objects.create(username="rep-sentences")
    customer = Customer.objects.create(name="مینا طاهری", mobile="09120000011", owner=rep)
    today = timezone.localdate()

    def call(reason, purpose, facts=None, **fields):
        return OldFollowUp.objects.create(
            customer=customer,
            assignee=rep,
            reason=reason,
            purpose=purpose,
            facts=facts or {},
            scheduled_on=today,
            due_on=today,
            **fields,
        ).pk

    plan = OldPlan.objects.create(
        customer=customer, every=1, unit="months", starts_on=today, purpose="تماس دوره‌ای احوال‌پرسی",
        anchor_on=today, next_due_on=today,
    )
    interaction = OldInteraction.objects.create
    return {
        "detractor": call("detractor", "منتقد: امتیاز 3. بسته دیر رسید", {"score": 3, "comment": "بسته دیر رسید"}),
        "detractor_without_facts": call("detractor", "Detractor: scored 2. Late again"),
        "referral": call("referral", "معرفی از طرف علی کاظمی: خودمان را معرفی کنید", {"referrer_name": "علی کاظمی"}),
        "typed": call("detractor", "قبل از تماس فاکتور را ببینید"),
        "one_off": call("one_off", "منتقد: امتیاز 3. این را نماینده نوشته"),
        "preset": call("periodic", "Regular check-in call", plan_id=plan.pk),
        "retried": call("periodic", "", snooze_reason="پاسخ نداد", snooze_count=1),
        "plan": plan.pk,
        "label": interaction(customer=customer, kind="call", outcome="no_answer", summary="پاسخ نداد").pk,
        "note": interaction(customer=customer, kind="call", outcome="reached", summary="سفارش جدید داد").pk,
    }


@pytest.mark.django_db(transaction=True)
def test_system_sentences_become_facts_and_come_back():
    rows = _old_rows(migrate_to(BEFORE))

    migrate_to(latest())

    def call(key):
        return FollowUp.objects.get(pk=rows[key])

    detractor = call("detractor")
    assert (detractor.purpose, detractor.facts["score"], detractor.facts["comment"]) == ("", 3, "بسته دیر رسید")
    rebuilt = call("detractor_without_facts")
    assert (rebuilt.purpose, rebuilt.facts["score"], rebuilt.facts["comment"]) == ("", 2, "Late again")
    assert (call("referral").purpose, call("referral").facts["referrer_name"]) == ("", "علی کاظمی")
    assert call("typed").purpose == "قبل از تماس فاکتور را ببینید"  # a person wrote it
    assert call("one_off").purpose == "منتقد: امتیاز 3. این را نماینده نوشته"
    assert call("preset").purpose == "" and FollowUpPlan.objects.get(pk=rows["plan"]).purpose == ""
    assert call("retried").snooze_reason == ""
    assert Interaction.objects.get(pk=rows["label"]).summary == ""
    assert Interaction.objects.get(pk=rows["note"]).summary == "سفارش جدید داد"

    old = migrate_to(BEFORE)
    OldFollowUp = old.get_model("followups", "FollowUp")
    back = OldFollowUp.objects.get(pk=rows["detractor"])
    assert (back.purpose, back.facts) == ("منتقد: امتیاز 3. بسته دیر رسید", {"score": 3, "comment": "بسته دیر رسید"})
    assert OldFollowUp.objects.get(pk=rows["preset"]).purpose == "Regular check-in call"
    assert OldFollowUp.objects.get(pk=rows["typed"]).purpose == "قبل از تماس فاکتور را ببینید"

    migrate_to(latest())
