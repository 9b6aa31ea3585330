"""customers.models: search text kept in step on every save; role-based visibility on the queryset."""

import pytest

from customers.models import Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_saving_a_customer_folds_name_company_mobile_and_email_into_search_text(rep):
    customer = CustomerFactory(
        owner=rep, name="علي كاظمي", company="پخش‌ البرز", mobile="09121234567", email="Ali@Example.com"
    )
    assert customer.search_text == "علی کاظمی پخش البرز 09121234567 ali@example.com"


def test_a_partial_save_still_refreshes_the_search_text(rep):
    customer = CustomerFactory(owner=rep, name="قدیمی")
    customer.name = "جدید"
    customer.save(update_fields=["name"])
    assert Customer.objects.get(pk=customer.pk).search_text.startswith("جدید")


def test_visible_to_gives_a_rep_their_own_and_a_manager_everyone(rep, other_rep, manager):
    mine = CustomerFactory(owner=rep)
    theirs = CustomerFactory(owner=other_rep)
    assert list(Customer.objects.visible_to(rep)) == [mine]
    assert set(Customer.objects.visible_to(manager)) == {mine, theirs}


def test_a_customer_reads_as_its_name(rep):
    assert str(CustomerFactory.build(name="سارا")) == "سارا"
