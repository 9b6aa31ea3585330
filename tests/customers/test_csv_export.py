"""CSV export: Excel-readable UTF-8, only what the user may see, the list's filters, and importable back."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers import csv_io, services
from customers.models import Customer, ImportRun
from tests.core.formulas import FORMULAS, opens_a_formula
from tests.factories import CustomerFactory, SegmentFactory

pytestmark = pytest.mark.django_db

EXPORT_URL = reverse("customers:export")
HEADER = [
    "name", "mobile", "reference", "email", "company", "city", "segment", "owner", "language", "notes", "contract_end",
    "first_purchase", "last_purchase", "purchase_count", "total_spent_rial", "last_contact", "created",
]  # fmt: skip


def exported(response) -> bytes:
    """The whole file of a streamed export."""
    assert response.streaming
    return b"".join(response.streaming_content)


def exported_text(response) -> str:
    return exported(response).decode("utf-8-sig")


def rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(exported_text(response))))


def test_the_export_starts_with_a_bom_so_excel_reads_utf8(rep_client, rep):
    CustomerFactory(owner=rep, name="علی")
    response = rep_client.get(EXPORT_URL)
    content = exported(response)
    assert content.startswith(b"\xef\xbb\xbf")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "علی" in content.decode("utf-8-sig")


def test_the_export_is_a_dated_attachment(rep_client):
    response = rep_client.get(EXPORT_URL)
    assert response["Content-Disposition"] == f'attachment; filename="customers-{timezone.localdate().isoformat()}.csv"'


def test_the_header_row_is_the_import_columns_then_the_figures(rep_client):
    first_line = exported_text(rep_client.get(EXPORT_URL)).splitlines()[0]
    assert first_line.split(",") == HEADER
    assert HEADER[: len(csv_io.COLUMNS[csv_io.CUSTOMERS])] == csv_io.COLUMNS[csv_io.CUSTOMERS]


def test_an_empty_export_is_just_the_header(rep_client):
    assert exported_text(rep_client.get(EXPORT_URL)).splitlines() == [",".join(HEADER)]


def test_a_rep_exports_only_their_own_customers(rep_client, rep, other_rep):
    CustomerFactory(owner=rep, name="مال من")
    CustomerFactory(owner=other_rep, name="مال دیگری")
    CustomerFactory(owner=None, name="بی‌صاحب")
    assert [row["name"] for row in rows(rep_client.get(EXPORT_URL))] == ["مال من"]


def test_the_export_applies_the_list_s_search_segment_owner_and_sort(manager_client, rep, other_rep):
    wholesale = SegmentFactory(name="عمده")
    CustomerFactory(owner=rep, name="علی الف", segment=wholesale)
    CustomerFactory(owner=rep, name="علی ب")
    CustomerFactory(owner=other_rep, name="علی ج", segment=wholesale)
    CustomerFactory(owner=other_rep, name="رضا")

    def names(**query):
        return [row["name"] for row in rows(manager_client.get(EXPORT_URL, query))]

    assert names() == ["رضا", "علی الف", "علی ب", "علی ج"]
    assert names(q="علي") == ["علی الف", "علی ب", "علی ج"]  # Arabic yeh in the query
    assert names(q="علی", segment=wholesale.pk) == ["علی الف", "علی ج"]
    assert names(q="علی", owner=other_rep.pk) == ["علی ج"]
    assert names(sort="-created_at")[0] == "رضا"


def test_the_list_page_links_the_export_with_its_filters(rep_client):
    html = rep_client.get(reverse("customers:list"), {"q": "علی", "page": "1"}).content.decode()
    assert f'href="{EXPORT_URL}?q=%D8%B9%D9%84%DB%8C"' in html


@pytest.fixture
def bought(rep):
    customer = CustomerFactory(
        owner=rep, name="علی", email="ali@example.com", company="پخش", city="تهران", notes='گفت "فردا"\nزنگ بزن'
    )
    services.purchase_add(customer=customer, purchased_on=datetime.date(2024, 5, 4), amount=Decimal(1_500_000))
    services.purchase_add(customer=customer, purchased_on=datetime.date(2024, 6, 1), amount=Decimal(500_000))
    services.interaction_log(
        customer=customer, kind="call", occurred_at=timezone.make_aware(datetime.datetime(2024, 6, 2, 10))
    )
    return customer


def test_figures_and_dates_are_jalali_on_a_persian_page(rep_client, bought):
    [row] = rows(rep_client.get(EXPORT_URL))
    assert (row["first_purchase"], row["last_purchase"], row["last_contact"]) == (
        "1403/02/15",
        "1403/03/12",
        "1403/03/13",
    )
    assert (row["purchase_count"], row["total_spent_rial"]) == ("2", "2000000")
    assert (row["owner"], row["language"], row["notes"]) == ("rep1", "fa", 'گفت "فردا"\nزنگ بزن')


def test_dates_are_gregorian_on_an_english_page(rep_client, bought):
    rep_client.cookies["django_language"] = "en"
    [row] = rows(rep_client.get(EXPORT_URL))
    assert (row["first_purchase"], row["last_purchase"], row["last_contact"]) == (
        "2024-05-04",
        "2024-06-01",
        "2024-06-02",
    )


@pytest.fixture
def book(rep, other_rep, bought):
    wholesale = SegmentFactory(name="عمده، تهران")
    CustomerFactory(owner=other_rep, name='شرکت "آفتاب"', company="آفتاب, شعبه ۲", segment=wholesale)
    CustomerFactory(owner=None, name="Sara", email="sara@example.com", preferred_language="en", notes="a;b")
    return Customer.objects.order_by("mobile")


def test_exporting_then_importing_the_export_adds_nothing(manager_client, book):
    text = exported_text(manager_client.get(EXPORT_URL))
    checked = csv_io.preview_import(kind=csv_io.CUSTOMERS, text=text)
    assert (len(checked.rows), checked.error_count, checked.skipped_count) == (3, 0, 3)
    assert csv_io.apply_import(checked) == 0
    assert Customer.objects.count() == 3


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_export_round_trips_through_the_import_pages(
    manager_client, book, language, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.PEYGIR_IMPORT_DIR = tmp_path
    manager_client.cookies["django_language"] = language
    upload = SimpleUploadedFile("export.csv", exported(manager_client.get(EXPORT_URL)), "text/csv")
    response = manager_client.post(reverse("customers:import"), {"kind": "customers", "unit": "rial", "file": upload})
    run = ImportRun.objects.get()
    assert response["Location"] == reverse("customers:import_columns", args=[run.pk])
    assert run.mapping == csv_io.COLUMNS[csv_io.CUSTOMERS] + [""] * len(csv_io.EXPORT_FIGURES)  # every column known
    offered = {f"column_{index}": name for index, name in enumerate(run.mapping)}
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(reverse("customers:import_columns", args=[run.pk]), offered)
    run.refresh_from_db()
    assert (run.phase, run.will_create, run.will_update, run.unchanged, run.rejected) == ("checked", 0, 0, 3, 0)


def test_every_exported_column_imports_back_to_the_same_customer(manager_client, book):
    """The export imported into a shop without these customers: each field must come back unchanged.

    (Under new mobiles alone the rows would find the same customers again, by their email.)
    """
    fields = ("name", "email", "company", "city", "segment_id", "owner_id", "preferred_language", "notes")
    originals = {c.mobile: [getattr(c, f) for f in fields] for c in book}
    text = exported_text(manager_client.get(EXPORT_URL))
    Customer.objects.all().delete()
    checked = csv_io.preview_import(kind=csv_io.CUSTOMERS, text=text)
    assert csv_io.apply_import(checked) == 3
    for mobile, values in originals.items():
        copy = Customer.objects.get(mobile=mobile)
        assert [getattr(copy, f) for f in fields] == values


# --- no cell runs as a formula ------------------------------------------------------------


@pytest.mark.parametrize(("typed", "written"), FORMULAS.items(), ids=repr)
def test_no_cell_of_the_customer_export_runs_as_a_formula(manager_client, rep, typed, written):
    CustomerFactory(owner=rep, name=typed, company=typed, city=typed, notes=typed, segment=SegmentFactory(name=typed))
    [row] = rows(manager_client.get(EXPORT_URL))
    assert [row[column] for column in ("name", "company", "city", "segment", "notes")] == [written] * 5
    assert not any(opens_a_formula(cell) for cell in row.values())


def test_figures_stay_numbers_beside_neutralised_text(manager_client, rep):
    customer = CustomerFactory(owner=rep, name="-2+3")
    services.purchase_add(customer=customer, purchased_on=datetime.date(2024, 5, 4), amount=Decimal(1_000_000))
    [row] = rows(manager_client.get(EXPORT_URL))
    assert (row["name"], row["purchase_count"], row["total_spent_rial"]) == ("'-2+3", "1", "1000000")


def test_a_neutralised_export_imports_back_to_what_was_typed(manager_client, rep):
    """The apostrophe the export adds comes off on import, so an edited export changes no name."""
    typed = [name for name in FORMULAS if name == name.strip()]  # the import trims cells
    for index, name in enumerate(typed):
        CustomerFactory(owner=rep, name=name, notes=name, mobile=f"0912000000{index}")
    text = exported_text(manager_client.get(EXPORT_URL)).replace("0912000000", "0990000000")
    checked = csv_io.preview_import(kind=csv_io.CUSTOMERS, text=text)
    assert (checked.error_count, csv_io.apply_import(checked)) == (0, len(typed))
    copies = Customer.objects.filter(mobile__startswith="0990").order_by("mobile")
    assert [(copy.name, copy.notes) for copy in copies] == [(name, name) for name in typed]


# --- streamed, one query for the rows ---------------------------------------------------------


def _export_queries(client) -> list[str]:
    """The statements one export sends, the whole file read."""
    with CaptureQueriesContext(connection) as context:
        exported(client.get(EXPORT_URL))
    return [query["sql"] for query in context.captured_queries]


def test_the_export_costs_the_same_queries_for_3_customers_as_for_60(manager_client, rep, other_rep):
    for owner in (rep, other_rep, None):
        CustomerFactory(owner=owner, segment=SegmentFactory())
    few = _export_queries(manager_client)
    for number in range(57):
        CustomerFactory(owner=(rep, other_rep, None)[number % 3], segment=SegmentFactory())
    many = _export_queries(manager_client)
    assert len(many) == len(few)
    reading_rows = [sql for sql in many if 'FROM "customers_customer"' in sql and "COUNT(" not in sql]
    assert len(reading_rows) == 1  # owners, segments and contract ends come in the same query
    assert len(rows(manager_client.get(EXPORT_URL))) == 60


def test_the_export_is_streamed_in_pieces(manager_client, rep, monkeypatch):
    monkeypatch.setattr(csv_io, "EXPORT_PIECE_ROWS", 2)
    CustomerFactory.create_batch(5, owner=rep)
    pieces = list(manager_client.get(EXPORT_URL).streaming_content)
    assert len(pieces) == 3  # the header with rows 1 and 2, rows 3 and 4, row 5
    assert b"".join(pieces).decode("utf-8-sig").count("\n") == 6
