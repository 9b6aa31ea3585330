"""The import pages: upload and preview write nothing; confirm imports the valid rows once."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext

from core.phones import normalize_phone
from customers.models import Customer, Purchase
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("customers:import")
CONFIRM_URL = reverse("customers:import_confirm")

CUSTOMERS = """نام,موبایل,مسئول,شهر
علی کریمی,09121234567,rep1,تهران
سارا,۰۹۳۵ ۱۱۱ ۲۲۲۲,,شیراز
تلفن ثابت,02188,,
"""
PURCHASES = """mobile;date;amount;invoice
09121234567;1403/02/15;1,500,000;F-1
09121234567;2024-06-01;500000;F-2
09129999999;1403/02/15;100;F-3
09121234567;1402/12/30;100;F-4
"""


def upload(client, kind: str, text: str, *, bom: bool = True, encoding: str = "utf-8"):
    raw = ("\ufeff" if bom else "").encode() + text.encode(encoding)
    return client.post(IMPORT_URL, {"kind": kind, "file": SimpleUploadedFile("data.csv", raw, "text/csv")})


def confirm(client, token: str):
    return client.post(CONFIRM_URL, {"token": token}, follow=True)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("bom", [True, False], ids=["with BOM", "without BOM"])
def test_uploading_shows_a_preview_and_writes_nothing(manager_client, rep, bom):
    response = upload(manager_client, "customers", CUSTOMERS, bom=bom)
    assert response.status_code == 200
    preview = response.context["preview"]
    assert (len(preview.importable_rows), preview.error_count) == (2, 1)
    assert response.context["token"]
    assert 'data-testid="import-preview"' in response.content.decode()
    assert not Customer.objects.exists()


def test_confirming_imports_the_valid_rows_and_reports_the_counts(manager_client, rep):
    token = upload(manager_client, "customers", CUSTOMERS).context["token"]
    response = confirm(manager_client, token)
    assert response.redirect_chain == [(reverse("customers:list"), 302)]
    assert set(Customer.objects.values_list("mobile", flat=True)) == {"09121234567", "09351112222"}
    assert Customer.objects.get(mobile="09121234567").owner == rep
    assert messages_of(response) == [
        gettext("%(imported)s rows imported, %(skipped)s already there, %(errors)s with errors not imported.")
        % {"imported": 2, "skipped": 0, "errors": 1}
    ]
    assert "۲" in response.content.decode()  # shown with Persian digits


def test_per_row_errors_are_shown_in_persian_with_the_value(manager_client):
    html = upload(manager_client, "customers", CUSTOMERS).content.decode()
    with pytest.raises(ValidationError) as caught:
        normalize_phone("02188")
    persian = caught.value.messages[0]
    assert "۰۲۱۸۸" in persian
    assert escape(persian) in html


def test_per_row_errors_are_shown_in_english_on_an_english_page(manager_client):
    manager_client.cookies["django_language"] = "en"
    html = upload(manager_client, "customers", CUSTOMERS).content.decode()
    assert "02188" in html
    assert "is not a phone number" in html


def test_a_purchases_file_goes_through_preview_and_confirm_and_sets_the_figures(manager_client, rep):
    buyer = CustomerFactory(mobile="09121234567", owner=rep)
    response = upload(manager_client, "purchases", PURCHASES)
    preview = response.context["preview"]
    assert (len(preview.importable_rows), preview.error_count) == (2, 2)
    assert not Purchase.objects.exists()
    confirm(manager_client, response.context["token"])
    buyer.refresh_from_db()
    assert (buyer.first_purchase_on, buyer.last_purchase_on, buyer.purchase_count, buyer.total_spent) == (
        datetime.date(2024, 5, 4),
        datetime.date(2024, 6, 1),
        2,
        Decimal(2_000_000),
    )


def test_importing_the_same_file_again_through_the_pages_changes_nothing(manager_client, rep):
    buyer = CustomerFactory(mobile="09121234567", owner=rep)
    confirm(manager_client, upload(manager_client, "purchases", PURCHASES).context["token"])
    buyer.refresh_from_db()
    before = (Purchase.objects.count(), buyer.purchase_count, buyer.total_spent, buyer.last_purchase_on)

    again = upload(manager_client, "purchases", PURCHASES)
    assert (len(again.context["preview"].importable_rows), again.context["preview"].skipped_count) == (0, 2)
    confirm(manager_client, again.context["token"])
    buyer.refresh_from_db()
    assert (Purchase.objects.count(), buyer.purchase_count, buyer.total_spent, buyer.last_purchase_on) == before


def test_a_cp1256_file_is_a_file_error_and_nothing_is_kept(manager_client):
    response = upload(manager_client, "customers", "نام,موبايل\nعلي,09121234567\n", bom=False, encoding="cp1256")
    assert response.status_code == 200
    assert response.context["preview"] is None
    assert "UTF-8" in response.context["form"].errors["file"][0]
    assert "customer_import" not in manager_client.session
    assert not Customer.objects.exists()


def test_a_file_missing_columns_is_a_file_error(manager_client):
    response = upload(manager_client, "purchases", "mobile,amount\n09121234567,100\n")
    assert response.context["preview"] is None
    assert "invoice" in response.context["form"].errors["file"][0]


def test_a_forged_token_writes_nothing_and_sends_back_to_upload(manager_client, rep):
    upload(manager_client, "customers", CUSTOMERS)
    response = confirm(manager_client, "forged")
    assert response.redirect_chain == [(IMPORT_URL, 302)]
    assert not Customer.objects.exists()
    assert len(messages_of(response)) == 1


def test_confirming_without_any_upload_writes_nothing(manager_client):
    response = confirm(manager_client, "")
    assert response.redirect_chain == [(IMPORT_URL, 302)]
    assert not Customer.objects.exists()


def test_a_token_replaced_by_a_newer_upload_has_expired(manager_client, rep):
    old_token = upload(manager_client, "customers", CUSTOMERS).context["token"]
    upload(manager_client, "customers", "name,mobile\nدیگری,09350000000\n")
    confirm(manager_client, old_token)
    assert not Customer.objects.exists()


def test_a_token_is_good_for_one_import_only(manager_client, rep):
    token = upload(manager_client, "customers", CUSTOMERS).context["token"]
    assert confirm(manager_client, token).redirect_chain == [(reverse("customers:list"), 302)]
    again = confirm(manager_client, token)
    assert again.redirect_chain == [(IMPORT_URL, 302)]  # the expired-preview path: nothing re-checked or written
    assert "customer_import" not in manager_client.session
    assert Customer.objects.count() == 2


def test_confirm_checks_the_file_again_against_today_s_data(manager_client, rep):
    token = upload(manager_client, "customers", CUSTOMERS).context["token"]
    CustomerFactory(mobile="09121234567", name="ثبت شده در این فاصله", owner=rep)
    confirm(manager_client, token)
    assert Customer.objects.get(mobile="09121234567").name == "ثبت شده در این فاصله"
    assert Customer.objects.count() == 2


def test_the_preview_page_renders_in_english_too(manager_client, rep):
    manager_client.cookies["django_language"] = "en"
    response = upload(manager_client, "customers", CUSTOMERS)
    html = response.content.decode()
    assert 'dir="ltr"' in html
    assert "Import 2 valid rows" in html


# --- files that cannot be read: a clear message in the preview, nothing kept or written -------

NUL_FILE = "name,mobile\nعلی,09121234567\nرضا\x00,09121234568\n"
OPEN_QUOTE_FILE = 'name,mobile\nعلی,09121234567\n"رضا,09121234568\nسارا,09121234569\n'


@pytest.mark.parametrize(
    ("text", "persian", "english"),
    [
        (NUL_FILE, "ردیف ۳ یک نویسهٔ تهی", "Line 3 contains a NUL character"),
        (OPEN_QUOTE_FILE, "ردیف ۳ خوانده نشد", 'Line 3 could not be read: a quote (") in it is never closed'),
    ],
    ids=["NUL byte", "quote never closed"],
)
@pytest.mark.parametrize("language", ["fa", "en"])
def test_an_unreadable_file_is_explained_in_the_preview_and_nothing_is_kept(
    manager_client, text, persian, english, language
):
    manager_client.cookies["django_language"] = language
    response = upload(manager_client, "customers", text)
    assert response.status_code == 200
    assert response.context["preview"] is None
    [error] = response.context["form"].errors["file"]
    assert error.startswith(persian if language == "fa" else english)
    assert escape(error) in response.content.decode()
    assert "customer_import" not in manager_client.session
    assert not Customer.objects.exists()


def test_an_unreadable_file_leaves_an_earlier_preview_as_it_was(manager_client, rep):
    """The earlier good preview stays confirmable: the bad file neither replaces nor breaks it."""
    token = upload(manager_client, "customers", CUSTOMERS).context["token"]
    upload(manager_client, "customers", NUL_FILE)
    confirm(manager_client, token)
    assert Customer.objects.count() == 2


@pytest.mark.parametrize("text", [NUL_FILE, OPEN_QUOTE_FILE], ids=["NUL byte", "quote never closed"])
def test_confirm_checks_the_file_again_and_refuses_it_without_an_error_page(manager_client, text):
    """Defence in depth: a file that somehow reached the session (an older preview) is refused at confirm too."""
    session = manager_client.session
    session["customer_import"] = {"token": "t", "kind": "customers", "text": text}
    session.save()
    response = confirm(manager_client, "t")
    assert response.status_code == 200
    assert response.redirect_chain == [(IMPORT_URL, 302)]
    [message] = messages_of(response)
    assert message.startswith("هیچ ردیفی درون‌ریزی نشد: ردیف ۳")
    assert "customer_import" not in manager_client.session
    assert not Customer.objects.exists()
