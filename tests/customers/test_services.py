"""customers.services: the only writes to figures; they stay right after every add, edit and delete."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from customers import services
from customers.models import Customer, Interaction, Purchase, PurchaseRhythm
from tests.factories import CustomerFactory, PurchaseFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def figures(customer: Customer) -> tuple:
    customer.refresh_from_db()
    return customer.first_purchase_on, customer.last_purchase_on, customer.purchase_count, customer.total_spent


def add(customer, day, amount, reference=""):
    return services.purchase_add(customer=customer, purchased_on=day, amount=Decimal(amount), reference=reference)


@pytest.fixture
def customer(rep):
    return CustomerFactory(owner=rep)


def test_a_new_customer_has_no_figures(customer):
    assert figures(customer) == (None, None, 0, Decimal(0))


def test_adding_a_purchase_sets_first_last_count_and_total(customer):
    add(customer, D(2024, 5, 4), 1_000_000)
    assert figures(customer) == (D(2024, 5, 4), D(2024, 5, 4), 1, Decimal(1_000_000))


def test_an_older_purchase_moves_the_first_date_and_keeps_the_last(customer):
    add(customer, D(2024, 5, 4), 1_000_000)
    add(customer, D(2023, 1, 10), 250_000)
    assert figures(customer) == (D(2023, 1, 10), D(2024, 5, 4), 2, Decimal(1_250_000))


def test_editing_the_amount_changes_the_total(customer):
    purchase = add(customer, D(2024, 5, 4), 1_000_000)
    add(customer, D(2024, 6, 1), 500_000)
    purchase.amount = Decimal(3_000_000)
    services.purchase_update(purchase=purchase)
    assert figures(customer) == (D(2024, 5, 4), D(2024, 6, 1), 2, Decimal(3_500_000))


def test_moving_the_latest_purchase_earlier_recomputes_first_and_last(customer):
    add(customer, D(2024, 5, 4), 100)
    latest = add(customer, D(2024, 6, 1), 200)
    latest.purchased_on = D(2024, 1, 1)
    services.purchase_update(purchase=latest)
    assert figures(customer) == (D(2024, 1, 1), D(2024, 5, 4), 2, Decimal(300))


def test_moving_the_first_purchase_later_recomputes_first_and_last(customer):
    first = add(customer, D(2024, 1, 1), 100)
    add(customer, D(2024, 5, 4), 200)
    first.purchased_on = D(2024, 9, 9)
    services.purchase_update(purchase=first)
    assert figures(customer) == (D(2024, 5, 4), D(2024, 9, 9), 2, Decimal(300))


def test_deleting_a_purchase_recomputes_every_figure(customer):
    add(customer, D(2024, 1, 1), 100)
    latest = add(customer, D(2024, 5, 4), 200)
    services.purchase_delete(purchase=latest)
    assert figures(customer) == (D(2024, 1, 1), D(2024, 1, 1), 1, Decimal(100))


def test_deleting_the_only_purchase_clears_the_figures(customer):
    only = add(customer, D(2024, 5, 4), 200)
    services.purchase_delete(purchase=only)
    assert figures(customer) == (None, None, 0, Decimal(0))


def test_one_customer_s_purchases_never_touch_another_customer_s_figures(customer, rep):
    other = CustomerFactory(owner=rep)
    add(other, D(2023, 3, 3), 999)
    purchase = add(customer, D(2024, 5, 4), 100)
    purchase.amount = Decimal(5)
    services.purchase_update(purchase=purchase)
    services.purchase_delete(purchase=purchase)
    assert figures(other) == (D(2023, 3, 3), D(2023, 3, 3), 1, Decimal(999))


def test_a_negative_amount_is_refused_and_nothing_changes(customer):
    add(customer, D(2024, 5, 4), 100)
    with pytest.raises(ValidationError):
        add(customer, D(2024, 6, 1), -5)
    assert figures(customer) == (D(2024, 5, 4), D(2024, 5, 4), 1, Decimal(100))


def test_an_invoice_number_is_unique_per_customer(customer):
    add(customer, D(2024, 5, 4), 100, reference="INV-7")
    with pytest.raises(ValidationError):
        add(customer, D(2024, 6, 1), 100, reference="INV-7")
    assert Purchase.objects.filter(customer=customer).count() == 1


def test_the_same_invoice_number_is_fine_for_another_customer_or_when_blank(customer, rep):
    add(customer, D(2024, 5, 4), 100, reference="INV-7")
    add(CustomerFactory(owner=rep), D(2024, 5, 4), 100, reference="INV-7")
    add(customer, D(2024, 5, 5), 100)
    add(customer, D(2024, 5, 6), 100)
    assert Purchase.objects.filter(reference="INV-7").count() == 2
    assert figures(customer)[2] == 3


def test_refresh_repairs_figures_of_purchases_written_behind_the_services_back(customer):
    PurchaseFactory(customer=customer, purchased_on=D(2024, 2, 2), amount=Decimal(10))
    PurchaseFactory(customer=customer, purchased_on=D(2024, 3, 3), amount=Decimal(20))
    assert figures(customer)[2] == 0
    assert services.customers_refresh_purchase_figures(customer_ids=[customer.pk]) == 1
    assert figures(customer) == (D(2024, 2, 2), D(2024, 3, 3), 2, Decimal(30))


def test_saving_a_stale_copy_of_a_customer_keeps_the_figures(customer):
    stale = Customer.objects.get(pk=customer.pk)
    add(customer, D(2024, 5, 4), 700)
    stale.city = "شیراز"
    services.customer_save(customer=stale)
    assert figures(customer) == (D(2024, 5, 4), D(2024, 5, 4), 1, Decimal(700))
    assert customer.city == "شیراز"


def test_customer_save_validates_before_writing(rep):
    CustomerFactory(mobile="09121234567", owner=rep)
    with pytest.raises(ValidationError) as caught:
        services.customer_save(customer=Customer(name="تکراری", mobile="09121234567"))
    assert "mobile" in caught.value.message_dict


def test_customer_save_keeps_search_text_in_step_with_the_name(customer):
    customer.name = "كاظمي"
    services.customer_save(customer=customer)
    customer.refresh_from_db()
    assert "کاظمی" in customer.search_text


def test_reassigning_changes_only_the_owner(customer, other_rep):
    services.customer_reassign(customer=customer, owner=other_rep)
    assert Customer.objects.get(pk=customer.pk).owner == other_rep


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.mark.parametrize("kind", Interaction.CONTACT_KINDS)
def test_every_contact_kind_moves_the_last_contact_date(customer, kind):
    services.interaction_log(customer=customer, kind=kind, summary="…", occurred_at=at(D(2024, 5, 4)))
    assert customer.last_contact_on == D(2024, 5, 4)
    assert Customer.objects.get(pk=customer.pk).last_contact_on == D(2024, 5, 4)


def test_a_note_goes_on_the_timeline_but_is_not_a_contact(customer):
    services.interaction_log(
        customer=customer, kind=Interaction.Kind.NOTE, summary="بدقول", occurred_at=at(D(2024, 5, 4))
    )
    assert customer.interactions.count() == 1
    assert Customer.objects.get(pk=customer.pk).last_contact_on is None


def test_a_note_after_a_call_does_not_move_the_last_contact(customer):
    services.interaction_log(customer=customer, kind="call", occurred_at=at(D(2024, 5, 4)))
    services.interaction_log(customer=customer, kind="note", occurred_at=at(D(2024, 6, 1)))
    assert Customer.objects.get(pk=customer.pk).last_contact_on == D(2024, 5, 4)


def test_logging_an_older_call_never_moves_the_last_contact_backwards(customer):
    services.interaction_log(customer=customer, kind="visit", occurred_at=at(D(2024, 5, 4)))
    services.interaction_log(customer=customer, kind="call", occurred_at=at(D(2024, 1, 1)))
    assert Customer.objects.get(pk=customer.pk).last_contact_on == D(2024, 5, 4)
    assert customer.interactions.count() == 2


def test_a_later_call_moves_the_last_contact_forward(customer):
    services.interaction_log(customer=customer, kind="call", occurred_at=at(D(2024, 1, 1)))
    services.interaction_log(customer=customer, kind="sms", occurred_at=at(D(2024, 5, 4)))
    assert Customer.objects.get(pk=customer.pk).last_contact_on == D(2024, 5, 4)


def test_the_last_contact_day_is_the_tehran_day(customer):
    late_utc_evening = datetime.datetime(2024, 5, 4, 21, 0, tzinfo=datetime.UTC)  # 00:30 on 5 May in Tehran
    services.interaction_log(customer=customer, kind="call", occurred_at=late_utc_evening)
    assert Customer.objects.get(pk=customer.pk).last_contact_on == D(2024, 5, 5)


def test_an_interaction_records_who_logged_it(customer, rep):
    interaction = services.interaction_log(customer=customer, kind="call", summary="پاسخ داد", by=rep)
    assert interaction.created_by == rep
    assert interaction.summary == "پاسخ داد"


def test_an_unknown_kind_is_refused(customer):
    with pytest.raises(ValidationError):
        services.interaction_log(customer=customer, kind="fax")
    assert customer.interactions.count() == 0


# --- batches of purchases ------------------------------------------------------------------


MAY_4 = D(2024, 5, 4)


def batch(customer, *invoices, day=MAY_4, amount=100) -> list[Purchase]:
    return [Purchase(customer=customer, purchased_on=day, amount=Decimal(amount), reference=i) for i in invoices]


def test_a_batch_writes_each_new_invoice_once_and_says_which_it_wrote(customer):
    add(customer, D(2024, 5, 1), 100, reference="F-1")

    written = services.purchases_add_batch(purchases=batch(customer, "F-1", "F-2", "F-2", "", ""))

    assert [p.reference for p in written] == ["F-2", "", ""]  # of two F-2 in the batch, the first
    assert sorted(Purchase.objects.values_list("reference", flat=True)) == ["", "", "F-1", "F-2"]
    assert figures(customer) == (D(2024, 5, 1), D(2024, 5, 4), 4, Decimal(400))


def test_the_same_batch_twice_writes_nothing_the_second_time(customer):
    services.purchases_add_batch(purchases=batch(customer, "F-1", "F-2"))

    assert services.purchases_add_batch(purchases=batch(customer, "F-1", "F-2")) == []
    assert figures(customer)[2] == 2


def test_the_figures_recount_writes_only_the_customers_whose_figures_changed(customer, rep):
    right = CustomerFactory(owner=rep)
    add(right, D(2024, 5, 4), 100)
    PurchaseFactory(customer=customer, purchased_on=D(2024, 2, 2), amount=Decimal(10))

    assert services.customers_refresh_purchase_figures(customer_ids=[customer.pk, right.pk]) == 1
    assert services.customers_refresh_purchase_figures(customer_ids=[customer.pk, right.pk]) == 0


def test_deferred_follow_ons_wait_for_the_call_that_settles_them(customer):
    with services.purchases_follow_ons_deferred() as bought:
        services.purchases_add_batch(purchases=batch(customer, "F-1", "F-2", day=D(2024, 6, 1)))
    assert bought == [(customer.pk, D(2024, 6, 1))] * 2
    assert figures(customer)[2] == 0  # written, not yet counted

    services.purchases_follow_ons(purchases=bought)

    assert figures(customer) == (D(2024, 6, 1), D(2024, 6, 1), 2, Decimal(200))
    assert PurchaseRhythm.objects.get(customer=customer).basis == "first_return"
