"""customers.forms: the owner is a manager's field only; the list filter never widens what a rep sees."""

import pytest

from customers.forms import CsvUploadForm, CustomerFilterForm, CustomerForm, PurchaseForm
from tests.factories import CustomerFactory, SegmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_manager_s_customer_form_offers_the_sales_team_as_owners(manager, rep, other_rep):
    UserFactory(username="no-role")
    form = CustomerForm(user=manager)
    assert set(form.fields["owner"].queryset) == {manager, rep, other_rep}


def test_a_rep_s_customer_form_has_no_owner(rep):
    assert "owner" not in CustomerForm(user=rep).fields


def test_the_customer_form_normalises_the_mobile(rep):
    form = CustomerForm({"name": "الف", "mobile": "۰۹۱۲-۱۲۳-۴۵۶۷", "preferred_language": "fa"}, user=rep)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["mobile"] == "09121234567"


def test_the_filter_form_turns_choices_into_selector_arguments(manager, rep):
    segment = SegmentFactory()
    form = CustomerFilterForm(
        {"q": " علی ", "owner": rep.pk, "segment": segment.pk, "sort": "-total_spent"}, user=manager
    )
    assert form.filters() == {"search": "علی", "owner_id": rep.pk, "segment_id": segment.pk, "sort": "-total_spent"}


def test_the_filter_form_drops_only_the_invalid_choice(manager):
    form = CustomerFilterForm({"q": "علی", "segment": "999", "sort": "bogus"}, user=manager)
    assert form.filters() == {"search": "علی", "owner_id": None, "segment_id": None, "sort": "name"}


def test_a_rep_s_filter_form_ignores_an_owner(rep, other_rep):
    form = CustomerFilterForm({"owner": other_rep.pk}, user=rep)
    assert "owner" not in form.fields
    assert form.filters()["owner_id"] is None


def test_the_purchase_form_reads_jalali_dates_and_persian_amounts(rep):
    customer = CustomerFactory(owner=rep)
    form = PurchaseForm({"purchased_on": "۱۴۰۳/۰۲/۱۵", "amount": "۲٬۰۰۰٬۰۰۰", "reference": ""}, customer=customer)
    assert form.is_valid(), form.errors
    assert form.instance.customer == customer
    assert str(form.cleaned_data["purchased_on"]) == "2024-05-04"


def test_the_upload_form_needs_a_kind_and_a_file():
    form = CsvUploadForm({})
    assert not form.is_valid()
    assert set(form.errors) == {"kind", "file"}
