"""The closed loop: categories, one urgent call per detractor, referrals become customers, last NPS kept."""

import datetime
import re

import pytest
from django.utils import timezone, translation

from customers.models import Customer
from customers.services import purchase_add
from followups.models import FollowUp
from followups.reasons import explain
from followups.selectors import calls_due_for
from surveys import services
from surveys.models import SurveyResponse
from tests.factories import CustomerFactory, FollowUpFactory
from tests.surveys.factories import SurveyCustomerFactory
from tests.text import readable

pytestmark = pytest.mark.django_db

AUTO = {"HTTP_X_PEYGIR_AUTO": "1"}


@pytest.mark.parametrize(
    ("score", "category"),
    [(0, "detractor"), (6, "detractor"), (7, "passive"), (8, "passive"), (9, "promoter"), (10, "promoter")],
)
def test_scores_fall_into_nps_categories(client, sent, score, category):
    assert SurveyResponse.category_for(score) == category
    client.post(sent.path, {"score": str(score)}, **AUTO)
    assert SurveyResponse.objects.get().category == category


@pytest.mark.parametrize("score", range(11))
def test_every_score_has_its_category_at_the_boundaries(score):
    expected = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
    assert SurveyResponse.category_for(score) == expected


def _detractor_calls():
    return FollowUp.objects.filter(reason=FollowUp.Reason.DETRACTOR)


def test_a_detractor_gets_one_urgent_call_from_the_owner_the_next_working_day(client, sent, customer, rep):
    client.post(sent.path, {"score": "3"}, **AUTO)  # the one tap from the email
    client.post(sent.path, {"score": "3", "reason": "بسته آسیب دیده رسید"})  # then the reason
    call = _detractor_calls().get()
    assert (call.customer, call.assignee) == (customer, rep)
    assert call.due_on == timezone.localdate() + datetime.timedelta(days=1)
    assert call.status == FollowUp.Status.OPEN
    assert call.facts == {"score": 3, "comment": "بسته آسیب دیده رسید"}
    assert call.source_key == services.detractor_source_key(SurveyResponse.objects.get())


def test_the_detractor_call_skips_non_working_days(client, sent, settings):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    settings.PEYGIR_WEEKEND_DAYS = [tomorrow.weekday()]
    client.post(sent.path, {"score": "0"})
    assert _detractor_calls().get().due_on == tomorrow + datetime.timedelta(days=1)


def test_the_detractor_call_reads_in_the_language_of_whoever_opens_it(sent):
    with translation.override("en"):  # whatever language the answer came in ...
        services.response_submit(invitation=sent.invitation, answers={"score": 2, "reason": "دیر"})
    call = _detractor_calls().get()
    with translation.override("fa"):  # ... the rep reads it in theirs
        assert readable(explain(call, day=call.due_on)) == "امتیاز ۲ داد: «دیر»"
    with translation.override("en"):
        assert readable(explain(call, day=call.due_on)) == "scored 2: “دیر”"


@pytest.mark.parametrize("edits", [["2", "1"], ["10", "3"], ["2", "10", "2"], ["5", "5", "5"]])
def test_editing_the_answer_never_makes_a_second_detractor_call(client, sent, edits):
    client.post(sent.path, {"score": "4", "reason": "اول"})
    for score in edits:
        client.post(sent.path, {"score": score, "reason": f"امتیاز {score}"})
        client.post(sent.path, {"score": score}, **AUTO)
    assert _detractor_calls().count() == 1
    assert FollowUp.objects.count() == 1


def test_the_detractor_call_keeps_up_with_the_latest_low_score(client, sent):
    client.post(sent.path, {"score": "4", "reason": "اول"})
    client.post(sent.path, {"score": "1", "reason": "بدتر شد"})
    assert _detractor_calls().get().facts == {"score": 1, "comment": "بدتر شد"}


def test_a_done_detractor_call_is_left_as_it_was(client, sent):
    client.post(sent.path, {"score": "4", "reason": "اول"})
    call = _detractor_calls().get()
    FollowUp.objects.filter(pk=call.pk).update(status=FollowUp.Status.DONE)
    client.post(sent.path, {"score": "2", "reason": "دوباره"})
    assert _detractor_calls().get().facts == call.facts == {"score": 4, "comment": "اول"}


@pytest.mark.parametrize("score", ["7", "8", "9", "10"])
def test_passives_and_promoters_get_no_call(client, sent, score):
    client.post(sent.path, {"score": score, "reason": "خوب"})
    assert not FollowUp.objects.exists()


def _worth(rep, yearly_value: int):
    """A customer of ``rep`` who has spent ``yearly_value`` Rial in their first (and only) year."""
    customer = CustomerFactory(owner=rep)
    a_month_ago = timezone.localdate() - datetime.timedelta(days=30)
    purchase_add(customer=customer, purchased_on=a_month_ago, amount=yearly_value)
    return customer


def test_the_detractor_call_outranks_a_regular_call_of_a_customer_worth_up_to_five_times_more(client, sent, rep):
    purchase_add(customer=sent.invitation.customer, purchased_on=timezone.localdate(), amount=10_000_000)
    client.post(sent.path, {"score": "2", "reason": "بد"})
    call = _detractor_calls().get()
    richer = FollowUpFactory(customer=_worth(rep, 40_000_000), reason="periodic", scheduled_on=call.due_on)
    much_richer = FollowUpFactory(customer=_worth(rep, 60_000_000), reason="periodic", scheduled_on=call.due_on)
    calls = calls_due_for(day=call.due_on, rep=rep)
    assert [followup.pk for followup in calls.pages["due"].rows] == [much_richer.pk, call.pk, richer.pk]


def test_the_detractor_call_comes_before_a_same_value_customers_call_on_the_page(client, rep_client, sent, rep):
    purchase_add(customer=sent.invitation.customer, purchased_on=timezone.localdate(), amount=10_000_000)
    client.post(sent.path, {"score": "2", "reason": "بد"})
    call = _detractor_calls().get()
    other = FollowUpFactory(customer=_worth(rep, 10_000_000), scheduled_on=call.due_on)
    html = rep_client.get("/calls/", {"day": call.due_on.isoformat()}).content.decode()
    assert html.index(f'data-followup="{call.pk}"') < html.index(f'data-followup="{other.pk}"')


# --- referrals --------------------------------------------------------------------------


def test_a_referral_becomes_a_customer_of_the_referrers_owner_with_a_call_to_introduce_us(client, sent, customer, rep):
    client.post(
        sent.path,
        {"score": "10", "would_refer": "yes", "referral_name": "رضا کامرانی", "referral_mobile": "+98 912 555 1234"},
    )
    referred = Customer.objects.get(mobile="09125551234")
    assert (referred.name, referred.owner, referred.preferred_language) == ("رضا کامرانی", rep, "fa")
    assert (referred.source, referred.referred_by) == (Customer.Source.REFERRAL, customer)
    onboarding = FollowUp.objects.get(customer=referred)
    assert (onboarding.reason, onboarding.assignee) == (FollowUp.Reason.REFERRAL, rep)
    assert onboarding.facts == {"referrer_name": customer.name, "referrer_id": customer.pk}
    assert onboarding.source_key == services.referral_source_key(SurveyResponse.objects.get())
    assert SurveyResponse.objects.get().referral_customer == referred


def test_editing_a_referral_answer_does_not_duplicate_the_referred_customer(client, sent):
    data = {"score": "9", "referral_name": "رضا", "referral_mobile": "09125551234"}
    client.post(sent.path, data)
    client.post(sent.path, {**data, "reason": "عالی"})
    client.post(sent.path, {"score": "10"}, **AUTO)
    assert Customer.objects.filter(mobile="09125551234").count() == 1
    assert FollowUp.objects.filter(reason=FollowUp.Reason.REFERRAL).count() == 1


def test_a_referral_with_a_known_mobile_is_linked_not_duplicated(client, sent, other_rep):
    known = SurveyCustomerFactory(mobile="09125551234", owner=other_rep, name="قدیمی")
    client.post(sent.path, {"score": "9", "referral_name": "نام دیگر", "referral_mobile": "۰۹۱۲ ۵۵۵ ۱۲۳۴"})
    assert SurveyResponse.objects.get().referral_customer == known
    known.refresh_from_db()
    assert (known.name, known.owner) == ("قدیمی", other_rep)
    assert Customer.objects.filter(mobile="09125551234").count() == 1
    assert not FollowUp.objects.filter(reason=FollowUp.Reason.REFERRAL).exists()


def test_a_referral_in_english_for_an_english_customer(client, en_sent, en_customer):
    client.post(en_sent.path, {"score": "9", "referral_name": "Jane Roe", "referral_mobile": "09125551234"})
    referred = Customer.objects.get(mobile="09125551234")
    assert referred.preferred_language == "en"
    assert (referred.source, referred.referred_by) == (Customer.Source.REFERRAL, en_customer)


@pytest.mark.parametrize(
    ("language", "shown"), [("fa", "معرفی‌شده از طرف مینا طاهری"), ("en", "referred by مینا طاهری")]
)
def test_the_referred_customers_page_says_who_referred_them_in_the_readers_language(
    client, rep_client, sent, customer, language, shown
):
    client.post(sent.path, {"score": "10", "referral_name": "رضا کامرانی", "referral_mobile": "09125551234"})
    referred = Customer.objects.get(mobile="09125551234")
    rep_client.cookies["django_language"] = language
    html = rep_client.get(f"/customers/{referred.pk}/").content.decode()
    assert shown in readable(re.sub(r"</?bdi>", "", html))


# --- the customer's figures -----------------------------------------------------------------


def test_the_customers_last_nps_score_follows_the_latest_answer(client, sent, customer):
    client.post(sent.path, {"score": "8"}, **AUTO)
    customer.refresh_from_db()
    assert customer.last_nps_score == 8 and customer.last_nps_at is not None
    client.post(sent.path, {"score": "4", "reason": "نه"})
    customer.refresh_from_db()
    assert customer.last_nps_score == 4


def test_answering_marks_the_invitation_answered_once(client, sent):
    client.post(sent.path, {"score": "8"}, **AUTO)
    sent.invitation.refresh_from_db()
    first = sent.invitation.answered_at
    assert first is not None
    client.post(sent.path, {"score": "9"})
    sent.invitation.refresh_from_db()
    assert sent.invitation.answered_at == first
