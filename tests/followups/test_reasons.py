"""followups.reasons: every reason's "why" sentence, written from the call's facts in the reader's language."""

import datetime

import pytest
from django.utils import translation

from followups.models import FollowUp
from followups.reasons import REASONS, explain, risk_of
from tests.factories import CustomerFactory, FollowUpFactory, FollowUpPlanFactory
from tests.text import readable

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 8)  # 17 Azar 1405
Reason = FollowUp.Reason


def _call(reason, facts=None, **fields):
    return FollowUpFactory.build(reason=reason, facts=facts or {}, customer=CustomerFactory.build(), **fields)


# (reason, facts, extra fields, Persian, English)
CASES = [
    (
        Reason.DETRACTOR,
        {"score": 3, "comment": "تأخیر در ارسال"},
        {},
        "امتیاز ۳ داد: «تأخیر در ارسال»",
        "scored 3: “تأخیر در ارسال”",
    ),
    (Reason.DETRACTOR, {"score": 0, "comment": ""}, {}, "امتیاز ۰ داد", "scored 0"),
    (Reason.REFERRAL, {"referrer_name": "علی کاظمی"}, {}, "معرفی‌شده از طرف علی کاظمی", "referred by علی کاظمی"),
    (
        Reason.WIN_BACK,
        {"typical_gap_days": 42, "last_purchase_on": "2026-09-02"},
        {},
        "معمولاً هر ۴۲ روز خرید می‌کند؛ ۹۷ روز است خرید نکرده (۲٫۳ برابر)",
        "usually buys every 42 days; silent for 97 days (2.3×)",
    ),
    (
        Reason.RENEWAL,
        {"ends_on": "2026-12-22"},
        {},
        "قرارداد ۱ دی ۱۴۰۵ تمام می‌شود (۱۴ روز دیگر)",
        "contract ends 22 Dec 2026 (in 14 days)",
    ),
    (
        Reason.RENEWAL,
        {"ends_on": "2026-12-08"},
        {},
        "قرارداد ۱۷ آذر ۱۴۰۵ تمام می‌شود (امروز)",
        "contract ends 8 Dec 2026 (today)",
    ),
    (
        Reason.RENEWAL,
        {"ends_on": "2026-12-05"},
        {},
        "قرارداد ۱۴ آذر ۱۴۰۵ تمام شد (۳ روز پیش)",
        "contract ended 5 Dec 2026 (3 days ago)",
    ),
    (
        Reason.POINTS_EXPIRING,
        {"points": 1200, "expires_on": "2026-12-15"},
        {},
        "۱٬۲۰۰ امتیاز در ۲۴ آذر ۱۴۰۵ منقضی می‌شود (۷ روز دیگر)",
        "1,200 points expire on 15 Dec 2026 (in 7 days)",
    ),
    (
        Reason.ONBOARDING,
        {"since": "2026-12-01"},
        {},
        "مشتری تازه از ۱۰ آذر ۱۴۰۵: تماس خوشامد",
        "new customer since 1 Dec 2026: welcome call",
    ),
    (
        Reason.WIN_BACK,
        {"typical_gap_days": 45, "basis": "first_return", "last_purchase_on": "2026-10-09"},
        {},
        "یک خرید، در ۱۷ مهر ۱۴۰۵؛ ۸۰٪ مشتریانی که برمی‌گردند ظرف ۴۵ روز برگشته‌اند؛ ۶۰ روز است خرید نکرده",
        "one purchase, on 9 Oct 2026; 80% of returning customers are back within 45 days; silent for 60 days",
    ),
    (
        Reason.ONBOARDING,
        {"since": "2026-11-24", "step": "check_in", "skipped_reached_on": "2026-12-02"},
        {},
        "مشتری تازه از ۳ آذر ۱۴۰۵: تماس احوال‌پرسی؛ لازم نشد: در ۱۱ آذر ۱۴۰۵ با مشتری صحبت شده بود",
        "new customer since 24 Nov 2026: check-in call; not needed: already reached on 2 Dec 2026",
    ),
    (
        Reason.NO_CONTACT,
        {"last_contact_on": "2026-08-10"},
        {},
        "۱۲۰ روز بدون تماس، از ۱۹ مرداد ۱۴۰۵",
        "no contact for 120 days, since 10 Aug 2026",
    ),
    (Reason.NO_CONTACT, {"last_contact_on": None}, {}, "هرگز تماسی نبوده", "never contacted"),
    (Reason.ONE_OFF, {}, {"purpose": "پیگیری پیش‌فاکتور"}, "پیگیری پیش‌فاکتور", "پیگیری پیش‌فاکتور"),
    (Reason.ONE_OFF, {}, {"purpose": ""}, "تماس یک‌باره", "a one-off call"),
]


@pytest.mark.parametrize(("reason", "facts", "fields", "persian", "english"), CASES)
def test_each_reason_says_why_in_persian_and_in_english(reason, facts, fields, persian, english):
    call = _call(reason, facts, **fields)

    with translation.override("fa"):
        assert readable(explain(call, day=DAY)) == persian
    with translation.override("en"):
        assert readable(explain(call, day=DAY)) == english


@pytest.mark.parametrize(
    ("reason", "facts", "user_text"),
    [(Reason.DETRACTOR, {"score": 3, "comment": "بسته دیر رسید."}, "بسته دیر رسید."),
     (Reason.REFERRAL, {"referrer_name": "علی کاظمی"}, "علی کاظمی")],
)
def test_what_a_customer_wrote_is_isolated_inside_the_sentence(reason, facts, user_text):
    """A Persian comment in an English sentence keeps its full stop on its own side, and the
    sentence's closing quote stays where English puts it."""
    with translation.override("en"):
        assert f"\u2068{user_text}\u2069" in explain(_call(reason, facts), day=DAY)


@pytest.mark.parametrize(
    ("every", "unit", "persian", "english"),
    [
        (3, "months", "هر ۳ ماه؛ آخرین تماس ۱۰ شهریور ۱۴۰۵", "every 3 months; last contact 1 Sep 2026"),
        (1, "months", "هر ماه؛ آخرین تماس ۱۰ شهریور ۱۴۰۵", "every month; last contact 1 Sep 2026"),
        (2, "weeks", "هر ۲ هفته؛ آخرین تماس ۱۰ شهریور ۱۴۰۵", "every 2 weeks; last contact 1 Sep 2026"),
        (10, "days", "هر ۱۰ روز؛ آخرین تماس ۱۰ شهریور ۱۴۰۵", "every 10 days; last contact 1 Sep 2026"),
    ],
)
def test_a_periodic_call_gives_its_cadence_and_the_last_contact(every, unit, persian, english):
    customer = CustomerFactory(last_contact_on=datetime.date(2026, 9, 1))
    plan = FollowUpPlanFactory(customer=customer, every=every, unit=unit)
    call = FollowUpFactory(customer=customer, plan=plan, reason=Reason.PERIODIC)

    with translation.override("fa"):
        assert explain(call, day=DAY) == persian
    with translation.override("en"):
        assert explain(call, day=DAY) == english


def test_a_periodic_call_of_a_customer_never_contacted_says_so():
    plan = FollowUpPlanFactory(every=6, unit="months")
    call = FollowUpFactory(customer=plan.customer, plan=plan, reason=Reason.PERIODIC)

    with translation.override("fa"):
        assert explain(call, day=DAY) == "هر ۶ ماه؛ هنوز تماسی نبوده"
    with translation.override("en"):
        assert explain(call, day=DAY) == "every 6 months; no contact yet"


@pytest.mark.parametrize(
    ("reason", "facts"),
    [
        (Reason.WIN_BACK, {}),
        (Reason.RENEWAL, {"ends_on": "not a date"}),
        (Reason.POINTS_EXPIRING, {"points": 5}),
        (Reason.ONBOARDING, {}),
        (Reason.REFERRAL, {}),
    ],
)
def test_missing_or_broken_facts_still_give_a_sentence_in_each_language(reason, facts):
    call = _call(reason, facts)
    for language in ("fa", "en"):
        with translation.override(language):
            sentence = explain(call, day=DAY)
        assert sentence
        assert "%(" not in sentence
    with translation.override("fa"):
        assert not any(ch.isascii() and ch.isalnum() for ch in explain(call, day=DAY))


def test_persian_sentences_hold_no_latin_digit_or_word():
    for reason, facts, fields, persian, _english in CASES:
        assert not any(ch.isascii() and ch.isalnum() for ch in persian), (reason, persian)
        with translation.override("fa"):
            assert readable(explain(_call(reason, facts, **fields), day=DAY)) == persian


def test_every_reason_has_a_sentence_and_a_risk_between_zero_and_one():
    assert set(REASONS) == set(Reason.values)
    assert all(0 < risk_of(reason) <= 1 for reason in Reason.values)
    assert risk_of(Reason.DETRACTOR) > risk_of(Reason.WIN_BACK) > risk_of(Reason.PERIODIC)
