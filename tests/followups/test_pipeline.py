"""followups.services.followup_raise: every reason other than a plan comes through here, once per cause."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from followups import services
from followups.models import FollowUp
from tests.concurrency import run_at_once, skip_on_sqlite
from tests.factories import CustomerFactory, RepFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
FRIDAY = datetime.date(2024, 9, 20)


def _raise(customer, key="win_back:customer:1:episode:1", **fields):
    defaults = {"reason": FollowUp.Reason.WIN_BACK, "due_on": timezone.localdate(), "facts": {"typical_gap_days": 40}}
    return services.followup_raise(customer=customer, source_key=key, **{**defaults, **fields})


def test_a_cause_raises_one_call_for_the_customers_owner_with_its_facts(rep):
    customer = CustomerFactory(owner=rep)

    call, created = _raise(customer, facts={"typical_gap_days": 42, "last_purchase_on": "2026-08-26"})

    assert created is True
    call.refresh_from_db()
    assert (call.customer, call.assignee, call.reason, call.status) == (customer, rep, "win_back", "open")
    assert call.facts == {"typical_gap_days": 42, "last_purchase_on": "2026-08-26"}
    assert call.plan is None
    assert call.source_key == "win_back:customer:1:episode:1"


def test_the_same_cause_raised_again_gives_the_same_call(rep):
    customer = CustomerFactory(owner=rep)

    first, _created = _raise(customer)
    again, created = _raise(customer)

    assert created is False
    assert again.pk == first.pk
    assert FollowUp.objects.count() == 1


def test_another_cause_for_the_same_customer_is_another_call(rep):
    customer = CustomerFactory(owner=rep)

    _raise(customer, key="win_back:customer:1:episode:1")
    _raise(customer, key="win_back:customer:1:episode:2")
    _raise(customer, key="renewal:contract:7:term:2", reason=FollowUp.Reason.RENEWAL, facts={"ends_on": "2027-01-01"})

    assert FollowUp.objects.filter(customer=customer).count() == 3


def test_a_pending_call_takes_the_newer_facts_and_a_closed_one_keeps_its_own(rep):
    customer = CustomerFactory(owner=rep)
    call, _created = _raise(customer, facts={"score": 4}, reason=FollowUp.Reason.DETRACTOR)

    updated, _created = _raise(customer, facts={"score": 2, "comment": "بدتر"}, reason=FollowUp.Reason.DETRACTOR)
    assert FollowUp.objects.get(pk=call.pk).facts == updated.facts == {"score": 2, "comment": "بدتر"}

    FollowUp.objects.filter(pk=call.pk).update(status=FollowUp.Status.DONE)
    closed, created = _raise(customer, facts={"score": 0}, reason=FollowUp.Reason.DETRACTOR)
    assert not created
    assert FollowUp.objects.get(pk=call.pk).facts == closed.facts == {"score": 2, "comment": "بدتر"}
    assert FollowUp.objects.get(pk=call.pk).status == FollowUp.Status.DONE  # a cause never reopens a call


def test_a_raised_call_falls_on_the_next_working_day(settings, rep):
    settings.PEYGIR_WEEKEND_DAYS = [4]

    call, _created = _raise(CustomerFactory(owner=rep), due_on=FRIDAY)

    assert (call.due_on, call.scheduled_on) == (FRIDAY + DAY, FRIDAY + DAY)


def test_a_duplicate_inside_the_callers_transaction_does_not_break_it(rep):
    customer = CustomerFactory(owner=rep)
    with transaction.atomic():
        _raise(customer)
        _raise(customer)  # the IntegrityError stays inside its savepoint
        customer.city = "قم"
        customer.save()
    assert FollowUp.objects.count() == 1


def test_periodic_calls_cannot_be_raised_they_come_from_plans(rep):
    with pytest.raises(ValueError, match="plans"):
        _raise(CustomerFactory(owner=rep), reason=FollowUp.Reason.PERIODIC)


def test_an_explicit_assignee_takes_the_call_instead_of_the_owner(rep, other_rep):
    call, _created = _raise(CustomerFactory(owner=rep), assignee=other_rep)

    assert call.assignee == other_rep


@pytest.mark.django_db(transaction=True)
def test_the_same_cause_raised_from_four_threads_at_once_makes_one_call():
    skip_on_sqlite()
    customer = CustomerFactory(owner=RepFactory())

    results = run_at_once(lambda: _raise(customer, key="detractor:response:99", reason=FollowUp.Reason.DETRACTOR))

    assert FollowUp.objects.filter(source_key="detractor:response:99").count() == 1
    assert sorted(created for _call, created in results) == [False, False, False, True]
    assert len({call.pk for call, _created in results}) == 1
