"""A customer's next call (``Customer.next_call_on``): the earliest pending call, else the next
date of an active plan; kept by followups.services wherever a call or a plan changes, so the
customer list shows it and sorts by it."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer
from customers.services import customers_refresh_rhythm, purchase_add
from followups import services
from followups.models import FollowUp
from tests.factories import CustomerFactory, FollowUpFactory, FollowUpPlanFactory
from tests.migrations import latest, migrate_to

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _no_default_cadence(settings):
    """Every day is a working day (the folder's conftest); no customer gets a plan by default."""
    settings.PEYGIR_DEFAULT_CADENCE_MONTHS = 0


def _today():
    return timezone.localdate()


def _next_call(customer) -> datetime.date | None:
    customer.refresh_from_db(fields=["next_call_on"])
    return customer.next_call_on


def _recomputed(customer) -> datetime.date | None:
    """The rule in plain Python, to compare the kept column with."""
    pending = [c.due_on for c in FollowUp.objects.filter(customer=customer, status__in=FollowUp.PENDING)]
    planned = [p.next_due_on for p in customer.followup_plans.filter(active=True)]
    return min(pending or planned, default=None)


def test_a_new_plan_gives_the_customer_its_first_call(rep):
    customer = CustomerFactory(owner=rep)
    services.plan_create(customer=customer, every=3, starts_on=_today() + 10 * DAY)
    assert _next_call(customer) == _today() + 10 * DAY


def test_a_plan_beyond_the_horizon_still_counts_before_its_call_is_written(rep):
    customer = CustomerFactory(owner=rep)
    far = _today() + 200 * DAY
    plan = services.plan_create(customer=customer, every=6, starts_on=far)
    assert not FollowUp.objects.filter(plan=plan).exclude(due_on=far).exists()
    assert _next_call(customer) == far


def test_an_earlier_call_from_another_cause_comes_first(rep):
    customer = CustomerFactory(owner=rep)
    services.plan_create(customer=customer, every=3, starts_on=_today() + 20 * DAY)
    services.followup_raise(
        customer=customer, reason=FollowUp.Reason.ONE_OFF, source_key="test:1", due_on=_today() + 2 * DAY
    )
    assert _next_call(customer) == _today() + 2 * DAY


def test_completing_a_call_moves_the_next_call_to_the_plans_next_one(rep):
    customer = CustomerFactory(owner=rep)
    services.plan_create(customer=customer, every=1, starts_on=_today())
    call = FollowUp.objects.get(customer=customer, due_on=_today())
    services.followup_complete(followup=call, outcome=FollowUp.Outcome.REACHED, by=rep)
    assert _next_call(customer) > _today()
    assert _next_call(customer) == _recomputed(customer)


def test_no_answer_tomorrow_makes_tomorrow_the_next_call(rep):
    call = FollowUpFactory(customer=CustomerFactory(owner=rep), due_on=_today(), scheduled_on=_today())
    services.followup_reschedule(followup=call, to=_today() + DAY, outcome=FollowUp.Outcome.NO_ANSWER, by=rep)
    assert _next_call(call.customer) == _today() + DAY


def test_skipping_the_only_call_leaves_no_next_call(rep):
    call = FollowUpFactory(customer=CustomerFactory(owner=rep), due_on=_today(), scheduled_on=_today())
    services.followup_skip(followup=call, by=rep)
    assert _next_call(call.customer) is None


def test_pausing_or_deleting_the_plan_takes_its_calls_away(rep):
    customer = CustomerFactory(owner=rep)
    plan = services.plan_create(customer=customer, every=1, starts_on=_today() + 3 * DAY)
    services.plan_pause(plan=plan)
    assert _next_call(customer) is None
    services.plan_resume(plan=plan)
    assert _next_call(customer) == _recomputed(customer) is not None
    services.plan_delete(plan=plan)
    assert _next_call(customer) is None


def test_a_cadence_given_to_many_customers_sets_each_ones_next_call(rep):
    customers = CustomerFactory.create_batch(5, owner=rep)
    services.plans_apply_cadence(
        customers=Customer.objects.filter(pk__in=[c.pk for c in customers]),
        every=3,
        unit="months",
        starts_on=_today(),
        spread=True,
    )
    for customer in customers:
        assert _next_call(customer) == _recomputed(customer) is not None


def test_a_purchase_that_closes_the_win_back_call_takes_it_off_the_next_call(rep):
    customer = CustomerFactory(owner=rep)
    for days in (190, 160, 130, 100):
        purchase_add(customer=customer, purchased_on=_today() - days * DAY, amount=Decimal(1_000_000))
    customers_refresh_rhythm()
    assert _next_call(customer) == FollowUp.objects.get(customer=customer, reason=FollowUp.Reason.WIN_BACK).due_on
    purchase_add(customer=customer, purchased_on=_today(), amount=Decimal(1_000_000))
    assert _next_call(customer) is None


def test_the_nightly_calls_set_each_customers_next_call_in_one_batch(rep):
    quiet = CustomerFactory.create_batch(3, owner=rep, last_contact_on=_today() - 400 * DAY)
    services.no_contact_calls_raise(customers=Customer.objects.filter(pk__in=[c.pk for c in quiet]), day=_today())
    for customer in quiet:
        assert _next_call(customer) == _recomputed(customer) is not None


# --- on the customer list -------------------------------------------------------------------


@pytest.fixture
def three(rep):
    soon, later, none = (CustomerFactory(owner=rep, name=name) for name in ("زود", "دیر", "بی‌برنامه"))
    FollowUpPlanFactory(customer=soon, starts_on=_today() - 2 * DAY)
    FollowUpPlanFactory(customer=later, starts_on=_today() + 30 * DAY)
    services.materialise_due(today=_today())
    services.customers_refresh_next_call(Customer.objects.all())
    return soon, later, none


def _names(response) -> list[str]:
    return [customer.name for customer in response.context["customers"]]


@pytest.mark.usefixtures("three")
def test_the_list_sorts_by_next_call_soonest_first_and_the_unplanned_last(rep_client):
    assert _names(rep_client.get(reverse("customers:list"), {"sort": "next_call_on"})) == ["زود", "دیر", "بی‌برنامه"]
    assert _names(rep_client.get(reverse("customers:list"), {"sort": "-next_call_on"})) == ["دیر", "زود", "بی‌برنامه"]


@pytest.mark.usefixtures("three")
def test_the_list_says_an_overdue_next_call_is_overdue_and_an_unplanned_customer_has_none(rep_client):
    html = rep_client.get(reverse("customers:list"), {"sort": "next_call_on"}).content.decode()
    cells = html.split('data-testid="next-call"')[1:]
    assert "عقب‌افتاده" in cells[0]
    assert "عقب‌افتاده" not in cells[1]
    assert "برنامه‌ای نیست" in cells[2]


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_next_call_of_the_customers_already_there():
    old = migrate_to([("customers", "0007_customer_source_facts"), ("followups", "0008_system_sentences_to_facts")])
    OldCustomer, OldPlan = old.get_model("customers", "Customer"), old.get_model("followups", "FollowUpPlan")
    OldFollowUp = old.get_model("followups", "FollowUp")
    today = _today()
    called, planned, _neither = (OldCustomer.objects.create(name=n, mobile=f"0912000000{n}") for n in "123")
    for customer, day in ((called, today + 40 * DAY), (planned, today + 90 * DAY)):
        OldPlan.objects.create(
            customer=customer, every=3, unit="months", starts_on=day, anchor_on=day, next_due_on=day
        )
    OldFollowUp.objects.create(customer=called, reason="one_off", scheduled_on=today, due_on=today + 5 * DAY)

    migrate_to(latest())

    shown = dict(Customer.objects.values_list("name", "next_call_on"))
    assert shown == {"1": today + 5 * DAY, "2": today + 90 * DAY, "3": None}
