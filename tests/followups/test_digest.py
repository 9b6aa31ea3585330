"""followups/digest.py: the 08:00 email, once per person per day, in the person's language.

Digests go through the outbox; these tests commit (transaction=True) so it really sends them.
"""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone, translation

from core import dates
from core.models import UserPreference
from core.text import to_persian_digits
from followups import digest, services
from outbox import delivery
from outbox.models import OutgoingEmail
from tests.factories import CustomerFactory, FollowUpFactory, ManagerFactory, RepFactory
from tests.text import readable

pytestmark = pytest.mark.django_db(transaction=True)

DAY = datetime.timedelta(days=1)


@pytest.fixture
def today():
    return timezone.localdate()


def _rep(username, *, email=True, **fields):
    address = f"{username}@example.com" if email else ""
    return RepFactory(username=username, first_name=username, email=address, **fields)


def _due(owner, day, name=None, **fields):
    customer = CustomerFactory(owner=owner, **({"name": name} if name else {}))
    return FollowUpFactory(customer=customer, scheduled_on=day, due_on=day, **fields)


def _bodies(message) -> tuple[str, str]:
    (html, mimetype), *_rest = message.alternatives
    assert mimetype == "text/html"
    return readable(message.body), readable(html)


def _to(address: str):
    (message,) = [m for m in mail.outbox if m.to == [address]]
    return message


def test_each_rep_with_calls_gets_one_email_and_the_others_none(today):
    busy = _rep("busy")
    _due(busy, today, "مشتری امروز")
    _due(busy, today - 2 * DAY, "مشتری دیروزی")
    idle = _rep("idle")
    _due(idle, today + DAY)  # due tomorrow: nothing for today
    no_email = _rep("noemail", email=False)
    _due(no_email, today)
    gone = _rep("gone", is_active=False)
    _due(gone, today)

    sent = digest.send_morning_digests(day=today)

    assert sent == 1
    assert [message.to for message in mail.outbox] == [[busy.email]]
    text, html = _bodies(mail.outbox[0])
    for body in (text, html):
        assert "مشتری امروز" in body
        assert "مشتری دیروزی" in body


def test_a_persian_digest_is_right_to_left_with_jalali_dates_and_persian_digits(today):
    rep = _rep("farsi")
    followup = _due(rep, today, "شرکت پارس")

    digest.send_morning_digests(day=today)

    text, html = _bodies(_to(rep.email))
    assert 'lang="fa"' in html
    assert 'dir="rtl"' in html
    long_jalali = dates.format_date(today, "fa")
    assert any(month in long_jalali for month in dates.JALALI_MONTHS)
    for body in (text, html):
        assert long_jalali in body
        assert to_persian_digits(followup.customer.mobile) in body
        assert "شرکت پارس" in body
    with translation.override("fa"):
        greeting = translation.gettext("Good morning %(name)s,") % {"name": "farsi"}
    assert greeting in text
    assert _to(rep.email).subject == "پیگیر: ۱ تماس برای امروز"  # Persian words and digits


def test_an_english_digest_is_left_to_right_with_gregorian_dates(today):
    rep = _rep("english")
    UserPreference.objects.create(user=rep, language="en")
    _due(rep, today, "Acme Trading")

    digest.send_morning_digests(day=today)

    message = _to(rep.email)
    text, html = _bodies(message)
    assert 'lang="en"' in html
    assert 'dir="ltr"' in html
    assert message.subject == "Peygir: 1 call for today"
    for body in (text, html):
        assert "Good morning english," in body
        assert dates.format_date(today, "en") in body
        assert "Acme Trading" in body
        assert not any(month in body for month in dates.JALALI_MONTHS)
    assert "1 due today, 0 overdue" in text


def test_choosing_english_in_the_navbar_saves_the_preference_the_digest_follows(client, today):
    rep = _rep("switcher")
    client.force_login(rep)
    _due(rep, today)

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/calls/"})

    assert response.status_code == 302
    assert UserPreference.objects.get(user=rep).language == "en"
    digest.send_morning_digests(day=today)
    assert 'dir="ltr"' in _bodies(_to(rep.email))[1]

    client.post("/i18n/setlang/", {"language": "fa", "next": "/calls/"})
    assert UserPreference.objects.get(user=rep).language == "fa"


def test_the_language_switch_of_an_anonymous_visitor_saves_no_preference(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert not UserPreference.objects.exists()


def test_managers_get_the_escalated_follow_ups_and_reps_do_not(settings, today):
    settings.PEYGIR_ESCALATE_AFTER_WORKING_DAYS = 3
    rep = _rep("slow")
    _due(rep, today, "نوین‌پلاست")
    late = _due(rep, services.escalation_cutoff(today) - DAY, "مشتری فراموش‌شده")
    boss = ManagerFactory(username="boss", email="boss@example.com")
    ManagerFactory(username="boss_without_email")

    sent = digest.send_morning_digests(day=today)

    assert sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["boss@example.com", "slow@example.com"]
    boss_text, boss_html = _bodies(_to(boss.email))
    with translation.override("fa"):
        heading = translation.gettext("Escalated (overdue too long): %(n)s") % {"n": to_persian_digits("1")}
    for body in (boss_text, boss_html):
        assert late.customer.name in body
        assert "نوین‌پلاست" not in body  # the manager's own calls only: they have none
    assert heading in boss_text
    rep_text, _rep_html = _bodies(_to(rep.email))
    assert heading not in rep_text
    assert late.customer.name in rep_text  # the rep sees it among their (overdue) calls


def test_without_escalations_a_manager_with_no_calls_gets_nothing(today):
    ManagerFactory(username="calm_boss", email="calm@example.com")
    _due(_rep("ontime"), today)

    assert digest.send_morning_digests(day=today) == 1
    assert [m.to for m in mail.outbox] == [["ontime@example.com"]]


def test_running_the_digest_twice_the_same_day_sends_nothing_more(today):
    rep = _rep("twice")
    _due(rep, today)

    assert digest.send_morning_digests(day=today) == 1
    assert digest.send_morning_digests(day=today) == 0

    assert len(mail.outbox) == 1
    email = OutgoingEmail.objects.get()
    assert (email.to, email.key, email.status) == (rep.email, f"digest:{rep.pk}:{today}", OutgoingEmail.Status.SENT)


def test_the_next_day_gets_its_own_digest(today):
    rep = _rep("daily")
    _due(rep, today)

    digest.send_morning_digests(day=today)
    digest.send_morning_digests(day=today + DAY)

    assert len(mail.outbox) == 2
    assert OutgoingEmail.objects.count() == 2


def test_a_failed_send_waits_in_the_outbox_and_the_sweep_sends_it_once(today):
    unlucky, lucky = _rep("unlucky"), _rep("lucky")
    _due(unlucky, today, "مشتری اول")
    _due(lucky, today)
    real_send = EmailMultiAlternatives.send
    attempts = []

    def flaky_send(message, *args, **kwargs):
        attempts.append(message.to[0])
        if message.to == [unlucky.email] and attempts.count(unlucky.email) == 1:
            raise OSError("SMTP server unreachable")
        return real_send(message, *args, **kwargs)

    with mock.patch.object(EmailMultiAlternatives, "send", flaky_send):
        assert digest.send_morning_digests(day=today) == 2
        assert [m.to for m in mail.outbox] == [[lucky.email]]
        waiting = OutgoingEmail.objects.get(to=unlucky.email)
        assert (waiting.status, waiting.last_error) == (OutgoingEmail.Status.PENDING, "SMTP server unreachable")

        assert digest.send_morning_digests(day=today) == 0  # a second run does not queue it again
        later = timezone.now() + datetime.timedelta(minutes=5)  # past the first retry's backoff
        for email_id in delivery.outbox_sweep(now=later):
            delivery.email_send(email_id=email_id, now=later)

    assert attempts == [unlucky.email, lucky.email, unlucky.email]
    assert [m.to for m in mail.outbox] == [[lucky.email], [unlucky.email]]
    assert "مشتری اول" in mail.outbox[1].body


def test_digest_for_someone_with_nothing_to_do_is_none(today):
    assert digest.digest_for(person=_rep("free"), day=today, is_manager=False) is None


def test_a_digest_lists_the_top_of_the_ranked_list_with_reasons_and_counts_the_rest(today):
    rep = _rep("busy")
    for _n in range(digest.DIGEST_ROWS + 5):
        _due(rep, today, reason="referral", facts={"referrer_name": "علی کاظمی"})

    digest.send_morning_digests(day=today)

    text, html = _bodies(_to(rep.email))
    for body in (text, html):
        assert body.count("معرفی‌شده از طرف علی کاظمی") == digest.DIGEST_ROWS
        assert "… و ۵ تماس دیگر در فهرست شما." in body
    assert _to(rep.email).subject == f"پیگیر: {to_persian_digits(str(digest.DIGEST_ROWS + 5))} تماس برای امروز"
