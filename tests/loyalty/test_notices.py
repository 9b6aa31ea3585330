"""Expiry notices, worked by hand.

Today is 1 June 2026; a point is worth 5,000 Rial (500 Toman); warnings go 14 days ahead; a call
when the expiring points are worth more than 500,000 Toman (5,000,000 Rial, i.e. over 1,000 points).

    customer    email      lots (points, expires)                       next expiry       warned?  called?
    Mina (fa)   yes        1,200 on 15 Jun                              1,200 on 15 Jun   yes      yes (600,000 Toman)
    Sara (en)   yes        40 on 11 Jun                                 40 on 11 Jun      yes      no (20,000 Toman)
    Nima        none       50 on 6 Jun                                  50 on 6 Jun       no       no
    Omid        opted out  2,000 on 8 Jun                               2,000 on 8 Jun    no       yes (1,000,000 Toman)
    Reza        yes        60 on 10 Jun; warned on 29 May (3 days ago)  60 on 10 Jun      no       no
    Leila       yes        80 on 21 Jun (in 20 days)                    80 on 21 Jun      no       no
    Kian        yes        30 on 8 Jun, 100 on 31 Jul; 30 spent       100 on 31 Jul     no (FIFO: June's lot went first)
"""

import datetime
import itertools
import re

import pytest
from django.conf import settings
from django.utils import translation

from customers.models import Customer
from followups.models import FollowUp
from followups.ranking import RankExplanation, ranked
from followups.reasons import explain
from loyalty import notices, services
from loyalty.models import LoyaltyEmail, PointsEntry
from outbox.models import OutgoingEmail
from tests.core.test_persian_digits import latin_digits, shown_text, without_addresses
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 6, 1)
_keys = itertools.count()


def _lot(customer, points, expires_on=None):
    PointsEntry.objects.create(
        customer=customer,
        points=points,
        kind=PointsEntry.Kind.PURCHASE if points > 0 else PointsEntry.Kind.ADJUSTMENT,
        source_key=f"test:{next(_keys)}",
        expires_on=expires_on,
    )
    services.accounts_refresh(customer_ids=[customer.pk])


@pytest.fixture
def shop(rep):
    def customer(name, lots, **fields):
        fields = {"email": f"{next(_keys)}@example.com", **fields}
        person = CustomerFactory(name=name, owner=rep, **fields)
        for points, day in lots:
            _lot(person, points, day)
        return person

    people = {
        "mina": customer("مینا طاهری", [(1200, D(2026, 6, 15))]),
        "sara": customer("Sara Brown", [(40, D(2026, 6, 11))], preferred_language="en"),
        "nima": customer("نیما", [(50, D(2026, 6, 6))], email=""),
        "omid": customer("امید", [(2000, D(2026, 6, 8))], email_opt_out=True),
        "reza": customer("رضا", [(60, D(2026, 6, 10))]),
        "leila": customer("لیلا", [(80, D(2026, 6, 21))]),
        "kian": customer("کیان", [(30, D(2026, 6, 8)), (100, D(2026, 7, 31)), (-30, None)]),
    }
    LoyaltyEmail.objects.create(
        customer=people["reza"],
        kind=LoyaltyEmail.Kind.EXPIRY_WARNING,
        key="expiry-warning:earlier",
        sent_on=D(2026, 5, 29),
    )
    return people


def _emails_to(customer):
    return list(OutgoingEmail.objects.filter(to=customer.email))


def test_who_is_warned_and_who_is_not(shop):
    assert notices.expiry_warnings_send(today=TODAY) == 2

    warned = set(OutgoingEmail.objects.values_list("to", flat=True))
    assert warned == {shop["mina"].email, shop["sara"].email}
    rows = LoyaltyEmail.objects.filter(sent_on=TODAY).order_by("customer_id")
    assert [(row.key, row.kind, row.email.to) for row in rows] == [
        (f"expiry-warning:{shop['mina'].pk}:2026-06-15", "expiry_warning", shop["mina"].email),
        (f"expiry-warning:{shop['sara'].pk}:2026-06-11", "expiry_warning", shop["sara"].email),
    ]


def test_the_candidates_follow_the_rule_of_next_expiry(shop):
    """Kian has a lot in the window, but spending used it first: his next expiry is in July."""
    assert services.next_expiry(shop["kian"], today=TODAY) == services.Expiry(100, D(2026, 7, 31))
    notices.expiry_warnings_send(today=TODAY)
    assert _emails_to(shop["kian"]) == []


def test_the_warning_in_persian_has_the_points_their_worth_and_the_jalali_day(shop):
    notices.expiry_warnings_send(today=TODAY)
    [email] = _emails_to(shop["mina"])

    sentence = "۱٬۲۰۰ امتیاز به ارزش ۶۰۰٬۰۰۰ تومان در ۲۵ خرداد ۱۴۰۵ (۱۴ روز دیگر) منقضی می‌شود"
    assert sentence in email.text_body
    assert sentence in shown_text(email.html_body)
    assert "مینا طاهری" in email.text_body
    assert email.subject == "امتیازهای شما در ۲۵ خرداد ۱۴۰۵ منقضی می‌شوند"
    assert latin_digits(without_addresses(email.subject + email.text_body), "text") == []
    assert latin_digits(shown_text(email.html_body), "html") == []
    assert 'lang="fa" dir="rtl"' in email.html_body


def test_the_warning_in_english(shop):
    notices.expiry_warnings_send(today=TODAY)
    [email] = _emails_to(shop["sara"])

    assert email.subject == "Your points expire on 11 Jun 2026"
    assert "Dear Sara Brown," in email.text_body
    assert "40 points worth 20,000 Toman expire on 11 Jun 2026 (in 10 days)." in email.text_body
    assert "40 points worth 20,000 Toman expire on 11 Jun 2026 (in 10 days)." in shown_text(email.html_body)
    assert 'lang="en" dir="ltr"' in email.html_body


def test_the_warning_links_to_the_statement_and_to_unsubscribing(shop, client):
    notices.expiry_warnings_send(today=TODAY)
    [email] = _emails_to(shop["sara"])

    statement_url = re.search(r"See your points and their history: (\S+)", email.text_body).group(1)
    unsubscribe_url = re.search(r"Unsubscribe: (\S+)", email.text_body).group(1)
    assert f'href="{statement_url}"' in email.html_body and f'href="{unsubscribe_url}"' in email.html_body
    assert email.headers == {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    site = settings.PEYGIR_SITE_URL.rstrip("/")
    assert client.get(statement_url.removeprefix(site)).status_code == 200
    client.post(unsubscribe_url.removeprefix(site))
    shop["sara"].refresh_from_db()
    assert shop["sara"].email_opt_out is True


def test_once_per_expiry_batch_and_at_most_once_a_week(shop):
    assert notices.expiry_warnings_send(today=TODAY) == 2
    assert notices.expiry_warnings_send(today=TODAY) == 0  # the nightly job ran twice
    # Three days on: Mina and Sara have theirs, Reza was warned 6 days ago, Leila's points are 17 days away.
    assert notices.expiry_warnings_send(today=D(2026, 6, 4)) == 0
    assert OutgoingEmail.objects.count() == 2

    _lot(shop["mina"], 10, D(2026, 6, 6))  # a new, earlier batch for Mina
    assert services.next_expiry(shop["mina"], today=D(2026, 6, 4)) == services.Expiry(10, D(2026, 6, 6))
    assert notices.expiry_warnings_send(today=D(2026, 6, 4)) == 0  # she was warned 3 days ago
    assert len(_emails_to(shop["mina"])) == 1


def test_a_warning_a_week_after_the_last_one(shop):
    assert notices.expiry_warnings_send(today=D(2026, 6, 5)) == 3  # Mina, Sara, and Reza (warned 7 days ago)
    assert len(_emails_to(shop["reza"])) == 1


def test_a_call_for_valuable_points_once_per_batch(shop, rep):
    assert notices.expiry_calls_raise(today=TODAY) == 2
    assert notices.expiry_calls_raise(today=TODAY) == 0
    assert notices.expiry_calls_raise(today=D(2026, 6, 2)) == 0

    calls = FollowUp.objects.filter(reason=FollowUp.Reason.POINTS_EXPIRING).order_by("customer_id")
    assert [(c.customer_id, c.source_key, c.assignee, c.facts) for c in calls] == [
        (
            shop["mina"].pk,
            f"points_expiring:{shop['mina'].pk}:2026-06-15",
            rep,
            {"points": 1200, "expires_on": "2026-06-15", "value_rial": 6_000_000},
        ),
        (
            shop["omid"].pk,  # opted out of email, but his owner still calls
            f"points_expiring:{shop['omid'].pk}:2026-06-08",
            rep,
            {"points": 2000, "expires_on": "2026-06-08", "value_rial": 10_000_000},
        ),
    ]


def test_exactly_the_threshold_is_not_more_than_it(rep, settings):
    settings.PEYGIR_LOYALTY_CALL_THRESHOLD_TOMAN = 600_000
    customer = CustomerFactory(owner=rep)
    _lot(customer, 1200, D(2026, 6, 15))  # 600,000 Toman
    assert notices.expiry_calls_raise(today=TODAY) == 0
    settings.PEYGIR_LOYALTY_CALL_THRESHOLD_TOMAN = 599_999
    assert notices.expiry_calls_raise(today=TODAY) == 1


def test_the_calls_sentence_says_the_money(shop):
    notices.expiry_calls_raise(today=TODAY)
    call = FollowUp.objects.get(customer=shop["mina"])

    assert explain(call, day=TODAY) == "۱٬۲۰۰ امتیاز به ارزش ۶۰۰٬۰۰۰ تومان در ۲۵ خرداد ۱۴۰۵ (۱۴ روز دیگر) منقضی می‌شود"
    with translation.override("en"):
        assert explain(call, day=TODAY) == "1,200 points worth 600,000 Toman expire on 15 Jun 2026 (in 14 days)"


def test_an_older_call_without_the_value_keeps_its_sentence(shop):
    call = FollowUp.objects.create(
        customer=shop["mina"],
        reason=FollowUp.Reason.POINTS_EXPIRING,
        source_key="points:old",
        facts={"points": 1200, "expires_on": "2026-06-15"},
        scheduled_on=TODAY,
        due_on=TODAY,
    )
    with translation.override("en"):
        assert explain(call, day=TODAY) == "1,200 points expire on 15 Jun 2026 (in 14 days)"


def test_a_points_calls_stake_is_what_the_points_are_worth(shop):
    buyers = Customer.objects.filter(pk__in=[shop["mina"].pk, shop["omid"].pk])
    buyers.update(purchase_count=1, total_spent=2_000_000, first_purchase_on=TODAY - datetime.timedelta(days=400))
    notices.expiry_calls_raise(today=TODAY)
    rows = ranked(FollowUp.objects.filter(reason=FollowUp.Reason.POINTS_EXPIRING), day=TODAY)
    stakes = {row.customer_id: RankExplanation.of(row).at_stake for row in rows}

    assert stakes == {shop["mina"].pk: pytest.approx(6_000_000), shop["omid"].pk: pytest.approx(10_000_000)}


def test_the_nightly_job_sends_both(shop, monkeypatch):
    from loyalty import tasks

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TODAY)
    result = tasks.nightly_loyalty_task()

    assert (result["warned"], result["called"]) == (2, 2)
