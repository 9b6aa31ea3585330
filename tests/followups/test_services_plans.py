"""followups.services plans: create, pause, resume, delete, bulk cadence, and reassignment."""

import datetime
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer
from customers.services import customer_reassign, customer_save
from followups import cadence, services
from followups.models import FollowUp, FollowUpPlan
from tests.factories import CustomerFactory, FollowUpFactory, FollowUpPlanFactory, UserFactory

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


def test_changing_the_owner_in_django_admin_moves_open_calls_and_plans(client, rep, other_rep):
    customer, plan, done, snoozed, one_off = _customer_with_history(rep)
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    change_url = reverse("admin:customers_customer_change", args=[customer.pk])
    form = client.get(change_url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    data.update({"owner": other_rep.pk, "segment": "", "email": "", "_save": "Save"})

    response = client.post(change_url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    for call in (plan, snoozed, one_off, done):
        call.refresh_from_db()
    assert (plan.assignee, snoozed.assignee, one_off.assignee) == (other_rep, other_rep, other_rep)
    assert done.assignee == rep


def test_saving_a_customer_without_changing_the_owner_moves_nothing(rep, other_rep):
    customer, plan, *_rest = _customer_with_history(rep)
    FollowUpPlan.objects.filter(pk=plan.pk).update(assignee=other_rep)  # a manager's own choice for this plan
    customer.city = "شیراز"

    customer_save(customer=customer)

    plan.refresh_from_db()
    assert plan.assignee == other_rep


# --- one cadence for many customers ---------------------------------------------------------


def test_applying_a_cadence_gives_each_customer_one_plan_and_twice_changes_nothing(rep, other_rep):
    today = timezone.localdate()
    customers = [CustomerFactory(owner=rep), CustomerFactory(owner=rep), CustomerFactory(owner=other_rep)]
    queryset = Customer.objects.filter(pk__in=[c.pk for c in customers])
    kwargs = {"customers": queryset, "every": 1, "unit": FollowUpPlan.Unit.WEEKS, "starts_on": today, "spread": False}

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


# --- spreading the first calls of a bulk cadence ------------------------------------------------


def test_a_bulk_cadence_spreads_first_calls_over_the_cycles_working_days_within_one_of_the_average(settings, rep):
    settings.PEYGIR_WEEKEND_DAYS = [4]  # Fridays off
    settings.PEYGIR_YEARLY_HOLIDAYS = ["09-15"]  # and one holiday in the cycle
    start = timezone.localdate() + DAY
    CustomerFactory.create_batch(300, owner=rep)

    created = services.plans_apply_cadence(
        customers=Customer.objects.all(), every=3, unit=FollowUpPlan.Unit.MONTHS, starts_on=start
    )

    assert created == 300
    per_day = Counter(FollowUpPlan.objects.values_list("starts_on", flat=True))
    working = services.working_days()
    cycle_end = cadence.occurrence_on(start, 1, 3, FollowUpPlan.Unit.MONTHS)
    working_in_cycle = [
        start + n * DAY for n in range((cycle_end - start).days) if working.is_working_day(start + n * DAY)
    ]
    assert sorted(per_day) == working_in_cycle  # every working day of the cycle, no other day
    average = 300 / len(working_in_cycle)
    assert all(abs(count - average) < 1 for count in per_day.values())
    plan = FollowUpPlan.objects.order_by("starts_on").last()
    assert plan.anchor_on == plan.starts_on  # each plan keeps its own day's rhythm


def test_the_longest_uncontacted_customers_get_the_first_days_of_a_spread(rep):
    today = timezone.localdate()
    recent, never, long_ago = (CustomerFactory(owner=rep) for _ in range(3))
    Customer.objects.filter(pk=recent.pk).update(last_contact_on=today - DAY)
    Customer.objects.filter(pk=long_ago.pk).update(last_contact_on=today - 300 * DAY)

    services.plans_apply_cadence(customers=Customer.objects.all(), every=1, unit="weeks", starts_on=today)

    firsts = dict(FollowUpPlan.objects.values_list("customer", "starts_on"))
    assert firsts[never.pk] <= firsts[long_ago.pk] <= firsts[recent.pk]
    assert len(set(firsts.values())) == 3


def test_all_on_one_day_puts_every_first_call_on_the_first_due_date(rep):
    today = timezone.localdate()
    CustomerFactory.create_batch(5, owner=rep)

    services.plans_apply_cadence(
        customers=Customer.objects.all(), every=1, unit="months", starts_on=today, spread=False
    )

    assert set(FollowUpPlan.objects.values_list("starts_on", flat=True)) == {today}
    assert FollowUp.objects.filter(due_on=today).count() == 5


def test_the_preview_says_what_the_apply_then_does(rep):
    today = timezone.localdate()
    has_it = CustomerFactory(owner=rep)
    _weekly_plan(has_it, today)
    CustomerFactory.create_batch(20, owner=rep)
    fields = {"customers": Customer.objects.all(), "every": 1, "unit": "weeks", "starts_on": today}

    preview = services.plans_apply_cadence_preview(**fields)
    services.plans_apply_cadence(**fields)

    new_plans = FollowUpPlan.objects.exclude(customer=has_it)
    per_day = Counter(new_plans.values_list("starts_on", flat=True))
    assert (preview.newcomers, preview.already, preview.working_days) == (20, 1, 7)
    assert (preview.first_day, preview.last_day) == (min(per_day), max(per_day))
    assert preview.most_in_a_day == max(per_day.values()) == 3
    assert round(preview.per_working_day, 2) == 2.86


def test_first_call_days_of_a_cycle_shorter_than_the_customers_still_stay_within_one(settings):
    settings.PEYGIR_WEEKEND_DAYS = []
    days = services.first_call_days(count=23_570, every=1, unit="months", starts_on=datetime.date(2024, 9, 22))

    per_day = Counter(days)
    assert len(per_day) == 30  # 1 Mehr 1403 to 1 Aban: the 30 days of Mehr
    assert max(per_day.values()) - min(per_day.values()) <= 1
