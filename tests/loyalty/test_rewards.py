"""Rewards and redemption: the refusals (not offered, out of stock, not enough points) in the reader's
digits, the debit and its sentence, a discount code, the confirmation email in the customer's language
(none after an opt-out), a cancellation that gives the points back once; the pages by role (a rep redeems
for their own customer, another rep gets 404, the catalogue is managers'); two redemptions at once
against a balance that covers one (PostgreSQL)."""

import re

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from audit import reading
from customers.models import Customer
from customers.selectors import customer_timeline
from loyalty import rewards, selectors, services, statement
from loyalty.models import LoyaltyAccount, LoyaltyEmail, PointsEntry, Redemption, Reward
from outbox.models import OutgoingEmail
from tests.concurrency import run_at_once, skip_on_sqlite
from tests.factories import CustomerFactory, FollowUpFactory, ManagerFactory, RepFactory
from tests.text import readable

pytestmark = pytest.mark.django_db


def _give(customer, points):
    services.points_adjust(customer=customer, points=points, reason="هدیه", by=None)


def _available(customer) -> int:
    return LoyaltyAccount.objects.get(customer=customer).available


def _reward(**fields) -> Reward:
    fields = {"name_fa": "کارت هدیه", "name_en": "Gift card", "cost": 30, **fields}
    return Reward.objects.create(**fields)


@pytest.fixture
def customer(rep):
    buyer = CustomerFactory(name="مینا طاهری", owner=rep, email="mina@example.com", preferred_language="fa")
    _give(buyer, 50)
    return buyer


# --- the service ---------------------------------------------------------------------------


def test_a_redemption_debits_the_cost_and_says_what_it_bought(customer, rep):
    redemption = rewards.redeem(customer=customer, reward=_reward(), by=rep)

    assert _available(customer) == 20
    entry = redemption.entry
    assert (entry.kind, entry.points, entry.state, entry.expires_on, entry.created_by) == (
        PointsEntry.Kind.REDEMPTION,
        -30,
        PointsEntry.State.AVAILABLE,
        None,
        rep,
    )
    assert entry.source_key.startswith("redemption:")
    assert redemption.code == ""  # a gift has no code
    assert services.accounts_drift() == (0, [])
    sentence = selectors.entry_sentences([entry])[0][1]
    assert readable(sentence) == "گرفتن جایزه: کارت هدیه"
    with translation.override("en"):
        assert readable(selectors.entry_sentences([entry])[0][1]) == "redeemed: Gift card"


def test_a_discount_code_is_unguessable_and_readable(customer, rep):
    reward = _reward(kind=Reward.Kind.DISCOUNT_CODE, cost=10)
    codes = {rewards.redeem(customer=customer, reward=reward, by=rep).code for _ in range(3)}
    assert len(codes) == 3
    for code in codes:
        assert re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", code)
        assert not set(code) & set("01OIL")


def test_not_enough_points_is_refused_with_the_figures_in_persian_digits(customer, rep):
    with pytest.raises(ValidationError) as refused:
        rewards.redeem(customer=customer, reward=_reward(cost=1200), by=rep)
    assert readable(refused.value.message_dict["reward"][0]) == (
        "کارت هدیه ۱٬۲۰۰ امتیاز می‌خواهد؛ مینا طاهری ۵۰ امتیاز قابل خرج دارد."
    )
    assert _available(customer) == 50
    assert not Redemption.objects.exists() and not PointsEntry.objects.filter(kind="redemption").exists()


def test_in_english_the_refusal_has_latin_digits(customer, rep):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        rewards.redeem(customer=customer, reward=_reward(cost=1200), by=rep)
    assert readable(refused.value.messages[0]) == "Gift card costs 1,200 points; مینا طاهری has 50 to spend."


def test_pending_points_do_not_pay_for_a_reward(rep):
    buyer = CustomerFactory(owner=rep)
    PointsEntry.objects.create(customer=buyer, points=100, kind="purchase", source_key="p:1", state="pending")
    services.accounts_refresh(customer_ids=[buyer.pk])
    with pytest.raises(ValidationError):
        rewards.redeem(customer=buyer, reward=_reward(), by=rep)


def test_a_reward_no_longer_offered_is_refused(customer, rep):
    reward = _reward()
    Reward.objects.filter(pk=reward.pk).update(active=False)  # after the page showed it
    with pytest.raises(ValidationError, match="دیگر در فهرست"):
        rewards.redeem(customer=customer, reward=reward, by=rep)


def test_the_stock_goes_down_and_the_last_one_is_given_once(customer, rep):
    reward = _reward(cost=10, stock=2)
    rewards.redeem(customer=customer, reward=reward, by=rep)
    rewards.redeem(customer=customer, reward=reward, by=rep)
    reward.refresh_from_db()
    assert reward.stock == 0
    assert reward not in rewards.rewards_offered()
    with pytest.raises(ValidationError, match="تمام شده"):
        rewards.redeem(customer=customer, reward=reward, by=rep)
    assert _available(customer) == 30


def test_the_confirmation_email_is_in_persian_with_the_code(customer, rep):
    redemption = rewards.redeem(customer=customer, reward=_reward(kind="discount_code"), by=rep)

    email = OutgoingEmail.objects.get()
    assert email.to == "mina@example.com"
    assert readable(email.subject) == "جایزه‌ی شما: کارت هدیه"
    assert "۳۰ امتیاز برای کارت هدیه خرج کردید." in email.text_body
    assert redemption.code in email.text_body and redemption.code in email.html_body
    assert "امتیاز باقی‌مانده برای خرج: ۲۰" in email.text_body
    assert 'dir="rtl"' in email.html_body
    record = LoyaltyEmail.objects.get()
    assert (record.customer, record.kind, record.email) == (customer, LoyaltyEmail.Kind.REDEMPTION, email)


def test_the_confirmation_email_is_in_english_for_an_english_customer(rep):
    buyer = CustomerFactory(name="Sam Rahimi", owner=rep, email="sam@example.com", preferred_language="en")
    _give(buyer, 50)
    rewards.redeem(customer=buyer, reward=_reward(), by=rep)
    email = OutgoingEmail.objects.get()
    assert readable(email.subject) == "Your reward: Gift card"
    assert "Dear Sam Rahimi," in email.text_body
    assert "You spent 30 points on Gift card." in email.text_body
    assert "Points left to spend: 20" in email.text_body
    assert 'dir="ltr"' in email.html_body
    token = re.search(r"/p/([^/\s]+)/\s", email.text_body).group(1)
    assert statement.customer_for_statement(token) == buyer
    assert "Unsubscribe: http" in email.text_body
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.parametrize("reason", ["opted_out", "no_email"])
def test_no_email_after_an_opt_out_or_without_an_address(customer, rep, reason):
    Customer.objects.filter(pk=customer.pk).update(
        **({"email_opt_out": True} if reason == "opted_out" else {"email": ""})
    )
    customer.refresh_from_db()
    rewards.redeem(customer=customer, reward=_reward(), by=rep)
    assert not OutgoingEmail.objects.exists() and not LoyaltyEmail.objects.exists()
    assert _available(customer) == 20  # the redemption itself is made


def test_cancelling_gives_the_points_and_the_stock_back_once(customer, rep, manager):
    reward = _reward(stock=5)
    redemption = rewards.redeem(customer=customer, reward=reward, by=rep)

    cancelled = rewards.redemption_cancel(redemption=redemption, by=manager)

    assert _available(customer) == 50
    reward.refresh_from_db()
    assert reward.stock == 5
    assert (cancelled.status, cancelled.cancelled_by) == (Redemption.Status.CANCELLED, manager)
    assert cancelled.cancelled_at is not None
    refund = cancelled.refund_entry
    assert (refund.kind, refund.points, refund.source_key) == ("reversal", 30, f"redemption:{redemption.pk}:cancelled")
    assert refund.facts["redemption_id"] == redemption.pk
    assert readable(selectors.entry_sentences([refund])[0][1]) == "لغو جایزه: کارت هدیه"
    with translation.override("en"):
        assert readable(selectors.entry_sentences([refund])[0][1]) == "redemption cancelled: Gift card"
    with pytest.raises(ValidationError) as refused:
        rewards.redemption_cancel(redemption=redemption, by=manager)  # the stale object: refused, nothing twice
    assert refused.value.messages == ["این جایزه پیش‌تر لغو شده است."]
    assert _available(customer) == 50
    assert PointsEntry.objects.filter(kind="reversal").count() == 1
    assert services.accounts_drift() == (0, [])


def test_points_given_back_expire_as_the_lot_they_were_spent_from(customer, rep, manager):
    lot = PointsEntry.objects.filter(customer=customer, kind="adjustment").get()
    redemption = rewards.redeem(customer=customer, reward=_reward(), by=rep)
    refund = rewards.redemption_cancel(redemption=redemption, by=manager).refund_entry
    assert refund.expires_on == lot.expires_on
    assert services.next_expiry(customer).points == 50  # all of them, on the lot's day, as before


# --- the pages -----------------------------------------------------------------------------


def _detail(customer):
    return reverse("customers:detail", args=[customer.pk])


def _text(response) -> str:
    return readable(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_the_panel_lists_the_rewards_the_customer_can_afford(rep_client, customer):
    _reward(name_fa="فنجان", name_en="Cup", cost=20)
    _reward(name_fa="دوچرخه", name_en="Bicycle", cost=500)
    text = _text(rep_client.get(_detail(customer)))
    assert "خرج امتیاز" in text
    assert "فنجان ۲۰ امتیاز" in text
    assert "دوچرخه" not in text


def test_a_rep_redeems_for_their_own_customer_with_htmx_and_sees_the_code(rep_client, customer):
    reward = _reward(kind="discount_code")
    url = reverse("loyalty:redeem", args=[customer.pk, reward.pk])

    response = rep_client.post(url, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    redemption = Redemption.objects.get()
    html = response.content.decode()
    assert 'id="loyalty"' in html  # the whole panel, swapped in place
    assert redemption.code in html
    text = _text(response)
    assert "۳۰ امتیاز برای کارت هدیه خرج شد." in text
    assert "امتیاز قابل خرج ۲۰" in text
    assert _available(customer) == 20


def test_without_htmx_a_redemption_redirects_back_with_a_message(rep_client, customer):
    reward = _reward(kind="discount_code")
    response = rep_client.post(reverse("loyalty:redeem", args=[customer.pk, reward.pk]), follow=True)
    assert response.redirect_chain[-1][0].endswith(f"/customers/{customer.pk}/#loyalty")
    text = _text(response)
    assert "۳۰ امتیاز مینا طاهری برای کارت هدیه خرج شد." in text
    assert Redemption.objects.get().code in text


def test_a_refused_redemption_shows_why_in_the_panel(rep_client, customer):
    reward = _reward(cost=40)
    rewards.redeem(customer=customer, reward=reward, by=None)  # 10 left
    response = rep_client.post(reverse("loyalty:redeem", args=[customer.pk, reward.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "کارت هدیه ۴۰ امتیاز می‌خواهد؛ مینا طاهری ۱۰ امتیاز قابل خرج دارد." in _text(response)
    assert Redemption.objects.count() == 1


def test_another_rep_gets_404_and_nothing_is_spent(customer, other_rep):
    client = Client()
    client.force_login(other_rep)
    reward = _reward()
    assert client.post(reverse("loyalty:redeem", args=[customer.pk, reward.pk])).status_code == 404
    redemption = rewards.redeem(customer=customer, reward=reward, by=None)
    assert client.post(reverse("loyalty:redemption_cancel", args=[redemption.pk])).status_code == 404
    assert _available(customer) == 20
    assert Redemption.objects.get().status == "active"


def test_the_owner_cancels_with_htmx_and_the_points_come_back(rep_client, customer):
    redemption = rewards.redeem(customer=customer, reward=_reward(), by=None)
    page = rep_client.get(_detail(customer)).content.decode()
    assert "data-confirm=" in page and reverse("loyalty:redemption_cancel", args=[redemption.pk]) in page

    response = rep_client.post(reverse("loyalty:redemption_cancel", args=[redemption.pk]), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "لغو شد: ۳۰ امتیازِ کارت هدیه برگشت." in _text(response)
    assert _available(customer) == 50
    again = rep_client.post(reverse("loyalty:redemption_cancel", args=[redemption.pk]), HTTP_HX_REQUEST="true")
    assert "این جایزه پیش‌تر لغو شده است." in _text(again)
    assert _available(customer) == 50


def test_the_catalogue_is_for_managers_only(rep_client):
    reward = _reward()
    assert rep_client.get(reverse("loyalty:rewards")).status_code == 403
    assert rep_client.post(reverse("loyalty:reward_add"), {"name_fa": "x"}).status_code == 403
    assert rep_client.post(reverse("loyalty:reward_active", args=[reward.pk]), {"active": "0"}).status_code == 403
    assert Reward.objects.get().active


def test_a_manager_adds_a_reward_with_a_cost_in_persian_digits_edits_and_stops_offering_it(manager_client):
    form = {"name_fa": "کد تخفیف ده درصد", "name_en": "10% off", "kind": "discount_code", "cost": "۱۵۰", "stock": ""}
    response = manager_client.post(reverse("loyalty:reward_add"), {**form, "active": "on"})
    assert response.status_code == 302
    reward = Reward.objects.get()
    assert (reward.cost, reward.stock, reward.active) == (150, None, True)
    text = _text(manager_client.get(reverse("loyalty:rewards")))
    assert "کد تخفیف ده درصد" in text and "۱۵۰" in text and "بی‌محدودیت" in text

    manager_client.post(
        reverse("loyalty:reward_edit", args=[reward.pk]), {**form, "cost": "۲۰۰", "stock": "۵", "active": "on"}
    )
    reward.refresh_from_db()
    assert (reward.cost, reward.stock) == (200, 5)

    manager_client.post(reverse("loyalty:reward_active", args=[reward.pk]), {"active": "0"})
    reward.refresh_from_db()
    assert not reward.active
    assert reward not in rewards.rewards_offered()


def test_a_reward_form_refuses_a_zero_cost_and_keeps_what_was_typed(manager_client):
    form = {"name_fa": "فنجان", "name_en": "Cup", "kind": "gift", "cost": "۰", "stock": ""}
    response = manager_client.post(reverse("loyalty:reward_add"), form)
    assert response.status_code == 400
    assert not Reward.objects.exists()
    assert 'value="فنجان"' in response.content.decode()


def test_the_catalogue_is_under_manage_in_the_navbar(manager_client):
    page = manager_client.get(reverse("loyalty:rewards")).content.decode()
    assert re.search(r'class="dropdown-item active" aria-current="page" href="/loyalty/rewards/"', page)


# --- two at once (PostgreSQL) ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_redemptions_at_once_against_a_balance_for_one_one_succeeds():
    skip_on_sqlite()
    owner = RepFactory()
    buyer = CustomerFactory(owner=owner)
    _give(buyer, 50)
    reward = _reward(cost=30)

    def attempt():
        try:
            return rewards.redeem(customer=Customer.objects.get(pk=buyer.pk), reward=reward, by=None).pk
        except ValidationError:
            return None

    results = run_at_once(attempt, count=4)

    assert sum(1 for pk in results if pk) == 1
    assert _available(buyer) == 20
    assert LoyaltyAccount.objects.get(customer=buyer).available >= 0
    assert services.accounts_drift() == (0, [])


@pytest.mark.django_db(transaction=True)
def test_the_last_in_stock_goes_to_one_of_two_customers_at_once():
    skip_on_sqlite()
    owner = ManagerFactory()
    buyers = [CustomerFactory(owner=owner) for _ in range(4)]
    for buyer in buyers:
        _give(buyer, 50)
    reward = _reward(cost=10, stock=1)
    queue = list(buyers)

    def attempt():
        buyer = queue.pop()
        try:
            return rewards.redeem(customer=buyer, reward=reward, by=None).pk
        except ValidationError:
            return None

    results = run_at_once(attempt, count=4)

    assert sum(1 for pk in results if pk) == 1
    reward.refresh_from_db()
    assert reward.stock == 0
    assert Redemption.objects.count() == 1
    assert services.accounts_drift() == (0, [])


@pytest.mark.django_db(transaction=True)
def test_two_cancels_at_once_give_the_points_back_once():
    skip_on_sqlite()
    buyer = CustomerFactory(owner=RepFactory())
    _give(buyer, 50)
    redemption = rewards.redeem(customer=buyer, reward=_reward(), by=None)

    def attempt():
        try:
            return rewards.redemption_cancel(redemption=Redemption.objects.get(pk=redemption.pk), by=None).pk
        except ValidationError:
            return None

    results = run_at_once(attempt, count=3)

    assert sum(1 for pk in results if pk) == 1
    assert _available(buyer) == 50
    assert PointsEntry.objects.filter(kind="reversal", customer=buyer).count() == 1
    assert services.accounts_drift() == (0, [])
    assert connection.vendor == "postgresql"


def test_a_redemption_and_its_cancellation_are_on_the_customers_timeline(customer, rep):
    redemption = rewards.redeem(customer=customer, reward=_reward(), by=rep)
    [line] = [entry for entry in customer_timeline(customer=customer) if entry.kind == "redemption"]
    assert readable(line.kind_label) == "کارت هدیه با ۳۰ امتیاز گرفته شد"
    assert line.by == "علی رستمی"
    rewards.redemption_cancel(redemption=redemption, by=rep)
    [line] = [entry for entry in customer_timeline(customer=customer) if entry.kind == "redemption"]
    assert readable(line.kind_label) == "کارت هدیه با ۳۰ امتیاز گرفته شد (لغو شد)"


def test_a_rep_redeems_from_a_calls_due_row_and_only_that_rows_section_comes_back(customer, rep):
    call = FollowUpFactory(customer=customer)
    reward = _reward()
    client = Client()
    client.force_login(rep)
    actions = client.get(reverse("followups:actions", args=[call.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert f'id="row-redeem-{call.pk}"' in actions and f'hx-target="#row-redeem-{call.pk}"' in actions
    response = client.post(
        reverse("loyalty:redeem", args=[customer.pk, reward.pk]), {"row": call.pk}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.startswith(f'<div id="row-redeem-{call.pk}"') and 'data-testid="redeemed"' in html
    assert 'id="loyalty"' not in html  # not the customer page's panel
    assert _available(customer) == 20
    # The row's "tier · points" line comes along, out of band, with the points left.
    facts = re.search(rf'<div class="col-12" id="row-facts-{call.pk}"[^>]*hx-swap-oob="true">(.*?)</div></div>', html)
    assert facts and "۲۰ امتیاز (۱۰٬۰۰۰ تومان)" in facts.group(1)


def test_a_rep_cannot_read_another_reps_row_through_a_redemption(customer, rep, other_rep):
    theirs = FollowUpFactory(customer=CustomerFactory(owner=other_rep, name="کیان فرهادی"))
    _give(theirs.customer, 500)
    client = Client()
    client.force_login(rep)
    html = client.post(
        reverse("loyalty:redeem", args=[customer.pk, _reward().pk]), {"row": theirs.pk}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f'id="row-facts-{theirs.pk}"' in html and "۵۰۰" not in html


def test_the_rows_more_actions_say_points_can_be_redeemed_there(rep_client, customer):
    FollowUpFactory(customer=customer)
    html = rep_client.get(reverse("followups:calls_due")).content.decode()
    assert "تعویق، رد کردن، واگذاری یا خرج امتیاز" in html
    rep_client.cookies["django_language"] = "en"
    assert "Snooze, skip, reassign or redeem points" in rep_client.get(reverse("followups:calls_due")).content.decode()


def test_a_redemption_and_its_cancellation_are_in_the_audit_log(customer, rep):
    redemption = rewards.redeem(customer=customer, reward=_reward(), by=rep)
    rewards.redemption_cancel(redemption=redemption, by=rep)
    entries = LogEntry.objects.filter(content_type__model="redemption").order_by("pk")
    sentences = [readable(line.sentence) for line in reading.lines(list(entries))]
    assert sentences[0] == "علی رستمی ۳۰ امتیاز مینا طاهری را خرج کرد"
    assert sentences[1].endswith("یک استفاده از امتیاز مینا طاهری را لغو کرد")
