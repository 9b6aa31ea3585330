"""Nobody falls through: the not-contacted list, the calls and cadence given from it, the default cadence."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from customers.models import Customer
from customers.services import interaction_log, purchase_add
from followups import services
from followups.models import FollowUp, FollowUpPlan
from followups.reasons import explain
from tests.factories import CustomerFactory, FollowUpFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
URL = "/calls/not-contacted/"


def _customer(owner, name, *, contacted_days_ago=None, joined_days_ago=400, value=1_000_000):
    customer = CustomerFactory(owner=owner, name=name)
    Customer.objects.filter(pk=customer.pk).update(created_at=timezone.now() - joined_days_ago * DAY)
    purchase_add(customer=customer, purchased_on=timezone.localdate() - 5 * DAY, amount=Decimal(value))
    if contacted_days_ago is not None:
        moment = timezone.now() - contacted_days_ago * DAY
        interaction_log(customer=customer, kind="call", summary="…", occurred_at=moment, by=owner)
    return customer


@pytest.fixture
def book(rep, other_rep):
    return {
        "quiet": _customer(rep, "ساکت از تماس", contacted_days_ago=120, value=5_000_000),
        "never": _customer(rep, "هرگز", value=9_000_000),
        "recent": _customer(rep, "تازه‌تماس", contacted_days_ago=10),
        "new": _customer(rep, "تازه‌وارد", joined_days_ago=3),
        "planned": _customer(rep, "برنامه‌دار", contacted_days_ago=200),
        "theirs": _customer(other_rep, "مال سارا", contacted_days_ago=300),
    }


@pytest.fixture
def with_open_call(book):
    FollowUpFactory(customer=book["planned"])
    return book


def _names(response):
    return [customer.name for customer in response.context["customers"]]


def test_the_list_holds_customers_not_reached_for_ninety_days_with_no_open_call_by_value(rep_client, with_open_call):
    assert _names(rep_client.get(URL)) == ["هرگز", "ساکت از تماس"]


def test_a_manager_sees_every_rep_and_can_filter(manager_client, with_open_call, other_rep):
    assert set(_names(manager_client.get(URL))) == {"هرگز", "ساکت از تماس", "مال سارا"}
    assert _names(manager_client.get(URL, {"owner": other_rep.pk})) == ["مال سارا"]


def test_the_days_come_from_the_setting(rep_client, with_open_call, settings):
    settings.PEYGIR_NOT_CONTACTED_DAYS = 5
    assert "تازه‌تماس" in _names(rep_client.get(URL))


def test_a_manager_adds_a_call_for_each_and_again_adds_nothing(manager_client, with_open_call, rep):
    response = manager_client.post(f"{URL}?owner={rep.pk}")
    again = manager_client.post(f"{URL}?owner={rep.pk}")

    assert response.status_code == again.status_code == 302
    calls = FollowUp.objects.filter(reason=FollowUp.Reason.NO_CONTACT)
    assert {call.customer.name for call in calls} == {"هرگز", "ساکت از تماس"}
    assert all(call.assignee == rep for call in calls)
    assert _names(manager_client.get(URL, {"owner": rep.pk})) == []  # an open call takes them off the list
    quiet = calls.get(customer=with_open_call["quiet"])
    with translation.override("en"):
        assert explain(quiet, day=timezone.localdate()).startswith("no contact for 120 days, since ")
        assert explain(calls.get(customer=with_open_call["never"]), day=timezone.localdate()) == "never contacted"


def test_a_rep_cannot_add_calls_from_the_list(rep_client, with_open_call):
    assert rep_client.post(URL).status_code == 403
    assert not FollowUp.objects.filter(reason=FollowUp.Reason.NO_CONTACT).exists()


def test_a_manager_gives_the_list_a_spread_cadence(manager_client, with_open_call, rep):
    page = manager_client.get(URL).content.decode()
    link = re.search(r'data-testid="not-contacted-cadence"', page)
    assert link
    url = f"{reverse('followups:bulk_cadence')}?list=not_contacted&owner={rep.pk}"
    form = {"every": "3", "unit": "months", "starts_on": timezone.localdate().isoformat(), "channel": "call"}

    preview = manager_client.get(url)
    assert preview.context["count"] == 2
    response = manager_client.post(url, {**form, "first_calls": "spread", "confirm": "1"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("followups:not_contacted"))
    assert set(FollowUpPlan.objects.values_list("customer__name", flat=True)) == {"هرگز", "ساکت از تماس"}


# --- the default cadence ----------------------------------------------------------------------


def test_customers_without_any_plan_get_the_default_cadence_spread_over_its_cycle(rep):
    for number in range(30):
        CustomerFactory(owner=rep, name=f"واردشده {number}")

    assert services.plans_give_default_cadence() == 30
    assert services.plans_give_default_cadence() == 0

    plans = FollowUpPlan.objects.all()
    assert {(plan.every, plan.unit, plan.is_default) for plan in plans} == {(3, "months", True)}
    assert len({plan.starts_on for plan in plans}) > 20  # spread, not 30 calls on one day


def test_a_paused_plan_is_respected_and_a_deleted_one_is_replaced(rep):
    paused, deleted = CustomerFactory(owner=rep), CustomerFactory(owner=rep)
    services.plan_pause(plan=services.plan_create(customer=paused, every=1, starts_on=timezone.localdate()))
    services.plan_delete(plan=services.plan_create(customer=deleted, every=1, starts_on=timezone.localdate()))

    services.plans_give_default_cadence()

    assert not paused.followup_plans.filter(active=True).exists()
    assert deleted.followup_plans.get().is_default


def test_no_default_cadence_when_the_setting_is_zero(rep, settings):
    settings.PEYGIR_DEFAULT_CADENCE_MONTHS = 0
    CustomerFactory(owner=rep)

    assert services.plans_give_default_cadence() == 0
    assert not FollowUpPlan.objects.exists()


def test_the_customer_page_says_which_plan_or_rule_covers_the_customer(rep_client, rep):
    customer = CustomerFactory(owner=rep)
    html = rep_client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert "تا یک ساعت دیگر این مشتری برنامه‌ی پیش‌فرض فروشگاه (هر ۳ ماه)" in html

    services.plans_give_default_cadence()
    html = rep_client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert 'data-testid="default-plan"' in html


def test_the_list_makes_the_same_queries_for_three_or_thirty_customers(manager_client, rep):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert manager_client.get(URL).status_code == 200
        return len(captured.captured_queries)

    for number in range(3):
        _customer(rep, f"کم {number}")
    few = queries()
    for number in range(27):
        _customer(rep, f"زیاد {number}")

    assert queries() == few
