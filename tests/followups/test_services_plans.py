"""followups.services plans: create, pause, resume, delete, bulk cadence, and reassignment."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer
from customers.services import customer_reassign
from followups import services
from followups.models import FollowUp, FollowUpPlan
from tests.factories import CustomerFactory, FollowUpFactory, FollowUpPlanFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
WEEK = datetime.timedelta(days=7)


def _weekly_plan(customer, starts_on, **fields) -> FollowUpPlan:
    return services.plan_create(customer=customer, every=1, unit=FollowUpPlan.Unit.WEEKS, starts_on=starts_on, **fields)


def _pending_dues(plan) -> list[datetime.date]:
    return list(plan.followups.filter(status__in=FollowUp.PENDING).order_by("due_on").values_list("due_on", flat=True))


def _complete(followup, by):
    return services.followup_complete(followup=followup, outcome=FollowUp.Outcome.REACHED, by=by)


# --- create -------------------------------------------------------------------------


def test_plan_create_materialises_the_follow_ups_within_the_horizon(rep):
    today = timezone.localdate()
    plan = _weekly_plan(CustomerFactory(owner=rep), today, by=rep)

    assert _pending_dues(plan) == [today, today + WEEK]
    assert (plan.anchor_on, plan.next_index, plan.next_due_on) == (today, 2, today + 2 * WEEK)
    assert plan.assignee == rep  # the customer's owner by default
    assert plan.created_by == rep


def test_plan_create_makes_the_first_follow_up_even_beyond_the_horizon(rep):
    today = timezone.localdate()
    plan = services.plan_create(customer=CustomerFactory(owner=rep), every=6, starts_on=today + 60 * DAY)

    assert _pending_dues(plan) == [today + 60 * DAY]
    assert plan.next_index == 1


def test_plan_create_with_an_explicit_assignee_assigns_its_follow_ups_to_them(rep, other_rep):
    plan = _weekly_plan(CustomerFactory(owner=rep), timezone.localdate(), assignee=other_rep)

    assert plan.assignee == other_rep
    assert set(plan.followups.values_list("assignee", flat=True)) == {other_rep.pk}


def test_a_customer_cannot_have_two_active_plans_with_the_same_cadence_and_channel(rep):
    customer = CustomerFactory(owner=rep)
    today = timezone.localdate()
    _weekly_plan(customer, today)

    with pytest.raises(ValidationError):
        _weekly_plan(customer, today + DAY)

    _weekly_plan(customer, today, channel="sms")  # another channel is another plan
    assert customer.followup_plans.count() == 2


def test_a_paused_plan_does_not_block_a_new_one_with_the_same_cadence(rep):
    customer = CustomerFactory(owner=rep)
    services.plan_pause(plan=_weekly_plan(customer, timezone.localdate()))

    _weekly_plan(customer, timezone.localdate())

    assert customer.followup_plans.filter(active=True).count() == 1


def test_plan_create_rejects_a_cadence_of_zero(rep):
    with pytest.raises(ValidationError):
        services.plan_create(customer=CustomerFactory(owner=rep), every=0, starts_on=timezone.localdate())
    assert not FollowUpPlan.objects.exists()


# --- pause, resume, delete -----------------------------------------------------------


def test_pausing_a_plan_removes_its_pending_follow_ups_but_keeps_completed_ones(rep):
    today = timezone.localdate()
    plan = _weekly_plan(CustomerFactory(owner=rep), today - WEEK)
    done = _complete(plan.followups.get(due_on=today - WEEK), rep)
    other = FollowUpFactory(customer=plan.customer)  # one-off: not the plan's

    services.plan_pause(plan=plan)

    plan.refresh_from_db()
    assert not plan.active
    assert list(plan.followups.all()) == [done]
    assert FollowUp.objects.filter(pk=other.pk).exists()


def test_a_new_plan_dated_in_the_past_owes_only_its_latest_missed_call(rep):
    today = timezone.localdate()
    plan = _weekly_plan(CustomerFactory(owner=rep), today - 3 * WEEK - datetime.timedelta(days=2))

    assert sorted(plan.followups.values_list("due_on", flat=True)) == [
        today - datetime.timedelta(days=2),  # the latest missed one, overdue
        today + WEEK - datetime.timedelta(days=2),  # then the rhythm from the start date, within the horizon
    ]


def test_a_paused_plan_is_not_materialised(rep):
    today = timezone.localdate()
    plan = _weekly_plan(CustomerFactory(owner=rep), today)
    services.plan_pause(plan=plan)

    assert services.materialise_due(today=today + 5 * WEEK) == 0
    assert not plan.followups.exists()


def test_resuming_starts_again_from_today_without_a_burst_of_missed_calls(rep):
    today = timezone.localdate()
    plan = _weekly_plan(CustomerFactory(owner=rep), today - 10 * WEEK)
    services.plan_pause(plan=plan)
    FollowUpPlan.objects.filter(pk=plan.pk).update(next_index=1, next_due_on=today - 9 * WEEK)  # long paused
    plan.refresh_from_db()

    services.plan_resume(plan=plan, today=today)

    plan.refresh_from_db()
    assert plan.active
    assert _pending_dues(plan) == [today, today + WEEK]  # this week and next, nothing overdue
    assert plan.next_due_on == today + 2 * WEEK


def test_pausing_and_resuming_the_same_day_brings_back_this_weeks_call(rep):
    today = timezone.localdate()
    plan = _weekly_plan(CustomerFactory(owner=rep), today - 2 * DAY)
    assert _pending_dues(plan) == [today - 2 * DAY, today + 5 * DAY]

    services.plan_pause(plan=plan)
    services.plan_resume(plan=plan, today=today)

    assert _pending_dues(plan) == [today + 5 * DAY]  # the overdue one is not brought back
    plan.refresh_from_db()
    assert plan.next_due_on == today + 12 * DAY


def test_resuming_a_plan_counted_from_completion_does_not_call_again_on_the_completion_day(rep):
    today = timezone.localdate()
    plan = _weekly_plan(CustomerFactory(owner=rep), today, count_from=FollowUpPlan.CountFrom.COMPLETION)
    _complete(plan.followups.get(due_on=today), rep)

    services.plan_pause(plan=plan)
    services.plan_resume(plan=plan, today=today)

    assert _pending_dues(plan) == [today + WEEK]


def test_resuming_is_refused_when_another_active_plan_has_the_same_cadence(rep):
    customer = CustomerFactory(owner=rep)
    plan = _weekly_plan(customer, timezone.localdate())
    services.plan_pause(plan=plan)
    _weekly_plan(customer, timezone.localdate())

    with pytest.raises(ValidationError):
        services.plan_resume(plan=plan)
    plan.refresh_from_db()
    assert not plan.active


def test_deleting_a_plan_keeps_completed_follow_ups_as_history_without_a_plan(rep):
    today = timezone.localdate()
    plan = _weekly_plan(CustomerFactory(owner=rep), today - WEEK)
    done = _complete(plan.followups.get(due_on=today - WEEK), rep)

    services.plan_delete(plan=plan)

    assert not FollowUpPlan.objects.exists()
    assert list(FollowUp.objects.all()) == [done]
    done.refresh_from_db()
    assert done.plan is None
    assert done.status == FollowUp.Status.DONE


# --- reassigning a customer -------------------------------------------------------------


def _customer_with_history(rep):
    today = timezone.localdate()
    customer = CustomerFactory(owner=rep)
    plan = _weekly_plan(customer, today - WEEK)
    done = _complete(plan.followups.get(due_on=today - WEEK), rep)
    snoozed = services.followup_reschedule(followup=plan.followups.get(due_on=today), to=today + DAY, by=rep)
    one_off = FollowUpFactory(customer=customer)
    return customer, plan, done, snoozed, one_off


def test_reassigning_a_customer_moves_open_follow_ups_and_plans_but_not_completed_ones(rep, other_rep):
    customer, plan, done, snoozed, one_off = _customer_with_history(rep)

    customer_reassign(customer=customer, owner=other_rep)

    plan.refresh_from_db()
    assert plan.assignee == other_rep
    assert set(customer.followups.filter(status__in=FollowUp.PENDING).values_list("assignee", flat=True)) == {
        other_rep.pk
    }
    assert {snoozed.pk, one_off.pk} <= set(customer.followups.filter(assignee=other_rep).values_list("pk", flat=True))
    done.refresh_from_db()
    assert done.assignee == rep


def test_follow_ups_materialised_after_a_reassignment_go_to_the_new_owner(rep, other_rep):
    customer, plan, *_rest = _customer_with_history(rep)
    customer_reassign(customer=customer, owner=other_rep)

    services.materialise_due(today=timezone.localdate() + 4 * WEEK)

    assert set(plan.followups.filter(status=FollowUp.Status.OPEN).values_list("assignee", flat=True)) == {other_rep.pk}


def test_the_manager_changing_the_owner_on_the_customer_form_moves_the_follow_ups(manager_client, rep, other_rep):
    customer, plan, done, snoozed, _one_off = _customer_with_history(rep)
    data = {
        "name": customer.name,
        "mobile": customer.mobile,
        "email": "",
        "company": "",
        "city": customer.city,
        "segment": "",
        "owner": other_rep.pk,
        "preferred_language": "fa",
        "notes": "",
    }

    response = manager_client.post(reverse("customers:edit", args=[customer.pk]), data)

    assert response.status_code == 302
    assert Customer.objects.get(pk=customer.pk).owner == other_rep
    plan.refresh_from_db()
    snoozed.refresh_from_db()
    done.refresh_from_db()
    assert (plan.assignee, snoozed.assignee, done.assignee) == (other_rep, other_rep, rep)


# --- one cadence for many customers ---------------------------------------------------------


def test_applying_a_cadence_gives_each_customer_one_plan_and_twice_changes_nothing(rep, other_rep):
    today = timezone.localdate()
    customers = [CustomerFactory(owner=rep), CustomerFactory(owner=rep), CustomerFactory(owner=other_rep)]
    queryset = Customer.objects.filter(pk__in=[c.pk for c in customers])
    kwargs = {"customers": queryset, "every": 1, "unit": FollowUpPlan.Unit.WEEKS, "starts_on": today}

    assert services.plans_apply_cadence(**kwargs) == 3
    plans, followups = list(FollowUpPlan.objects.values_list("pk", flat=True)), FollowUp.objects.count()
    assert followups == 3 * 2  # materialised at once: this week and next

    assert services.plans_apply_cadence(**kwargs) == 0
    assert list(FollowUpPlan.objects.values_list("pk", flat=True)) == plans
    assert FollowUp.objects.count() == followups
    assert dict(FollowUpPlan.objects.values_list("customer", "assignee")) == {c.pk: c.owner_id for c in customers}


def test_applying_a_cadence_leaves_a_customer_who_already_has_it_alone(rep):
    today = timezone.localdate()
    has_it = CustomerFactory(owner=rep)
    existing = _weekly_plan(has_it, today - 3 * DAY, purpose="قدیمی")
    newcomer = CustomerFactory(owner=rep)

    created = services.plans_apply_cadence(
        customers=Customer.objects.filter(pk__in=[has_it.pk, newcomer.pk]),
        every=1,
        unit=FollowUpPlan.Unit.WEEKS,
        starts_on=today,
        purpose="جدید",
    )

    assert created == 1
    assert list(has_it.followup_plans.values_list("pk", "purpose")) == [(existing.pk, "قدیمی")]
    assert newcomer.followup_plans.get().purpose == "جدید"


def test_applying_another_cadence_adds_a_second_plan(rep):
    customer = CustomerFactory(owner=rep)
    _weekly_plan(customer, timezone.localdate())

    created = services.plans_apply_cadence(
        customers=Customer.objects.filter(pk=customer.pk), every=3, unit="months", starts_on=timezone.localdate()
    )

    assert created == 1
    assert sorted(customer.followup_plans.values_list("every", flat=True)) == [1, 3]


def test_the_plan_factory_sets_the_rhythm_as_the_services_do(settings):
    settings.PEYGIR_WEEKEND_DAYS = [4]
    friday = datetime.date(2024, 9, 20)
    customer = CustomerFactory.build()

    built = FollowUpPlanFactory.build(customer=customer, unit=FollowUpPlan.Unit.WEEKS, starts_on=friday)
    expected = services._new_plan(customer=customer, every=1, unit=FollowUpPlan.Unit.WEEKS, starts_on=friday)

    assert (built.anchor_on, built.next_index, built.next_due_on) == (friday, 0, friday + DAY)
    assert (built.anchor_on, built.next_index, built.next_due_on) == (
        expected.anchor_on,
        expected.next_index,
        expected.next_due_on,
    )
