"""customers.forms: the owner is a manager's field only; the list filter never widens what a rep sees."""

from decimal import Decimal

import pytest
from django.utils import translation

from customers.forms import CustomerFilterForm, CustomerForm, ImportUploadForm, PurchaseForm
from tests.factories import CustomerFactory, PurchaseFactory, SegmentFactory, UserFactory

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


def test_the_upload_form_needs_a_kind_a_file_and_the_amounts_unit():
    form = ImportUploadForm({})
    assert not form.is_valid()
    assert set(form.errors) == {"kind", "file", "unit"}


@pytest.fixture
def customer(rep):
    return CustomerFactory(owner=rep)


def test_a_purchase_is_typed_in_toman_and_kept_in_rial(customer):
    form = PurchaseForm({"purchased_on": "۱۴۰۳/۰۲/۱۵", "amount": "۱۲۵٬۰۰۰", "reference": ""}, customer=customer)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal(1_250_000)
    assert str(form.fields["amount"].label) == "مبلغ (تومان)"


def test_editing_a_purchase_shows_its_rial_amount_in_toman(customer):
    purchase = PurchaseFactory(customer=customer, amount=Decimal(1_250_000))

    form = PurchaseForm(instance=purchase, customer=customer)

    assert 'value="۱۲۵٬۰۰۰"' in str(form["amount"])  # grouped, in Persian digits, as the pages show it


def test_a_rial_amount_not_divisible_by_ten_survives_an_edit_unchanged(customer):
    purchase = PurchaseFactory(customer=customer, amount=Decimal(1_250_005))
    shown = PurchaseForm(instance=purchase, customer=customer)["amount"].value()

    form = PurchaseForm(
        {"purchased_on": "1403/02/15", "amount": shown, "reference": purchase.reference},
        instance=purchase,
        customer=customer,
    )

    assert shown == "۱۲۵٬۰۰۰٫۵"
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal(1_250_005)


def test_a_toman_amount_finer_than_a_rial_is_refused_with_a_clear_error(customer):
    form = PurchaseForm({"purchased_on": "1403/02/15", "amount": "۱۲۵٫۲۵", "reference": ""}, customer=customer)

    assert not form.is_valid()
    assert "ریال" in form.errors["amount"][0]


def test_a_shop_showing_rial_types_rial(customer, settings):
    settings.PEYGIR_CURRENCY = "rial"
    form = PurchaseForm({"purchased_on": "1403/02/15", "amount": "1250000", "reference": ""}, customer=customer)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal(1_250_000)
    assert str(form.fields["amount"].label) == "مبلغ (ریال)"


def test_the_amount_label_is_in_the_readers_language(customer):
    with translation.override("en"):
        assert str(PurchaseForm(customer=customer).fields["amount"].label) == "Amount (Toman)"
