"""Customer pages write through the services: figures and last contact stay right via the browser too."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from customers import services
from customers.models import Customer, Purchase
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def customer(rep):
    return CustomerFactory(owner=rep)


def figures(customer: Customer) -> tuple:
    customer.refresh_from_db()
    return customer.first_purchase_on, customer.last_purchase_on, customer.purchase_count, customer.total_spent


def add_purchase(client, customer, **data):
    return client.post(reverse("customers:purchase_create", args=[customer.pk]), data)


def test_creating_a_customer_stores_the_normalised_mobile(rep_client):
    response = rep_client.post(
        reverse("customers:create"), {"name": "علي كريمي", "mobile": "+۹۸ ۹۱۲ ۱۲۳ ۴۵۶۷", "preferred_language": "fa"}
    )
    customer = Customer.objects.get()
    assert response["Location"] == reverse("customers:detail", args=[customer.pk])
    assert customer.mobile == "09121234567"
    assert "علی کریمی" in customer.search_text


def test_a_mobile_already_taken_in_another_spelling_is_refused(rep_client, rep):
    CustomerFactory(mobile="09121234567", owner=rep)
    response = rep_client.post(
        reverse("customers:create"), {"name": "تکراری", "mobile": "0912-123-4567", "preferred_language": "fa"}
    )
    assert response.status_code == 200
    assert "mobile" in response.context["form"].errors
    assert Customer.objects.count() == 1


def test_a_number_that_is_no_phone_is_refused_with_the_typed_value_in_the_message(rep_client):
    response = rep_client.post(
        reverse("customers:create"), {"name": "ثابت", "mobile": "021 88", "preferred_language": "fa"}
    )
    assert "۰۲۱ ۸۸" in response.context["form"].errors["mobile"][0]
    assert not Customer.objects.exists()


@pytest.mark.parametrize(
    "typed, stored",
    [("021 8888 7777", "+982188887777"), ("+49 151 2345 6789", "+4915123456789"), ("۰۹۱۲-۱۲۳-۴۵۶۷", "09121234567")],
)
def test_a_landline_or_a_number_abroad_is_kept_in_international_form(rep_client, typed, stored):
    rep_client.post(reverse("customers:create"), {"name": "ثابت", "mobile": typed, "preferred_language": "fa"})
    assert Customer.objects.get().mobile == stored


def test_a_customer_needs_a_phone_an_email_or_a_customer_id(rep_client):
    response = rep_client.post(reverse("customers:create"), {"name": "بی‌نشان", "preferred_language": "fa"})
    assert response.context["form"].non_field_errors() == ["دست‌کم یکی از شناسه‌ی مشتری، تلفن و ایمیل را بدهید."]
    assert not Customer.objects.exists()
    rep_client.post(
        reverse("customers:create"), {"name": "فقط ایمیل", "email": "only@example.com", "preferred_language": "fa"}
    )
    assert Customer.objects.get().mobile == ""


def test_a_purchase_typed_in_jalali_with_persian_digits_sets_the_figures(rep_client, customer):
    response = add_purchase(rep_client, customer, purchased_on="۱۴۰۳/۰۲/۱۵", amount="۱٬۵۰۰٬۰۰۰", reference="A-1")
    assert response["Location"] == reverse("customers:detail", args=[customer.pk])
    assert figures(customer) == (D(2024, 5, 4), D(2024, 5, 4), 1, Decimal(15_000_000))  # Toman typed, Rial kept


def test_a_purchase_typed_in_gregorian_on_an_english_page_is_accepted(rep_client, customer):
    rep_client.cookies["django_language"] = "en"
    add_purchase(rep_client, customer, purchased_on="2024-05-04", amount="1,500,000")
    assert figures(customer) == (D(2024, 5, 4), D(2024, 5, 4), 1, Decimal(15_000_000))


def test_an_impossible_jalali_date_is_shown_as_a_form_error_and_nothing_is_saved(rep_client, customer):
    response = add_purchase(rep_client, customer, purchased_on="1402/12/30", amount="100")
    assert response.status_code == 200
    [message] = response.context["form"].errors["purchased_on"]
    assert "۱۴۰۲/۱۲/۳۰" in message
    assert message in response.content.decode()
    assert not Purchase.objects.exists()


def test_a_duplicate_invoice_number_is_a_form_error_not_a_server_error(rep_client, customer):
    add_purchase(rep_client, customer, purchased_on="1403/02/15", amount="100", reference="INV-1")
    response = add_purchase(rep_client, customer, purchased_on="1403/02/16", amount="200", reference="INV-1")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert figures(customer) == (D(2024, 5, 4), D(2024, 5, 4), 1, Decimal(1000))


def test_editing_a_purchase_to_another_s_invoice_number_is_a_form_error(rep_client, customer):
    add_purchase(rep_client, customer, purchased_on="1403/02/15", amount="100", reference="INV-1")
    add_purchase(rep_client, customer, purchased_on="1403/02/16", amount="200", reference="INV-2")
    second = Purchase.objects.get(reference="INV-2")
    response = rep_client.post(
        reverse("customers:purchase_edit", args=[customer.pk, second.pk]),
        {"purchased_on": "1403/02/16", "amount": "200", "reference": "INV-1"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Purchase.objects.get(pk=second.pk).reference == "INV-2"


def test_editing_a_purchase_date_and_amount_through_the_page_updates_the_figures(rep_client, customer):
    add_purchase(rep_client, customer, purchased_on="1403/01/10", amount="100")
    add_purchase(rep_client, customer, purchased_on="1403/02/15", amount="200")
    latest = Purchase.objects.get(amount=2000)
    response = rep_client.post(
        reverse("customers:purchase_edit", args=[customer.pk, latest.pk]),
        {"purchased_on": "1402/12/01", "amount": "۵۰۰", "reference": ""},
    )
    assert response["Location"] == reverse("customers:detail", args=[customer.pk])
    first_day = D(2024, 2, 20)  # 1402/12/01
    assert figures(customer) == (first_day, D(2024, 3, 29), 2, Decimal(6000))


def test_the_purchase_edit_form_shows_the_jalali_date_in_persian_digits(rep_client, customer):
    purchase = services.purchase_add(customer=customer, purchased_on=D(2024, 5, 4), amount=Decimal(100))
    response = rep_client.get(reverse("customers:purchase_edit", args=[customer.pk, purchase.pk]))
    assert 'value="۱۴۰۳/۰۲/۱۵"' in response.content.decode()


def test_deleting_a_purchase_through_the_page_updates_the_figures(rep_client, customer):
    kept = services.purchase_add(customer=customer, purchased_on=D(2024, 1, 1), amount=Decimal(100))
    gone = services.purchase_add(customer=customer, purchased_on=D(2024, 5, 4), amount=Decimal(200))
    response = rep_client.post(reverse("customers:purchase_delete", args=[customer.pk, gone.pk]))
    assert response["Location"] == reverse("customers:detail", args=[customer.pk])
    assert list(customer.purchases.all()) == [kept]
    assert figures(customer) == (D(2024, 1, 1), D(2024, 1, 1), 1, Decimal(100))


def log(client, customer, **data):
    return client.post(reverse("customers:interaction_create", args=[customer.pk]), data)


def test_logging_a_call_through_the_page_moves_the_last_contact_and_records_the_rep(rep_client, rep, customer):
    response = log(rep_client, customer, kind="call", occurred_on="۱۴۰۳/۰۲/۱۵", summary="پاسخ داد")
    assert response["Location"] == reverse("customers:detail", args=[customer.pk])
    customer.refresh_from_db()
    assert customer.last_contact_on == D(2024, 5, 4)
    interaction = customer.interactions.get()
    assert interaction.created_by == rep
    assert timezone.localtime(interaction.occurred_at).hour == 12  # a past day: midday, the hour is unknown


def test_a_call_logged_for_today_keeps_the_current_time(rep_client, customer):
    before = timezone.now()
    log(rep_client, customer, kind="call", occurred_on=timezone.localdate().isoformat(), summary="الان")
    assert customer.interactions.get().occurred_at >= before
    customer.refresh_from_db()
    assert customer.last_contact_on == timezone.localdate()


def test_a_note_through_the_page_does_not_count_as_contact(rep_client, customer):
    log(rep_client, customer, kind="note", occurred_on="1403/02/15", summary="یادداشت")
    customer.refresh_from_db()
    assert customer.last_contact_on is None
    assert customer.interactions.count() == 1


def test_an_older_call_through_the_page_never_moves_the_last_contact_back(rep_client, customer):
    log(rep_client, customer, kind="visit", occurred_on="1403/02/15", summary="حضوری")
    log(rep_client, customer, kind="call", occurred_on="1403/01/15", summary="قدیمی")
    customer.refresh_from_db()
    assert customer.last_contact_on == D(2024, 5, 4)


def test_an_interaction_without_a_summary_is_sent_back_with_errors(rep_client, customer):
    response = log(rep_client, customer, kind="call", occurred_on="1403/02/15", summary="")
    assert response.status_code == 400
    assert "summary" in response.context["interaction_form"].errors
    assert not customer.interactions.exists()


def test_the_detail_page_shows_figures_and_the_timeline(rep_client, customer, rep):
    services.purchase_add(customer=customer, purchased_on=D(2024, 5, 4), amount=Decimal(12_345_670), reference="F-9")
    services.interaction_log(customer=customer, kind="call", summary="تماس اول", by=rep)
    html = rep_client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert "۱٬۲۳۴٬۵۶۷ تومان" in html  # 12,345,670 Rial shown in Toman
    assert "۱۵ اردیبهشت ۱۴۰۳" in html
    assert "تماس اول" in html
    assert reverse("customers:purchase_edit", args=[customer.pk, customer.purchases.get().pk]) in html


def test_an_invalid_filter_choice_is_ignored_but_the_search_still_applies(rep_client, rep):
    CustomerFactory(name="علی", owner=rep)
    CustomerFactory(name="رضا", owner=rep)
    response = rep_client.get(reverse("customers:list"), {"q": "رضا", "segment": "999", "sort": "bogus"})
    assert [c.name for c in response.context["page"].object_list] == ["رضا"]


@pytest.mark.parametrize(("asked", "shown"), [("5", 10), ("30", 30), ("1000", 200), ("many", 50)])
def test_the_page_size_is_kept_between_10_and_200(rep_client, rep, settings, asked, shown):
    settings.PEYGIR_CUSTOMERS_PER_PAGE = 50
    CustomerFactory.create_batch(3, owner=rep)
    response = rep_client.get(reverse("customers:list"), {"per_page": asked})
    assert response.context["page"].paginator.per_page == shown


@pytest.mark.parametrize(
    ("stored_name", "stored_mobile", "query"),
    [
        ("علي كريمي", "09121234567", "علی کریمی"),  # Arabic stored, Persian typed
        ("علی کریمی", "09121234567", "علي كريمي"),  # Persian stored, Arabic typed
        ("علی کریمی", "09121234567", "۰۹۱۲۱۲۳۴۵۶۷"),  # Persian digits find a Latin-digit mobile
        ("علی کریمی", "09121234567", "٤٥٦٧"),  # Arabic-Indic digits
        ("علی کریمی", "09121234567", "کریمی علی"),  # several words, any order
        ("سارا نیک‌نام", "09121234567", "نیک‌نام"),  # ZWNJ typed and stored
        ("سارا نیک‌نام", "09121234567", "نیک نام"),
    ],
)
def test_the_list_page_search_ignores_how_persian_is_typed(rep_client, rep, stored_name, stored_mobile, query):
    CustomerFactory(name=stored_name, mobile=stored_mobile, owner=rep)
    CustomerFactory(name="رضا رضایی", mobile="09350000000", owner=rep)
    response = rep_client.get(reverse("customers:list"), {"q": query})
    assert [c.name for c in response.context["page"].object_list] == [stored_name]
    assert response.context["page"].paginator.count == 1
