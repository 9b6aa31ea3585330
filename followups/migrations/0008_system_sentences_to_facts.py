"""Sentences the system once stored in a call, in the language of whoever triggered it, go.

Before the reasons pipeline a detractor call stored "منتقد: امتیاز 3. …" / "Detractor: scored 3. …"
and a referral call "معرفی از طرف …" in ``purpose``; the row now writes its "why" from ``facts``
in the reader's language, so that stored copy only showed Persian on English pages. A preset
plan stored "Regular check-in call" as its purpose (copied to each of its calls), and a call
closed without a note put its outcome's label into the timeline entry's ``summary`` and, when
retried, into the call's ``snooze_reason``: both are shown from the outcome code now.

Only text that is exactly (or, for detractor and referral calls, starts like) the system's own
sentence is touched; anything a person typed is left alone. Reversible: a call keeps the
sentence it lost in ``facts["stored_purpose"]`` and gets it back; a timeline entry of a call
gets its outcome's label back in the shop's language (what the old code wrote). A preset's
purpose and a retry's label are not restored: they said nothing the page does not show.
"""

import re

from django.conf import settings
from django.db import migrations

# The system's sentences as they were written, in both languages (frozen here, not looked up:
# the catalogue may change after this migration).
_DETRACTOR = ("Detractor: scored ", "منتقد: امتیاز ")
_REFERRAL = ("Referred by ", "معرفی از طرف ")
_CHECK_IN = ("Regular check-in call", "تماس دوره‌ای احوال‌پرسی")
_OUTCOME_LABELS = {
    "reached": ("Reached", "صحبت شد"),
    "no_answer": ("No answer", "پاسخ نداد"),
    "call_back_later": ("Call back later", "بعداً تماس بگیرید"),
    "wrong_number": ("Wrong number", "شماره اشتباه"),
    "not_interested": ("Not interested", "علاقه‌ای ندارد"),
    "bought_again": ("Bought again", "دوباره خرید کرد"),
}
_SCORE = re.compile(r"^\D*?([0-9۰-۹]{1,2})")
_TO_LATIN = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")


def _is_system_sentence(call) -> bool:
    prefixes = {"detractor": _DETRACTOR, "referral": _REFERRAL}.get(call.reason, ())
    return call.purpose.startswith(prefixes) if prefixes else False


def forwards(apps, schema_editor):
    FollowUp = apps.get_model("followups", "FollowUp")
    FollowUpPlan = apps.get_model("followups", "FollowUpPlan")
    Interaction = apps.get_model("customers", "Interaction")
    calls = FollowUp.objects.filter(reason__in=("detractor", "referral")).exclude(purpose="")
    for call in calls.iterator(chunk_size=500):
        if not _is_system_sentence(call):
            continue
        facts = dict(call.facts or {}, stored_purpose=call.purpose)
        if call.reason == "detractor" and facts.get("score") is None:
            match = _SCORE.match(call.purpose.split(":", 1)[-1])
            if match:
                facts["score"] = int(match.group(1).translate(_TO_LATIN))
        if call.reason == "detractor" and not facts.get("comment") and ". " in call.purpose:
            facts["comment"] = call.purpose.split(". ", 1)[1].strip()[:500]
        FollowUp.objects.filter(pk=call.pk).update(purpose="", facts=facts)
    for call in FollowUp.objects.filter(purpose__in=_CHECK_IN).iterator(chunk_size=500):
        FollowUp.objects.filter(pk=call.pk).update(purpose="", facts=dict(call.facts or {}, stored_purpose=call.purpose))
    FollowUpPlan.objects.filter(purpose__in=_CHECK_IN).update(purpose="")
    for outcome, labels in _OUTCOME_LABELS.items():
        Interaction.objects.filter(outcome=outcome, summary__in=labels).update(summary="")
        FollowUp.objects.filter(snooze_reason__in=labels).update(snooze_reason="")


def backwards(apps, schema_editor):
    FollowUp = apps.get_model("followups", "FollowUp")
    Interaction = apps.get_model("customers", "Interaction")
    for call in FollowUp.objects.filter(facts__has_key="stored_purpose").iterator(chunk_size=500):
        facts = dict(call.facts)
        FollowUp.objects.filter(pk=call.pk).update(purpose=facts.pop("stored_purpose"), facts=facts)
    persian = settings.LANGUAGE_CODE.startswith("fa")
    for outcome, (english, farsi) in _OUTCOME_LABELS.items():
        Interaction.objects.filter(outcome=outcome, summary="", followup__isnull=False).update(
            summary=farsi if persian else english
        )


class Migration(migrations.Migration):
    dependencies = [
        ("followups", "0007_default_cadence"),
        ("customers", "0006_purchase_day_statistics"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
