"""The changes that matter leave an entry with who, when, before and after; recalculated figures do not."""

import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from audit.registry import CUSTOMER_KEY
from customers import services
from customers.models import Customer
from followups import services as followup_services
from tests.audit.conftest import entries_about
from tests.factories import FollowUpFactory

pytestmark = pytest.mark.django_db

Action = LogEntry.Action


def _edit_owner(client, customer, owner):
    return client.post(
        reverse("customers:edit", args=[customer.pk]),
        {"name": customer.name, "mobile": customer.mobile, "preferred_language": "fa", "owner": owner.pk},
    )


def test_a_manager_reassigning_through_the_form_leaves_who_and_the_owners_before_and_after(
    manager_client, manager, customer, rep, other_rep
):
    assert _edit_owner(manager_client, customer, other_rep).status_code == 302

    [entry] = entries_about(customer, Action.UPDATE)
    assert entry.actor == manager
    assert entry.changes == {"owner": [str(rep.pk), str(other_rep.pk)]}
    assert entry.additional_data == {CUSTOMER_KEY: customer.pk}


def test_a_reassignment_by_the_service_is_an_entry_and_saving_the_same_owner_is_none(customer, other_rep):
    services.customer_reassign(customer=customer, owner=other_rep)
    services.customer_reassign(customer=customer, owner=other_rep)

    [entry] = entries_about(customer, Action.UPDATE)
    assert entry.changes["owner"][1] == str(other_rep.pk)
    assert entry.actor is None  # no request: nobody to name (the page says "Peygir")


def test_editing_only_untracked_fields_leaves_no_entry(manager_client, customer):
    manager_client.post(
        reverse("customers:edit", args=[customer.pk]),
        {
            "name": customer.name,
            "mobile": customer.mobile,
            "preferred_language": "fa",
            "city": "شیراز",
            "owner": customer.owner_id,
        },
    )
    assert Customer.objects.get(pk=customer.pk).city == "شیراز"
    assert entries_about(customer, Action.UPDATE) == []


def test_a_new_customer_is_an_entry_with_its_name_and_owner(rep_client, rep):
    rep_client.post(
        reverse("customers:create"), {"name": "نرگس موسوی", "mobile": "09123456789", "preferred_language": "fa"}
    )

    [entry] = entries_about(Customer.objects.get(), Action.CREATE)
    assert entry.actor == rep
    assert entry.changes["name"][1] == "نرگس موسوی"
    assert entry.changes["owner"][1] == str(rep.pk)


def test_a_deleted_customer_stays_identifiable_and_their_purchases_entries_stay_theirs(customer, purchase):
    customer_id = customer.pk
    customer.delete()

    deleted = LogEntry.objects.filter(action=Action.DELETE).order_by("id")
    by_model = {entry.content_type.model: entry for entry in deleted}
    assert by_model["customer"].object_repr == "علی کاظمی"
    assert by_model["customer"].changes["name"] == ["علی کاظمی", "None"]
    assert by_model["purchase"].additional_data == {CUSTOMER_KEY: customer_id}


def test_purchases_added_edited_and_deleted_through_the_pages_are_entries_with_amount_and_date(
    rep_client, rep, customer
):
    rep_client.post(
        reverse("customers:purchase_create", args=[customer.pk]), {"purchased_on": "1403/02/15", "amount": "۱۰۰۰"}
    )
    purchase = customer.purchases.get()
    rep_client.post(
        reverse("customers:purchase_edit", args=[customer.pk, purchase.pk]),
        {"purchased_on": "1403/02/15", "amount": "1500", "reference": "", "note": "یادداشت"},
    )
    rep_client.post(reverse("customers:purchase_delete", args=[customer.pk, purchase.pk]))

    created, updated, deleted = entries_about(purchase)
    assert [created.action, updated.action, deleted.action] == [Action.CREATE, Action.UPDATE, Action.DELETE]
    # typed in Toman (the shop's unit), stored and recorded in Rial
    assert created.changes == {"amount": ["None", "10000"], "purchased_on": ["None", "2024-05-04"]}
    assert updated.changes == {"amount": ["10000", "15000"]}  # the date and the note did not count
    assert deleted.changes == {"amount": ["15000", "None"], "purchased_on": ["2024-05-04", "None"]}
    assert {entry.actor for entry in (created, updated, deleted)} == {rep}
    assert {entry.additional_data[CUSTOMER_KEY] for entry in (created, updated, deleted)} == {customer.pk}


def test_the_figures_a_purchase_recalculates_leave_no_entry_on_the_customer(customer, purchase):
    services.purchase_add(customer=customer, purchased_on=datetime.date(2024, 6, 1), amount=Decimal(10))
    services.customers_refresh_rhythm(customer_ids=[customer.pk])

    assert entries_about(customer, Action.UPDATE) == []
    assert Customer.objects.get(pk=customer.pk).purchase_count == 2


def test_a_manager_giving_a_call_to_another_rep_is_an_entry(manager_client, manager, customer, rep, other_rep):
    call = FollowUpFactory(customer=customer)

    response = manager_client.post(reverse("followups:reassign", args=[call.pk]), {"assignee": other_rep.pk})

    assert response.status_code in (200, 302)
    [entry] = entries_about(call)
    assert entry.actor == manager
    assert entry.changes == {"assignee": [str(rep.pk), str(other_rep.pk)]}
    assert entry.additional_data == {CUSTOMER_KEY: customer.pk}


def test_giving_a_call_to_the_rep_who_has_it_leaves_no_entry(customer, rep):
    call = FollowUpFactory(customer=customer)
    followup_services.followup_reassign(followup=call, assignee=rep)
    assert entries_about(call) == []


def test_calls_saved_at_each_outcome_leave_no_entry(customer, rep):
    call = FollowUpFactory(customer=customer)
    followup_services.followup_complete(followup=call, outcome="reached", by=rep)
    assert entries_about(call) == []
