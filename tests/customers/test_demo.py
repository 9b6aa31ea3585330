"""seed_demo: the same demo every time, safe to run again, with the manager and four reps."""

import datetime
import random
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from core.phones import normalize_mobile
from core.roles import MANAGER_GROUP, REP_GROUP, is_manager
from customers import demo
from customers.models import Customer, Interaction, Purchase, Segment
from loyalty import program
from loyalty import services as loyalty
from loyalty.models import LoyaltyAccount, PointsEntry, Redemption, Reward

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 3, 1)
Kind = PointsEntry.Kind
User = get_user_model()


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "customers": Customer.objects.count(),
        "purchases": Purchase.objects.count(),
        "interactions": Interaction.objects.count(),
        "segments": Segment.objects.count(),
    }


CUSTOMER_FIELDS = (
    "mobile", "name", "email", "company", "city", "segment__name", "owner__username", "preferred_language",
    "email_opt_out", "first_purchase_on", "last_purchase_on", "purchase_count", "total_spent", "last_contact_on",
)  # fmt: skip


def contents() -> tuple:
    """What the demo wrote, minus creation timestamps."""
    customers = Customer.objects.order_by("mobile").values_list(*CUSTOMER_FIELDS)
    purchases = Purchase.objects.order_by("reference").values_list(
        "customer__mobile", "reference", "purchased_on", "amount"
    )
    interactions = Interaction.objects.order_by("customer__mobile", "occurred_at", "summary").values_list(
        "customer__mobile", "kind", "occurred_at", "summary", "created_by__username"
    )
    return list(customers), list(purchases), list(interactions)


def test_running_the_command_twice_adds_nothing_the_second_time():
    call_command("seed_demo", customers=20, stdout=StringIO())
    first = counts()
    out = StringIO()
    call_command("seed_demo", customers=20, stdout=out)
    assert counts() == first
    assert first["users"] == 5
    assert first["customers"] == 20
    assert first["purchases"] > 20
    assert "0 new timeline entries" in out.getvalue()
    assert "0 new points entries" in out.getvalue()
    assert "rep4 / " in out.getvalue()


def test_the_demo_fills_the_loyalty_program_from_the_purchases_and_answers():
    call_command("seed_demo", customers=20, stdout=StringIO())
    kinds = set(PointsEntry.objects.values_list("kind", flat=True))
    assert {Kind.PURCHASE, Kind.ADJUSTMENT, Kind.EXPIRY, Kind.REDEMPTION} <= kinds
    assert loyalty.accounts_drift() == (0, [])
    assert Reward.objects.count() == 4
    assert LoyaltyAccount.objects.filter(tier_rank__gt=0).exists()  # the tiers are reviewed
    # A year of it: points issued, redeemed and expired spread over the months, not all today.
    months = program.monthly(language="en")
    assert sum(1 for month in months if month.issued) >= 10
    assert sum(1 for month in months if month.redeemed) >= 6
    assert sum(1 for month in months if month.expired) >= 10
    first = Redemption.objects.count()
    call_command("seed_demo", customers=20, stdout=StringIO())
    assert Redemption.objects.count() == first


def test_the_second_run_changes_no_figures_either():
    demo.seed_demo(customers=20, today=TODAY)
    before = contents()
    summary = demo.seed_demo(customers=20, today=TODAY)
    assert contents() == before
    assert summary.interactions == 0


def test_the_same_seed_gives_the_same_demo():
    with transaction.atomic():
        demo.seed_demo(customers=20, today=TODAY)
        first = contents()
        transaction.set_rollback(True)
    assert not Customer.objects.exists()
    demo.seed_demo(customers=20, today=TODAY)
    assert contents() == first


def test_another_seed_gives_another_demo():
    with transaction.atomic():
        demo.seed_demo(customers=20, seed=1, today=TODAY)
        first = contents()
        transaction.set_rollback(True)
    demo.seed_demo(customers=20, seed=2, today=TODAY)
    assert contents()[0] != first[0]


def test_the_demo_has_one_manager_and_four_reps_in_their_groups():
    demo.seed_demo(customers=20, today=TODAY)
    managers = User.objects.filter(groups__name=MANAGER_GROUP)
    reps = User.objects.filter(groups__name=REP_GROUP)
    assert [user.username for user in managers] == ["manager"]
    assert sorted(user.username for user in reps) == ["rep1", "rep2", "rep3", "rep4"]
    manager = managers.get()
    assert is_manager(manager) and manager.is_staff
    assert manager.check_password(demo.DEMO_PASSWORD_MANAGER)
    assert all(rep.check_password(demo.DEMO_PASSWORD_REP) and not rep.is_staff for rep in reps)
    assert not any(is_manager(rep) for rep in reps)


def test_every_demo_customer_belongs_to_a_rep_round_robin():
    demo.seed_demo(customers=20, today=TODAY)
    owners = Customer.objects.values_list("owner__username", flat=True)
    assert {owner: list(owners).count(owner) for owner in set(owners)} == {f"rep{n}": 5 for n in range(1, 5)}


def test_running_again_keeps_a_password_someone_changed():
    demo.seed_demo(customers=1, today=TODAY)
    rep = User.objects.get(username="rep1")
    rep.set_password("changed-by-rep")
    rep.save()
    demo.seed_demo(customers=1, today=TODAY)
    rep.refresh_from_db()
    assert rep.check_password("changed-by-rep")


def test_demo_mobiles_are_valid_and_figures_match_the_purchases():
    demo.seed_demo(customers=20, today=TODAY)
    for customer in Customer.objects.all():
        assert normalize_mobile(customer.mobile) == customer.mobile
        purchases = customer.purchases.aggregate(total=Sum("amount"), last=Max("purchased_on"))
        assert customer.purchase_count == customer.purchases.count()
        assert customer.total_spent == purchases["total"]
        assert customer.last_purchase_on == purchases["last"] <= TODAY
        assert customer.search_text


def test_the_last_contact_is_the_latest_demo_call_or_visit_that_reached_the_customer():
    demo.seed_demo(customers=20, today=TODAY)
    with_calls = Customer.objects.filter(interactions__isnull=False).distinct()
    assert with_calls.exists()
    for customer in with_calls:
        reached = customer.interactions.exclude(outcome=demo.NO_ANSWER)
        assert customer.last_contact_on == timezone.localdate(reached.latest("occurred_at").occurred_at)
    assert not Customer.objects.filter(interactions__isnull=True, last_contact_on__isnull=False).exists()
    assert Interaction.objects.filter(outcome=demo.NO_ANSWER).exists()  # unanswered calls are on the timeline


def test_every_demo_customer_who_buys_has_been_reached_over_their_buying_history():
    demo.seed_demo(customers=40, today=TODAY)
    buyers = Customer.objects.filter(purchase_count__gt=0)
    assert not buyers.filter(last_contact_on__isnull=True).exists()
    for customer in buyers.filter(purchase_count__gte=6):
        calls = customer.interactions.order_by("occurred_at")
        first, last = (timezone.localdate(call.occurred_at) for call in (calls.first(), calls.last()))
        assert customer.first_purchase_on <= first <= customer.first_purchase_on + datetime.timedelta(days=11)
        assert last < TODAY
        assert calls.count() >= 3  # calls spread over the years, not one
        assert last <= customer.last_purchase_on + datetime.timedelta(days=62)  # nobody calls a quiet one forever


def test_a_demo_customer_is_on_file_before_their_first_purchase():
    demo.seed_demo(customers=40, today=TODAY)
    for customer in Customer.objects.exclude(first_purchase_on=None):
        joined = timezone.localdate(customer.created_at)
        assert customer.first_purchase_on - datetime.timedelta(days=21) <= joined <= customer.first_purchase_on


def test_some_demo_customers_have_gone_silent_for_the_win_back_lists():
    demo.seed_demo(customers=60, today=TODAY)
    silent = Customer.objects.filter(last_purchase_on__lt=TODAY - datetime.timedelta(days=85))
    assert silent.exists()


@pytest.mark.parametrize("index", [0, 999, 1000, 1234, 99_999])
def test_demo_mobiles_stay_valid_past_a_thousand_customers(index):
    reps = [User(username="rep")]
    segments = [Segment(name=name) for name in demo.SEGMENTS]
    customer, _rhythm = demo._plan_customer(random.Random(1403), index, reps, segments)
    assert normalize_mobile(customer.mobile) == customer.mobile
    assert customer.mobile.endswith(f"{index:03d}")
