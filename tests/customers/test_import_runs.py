"""An import run end to end through its service: upload, columns, check, import, rerun, resume."""

import codecs
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from openpyxl import Workbook

from customers import imports, services
from customers.import_files import ImportFileError
from customers.models import Customer, ImportMapping, ImportRun, Purchase
from loyalty.models import LoyaltyAccount, PointsEntry
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

Phase = ImportRun.Phase

SHOP_CUSTOMERS = (
    "Customer Name,Cell,Customer No,E-mail\nمینا,0912 111 0001,C-1,\nرضا,,C-2,reza@example.com\n,09121110003,,\n"
)


@pytest.fixture(autouse=True)
def _import_dir(settings, tmp_path):
    settings.PEYGIR_IMPORT_DIR = tmp_path


def upload(content: bytes | str, name="shop.csv"):
    return SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content)


def start(manager, content, *, kind="customers", unit="rial", name="shop.csv") -> ImportRun:
    return imports.run_start(upload=upload(content, name), kind=kind, unit=unit, by=manager, language="fa")


def check_and_import(run: ImportRun, mapping: list[str], *, unit="rial") -> ImportRun:
    """Both passes, as the worker runs them (in line here)."""
    assert imports.run_check(run=run, mapping=mapping, unit=unit) == []
    run.refresh_from_db()
    imports.pass_run(run.pk, str(run.pass_token))
    run.refresh_from_db()
    assert run.phase == Phase.CHECKED, run.failure
    imports.run_import(run=run)
    run.refresh_from_db()
    imports.pass_run(run.pk, str(run.pass_token))
    run.refresh_from_db()
    return run


def test_a_shop_s_own_headers_are_mapped_by_hand_and_the_choice_is_remembered(manager):
    run = start(manager, SHOP_CUSTOMERS)
    assert run.header == ["Customer Name", "Cell", "Customer No", "E-mail"]
    assert run.mapping == ["", "", "", ""]  # no column name Peygir knows
    mapping = ["name", "mobile", "reference", "email"]
    run = check_and_import(run, mapping)
    assert (run.created, run.updated, run.unchanged, run.rejected) == (2, 0, 0, 1)
    assert set(Customer.objects.values_list("reference", "mobile")) == {("C-1", "09121110001"), ("C-2", "")}
    assert ImportMapping.objects.count() == 1
    assert start(manager, SHOP_CUSTOMERS).mapping == mapping  # the next file with the same header


def test_the_check_counts_what_the_import_will_do_and_writes_nothing(manager):
    CustomerFactory(reference="C-1", name="مینای قدیم")
    run = start(manager, SHOP_CUSTOMERS)
    imports.run_check(run=run, mapping=["name", "mobile", "reference", "email"], unit="rial")
    run.refresh_from_db()
    imports.pass_run(run.pk, str(run.pass_token))
    run.refresh_from_db()
    assert (run.phase, run.rows_total, run.will_create, run.will_update, run.rejected) == (Phase.CHECKED, 3, 1, 1, 1)
    assert Customer.objects.count() == 1
    assert [r.line for r in imports.first_rejections(run)] == [4]


def test_a_choice_of_columns_without_a_name_or_a_key_is_refused(manager):
    run = start(manager, SHOP_CUSTOMERS)
    with translation.override("en"):
        problems = imports.run_check(run=run, mapping=["", "", "", "email"], unit="rial")
        assert problems == ["Choose the column that holds the name."]
        problems = imports.run_check(run=run, mapping=["name", "name", "", ""], unit="rial")
    assert len(problems) == 2  # the name twice, and nothing says who the customer is
    run.refresh_from_db()
    assert run.phase == Phase.MAPPING


def test_importing_the_same_file_again_changes_nothing(manager):
    mapping = ["name", "mobile", "reference", "email"]
    check_and_import(start(manager, SHOP_CUSTOMERS), mapping)
    again = check_and_import(start(manager, SHOP_CUSTOMERS), mapping)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 2, 1)
    assert Customer.objects.count() == 2


def test_purchases_in_toman_with_decimals_become_whole_rials(manager):
    CustomerFactory(reference="C-1")
    run = start(manager, 'ref,date,amount,invoice\nC-1,1403/02/15,"1,500.55",F-1\n', kind="purchases")
    run = check_and_import(run, ["reference", "date", "amount", "invoice"], unit="toman")
    assert run.created == 1
    assert Purchase.objects.get().amount == 15006


def _killed_on_the_third_chunk(monkeypatch, run):
    """The import pass of ``run`` as a worker killed while it writes its third chunk; returns the real
    ``write_rows`` to put back."""
    real_write, written = imports.csv_io.write_rows, []

    def dies_on_the_third_chunk(kind, chunk):
        if len(written) == 2:
            raise SystemExit("worker killed")
        written.append(chunk)
        return real_write(kind, chunk)

    monkeypatch.setattr(imports.csv_io, "write_rows", dies_on_the_third_chunk)
    with pytest.raises(SystemExit):
        imports.pass_run(run.pk, str(run.pass_token))
    return real_write


def test_a_killed_import_resumes_where_it_stopped_and_writes_nothing_twice(manager, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK_ROWS", 2)
    rows = "".join(f"مشتری {n},0912{n:07d}\n" for n in range(7))
    run = start(manager, "name,mobile\n" + rows)
    imports.run_check(run=run, mapping=["name", "mobile"], unit="rial")
    run.refresh_from_db()
    imports.pass_run(run.pk, str(run.pass_token))
    imports.run_import(run=run)
    run.refresh_from_db()

    real_write = _killed_on_the_third_chunk(monkeypatch, run)
    run.refresh_from_db()
    assert (run.phase, run.created, Customer.objects.count()) == (Phase.IMPORTING, 4, 4)

    monkeypatch.setattr(imports.csv_io, "write_rows", real_write)
    assert not imports.run_resume(run=run)  # still reporting: not stalled yet
    ImportRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - imports.STALLED_AFTER * 2)
    run.refresh_from_db()
    assert imports.stalled(run)
    old_token = str(run.pass_token)
    assert imports.run_resume(run=run)
    run.refresh_from_db()
    imports.pass_run(run.pk, old_token)  # the killed pass's task, redelivered: taken over, does nothing
    imports.pass_run(run.pk, str(run.pass_token))
    run.refresh_from_db()
    assert (run.phase, run.created, run.unchanged, Customer.objects.count()) == (Phase.DONE, 7, 0, 7)


def _follow_ons(customers) -> list[tuple]:
    """What follows a customer's purchases: figures, rhythm and points."""
    points = {row[0]: row[1:] for row in LoyaltyAccount.objects.values_list("customer_id", "available", "pending")}
    fields = ("purchase_count", "total_spent", "first_purchase_on", "last_purchase_on", "rhythm__gap_days")
    rows = Customer.objects.filter(pk__in=[c.pk for c in customers]).order_by("pk")
    return [(*row, points.get(pk)) for pk, *row in rows.values_list("pk", *fields, "rhythm__basis")]


PURCHASES_MAPPING = ["reference", "date", "amount", "invoice"]


def _purchases_import_killed_mid_file(manager, monkeypatch) -> tuple[ImportRun, str]:
    """Seven purchases of three customers, two rows a chunk, the worker killed on the third chunk:
    four purchases written, their follow-ons waiting for the end of the file. The run (stalled by
    now) and the file's text."""
    monkeypatch.setattr(imports, "CHUNK_ROWS", 2)
    for n in (1, 2, 3):
        CustomerFactory(reference=f"C-{n}")
    days = ["2024-01-10", "2024-03-10", "2024-02-01", "2024-04-01", "2024-01-05", "2024-02-05", "2024-03-05"]
    owners = ["C-1", "C-1", "C-2", "C-2", "C-3", "C-3", "C-3"]
    lines = "".join(f"{ref},{day},5000000,F-{n}\n" for n, (ref, day) in enumerate(zip(owners, days, strict=True)))
    content = "ref,date,amount,invoice\n" + lines
    run = start(manager, content, kind="purchases")
    imports.run_check(run=run, mapping=PURCHASES_MAPPING, unit="rial")
    run.refresh_from_db()
    imports.pass_run(run.pk, str(run.pass_token))
    imports.run_import(run=run)
    run.refresh_from_db()

    real_write = _killed_on_the_third_chunk(monkeypatch, run)
    assert Purchase.objects.count() == 4
    assert Customer.objects.get(reference="C-1").purchase_count == 0  # written; settled at the end of the file
    monkeypatch.setattr(imports.csv_io, "write_rows", real_write)
    ImportRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - imports.STALLED_AFTER * 2)
    run.refresh_from_db()
    return run, content


def _every_purchase_counted_and_earning() -> None:
    assert Purchase.objects.count() == 7
    assert [c.purchase_count for c in Customer.objects.order_by("pk")] == [2, 2, 3]
    assert Customer.objects.get(reference="C-1").last_purchase_on == datetime.date(2024, 3, 10)
    assert set(PointsEntry.objects.values_list("purchase_id", flat=True)) == set(
        Purchase.objects.values_list("pk", flat=True)
    )
    assert not list(imports.import_dir().glob("*.pending"))


def test_a_purchases_import_killed_mid_file_leaves_figures_rhythm_and_points_right_once_resumed(manager, monkeypatch):
    """The follow-ons wait for the end of the file: the customers of the chunks the killed worker
    committed are settled by the resumed pass, as if nothing had happened."""
    run, _content = _purchases_import_killed_mid_file(manager, monkeypatch)
    customers = list(Customer.objects.order_by("pk"))

    assert imports.run_resume(run=run)
    run.refresh_from_db()
    imports.pass_run(run.pk, str(run.pass_token))
    run.refresh_from_db()

    assert (run.phase, run.created) == (Phase.DONE, 7)
    _every_purchase_counted_and_earning()
    settled = _follow_ons(customers)
    everyone = [(p.customer_id, p.purchased_on) for p in Purchase.objects.all()]
    services.purchases_follow_ons(purchases=everyone)  # done again from scratch: the same
    assert _follow_ons(customers) == settled
    assert all(basis and points for *_figures, basis, points in settled)


def test_a_killed_import_uploaded_again_instead_of_resumed_still_counts_what_the_killed_one_wrote(
    manager, monkeypatch
):
    _killed, content = _purchases_import_killed_mid_file(manager, monkeypatch)

    again = check_and_import(start(manager, content, kind="purchases"), PURCHASES_MAPPING)

    assert (again.phase, again.created, again.unchanged) == (Phase.DONE, 3, 4)
    _every_purchase_counted_and_earning()


def test_an_excel_workbook_is_read_with_its_typed_cells(manager):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["نام", "موبایل", "پایان قرارداد"])
    sheet.append(["سارا", 9121110009, timezone.datetime(2027, 3, 1)])  # Excel dropped the leading zero
    buffer = io.BytesIO()
    workbook.save(buffer)
    run = start(manager, buffer.getvalue(), name="shop.xlsx")
    assert (run.format, run.mapping) == ("xlsx", ["name", "mobile", "contract_end"])
    run = check_and_import(run, run.mapping)
    customer = Customer.objects.get()
    assert (run.created, customer.mobile, str(customer.contracts.get().ends_on)) == (1, "09121110009", "2027-03-01")


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("cp1256"),
        lambda text: codecs.BOM_UTF16_LE + text.replace("\n", "\r\n").replace(",", "\t").encode("utf-16-le"),
        lambda text: codecs.BOM_UTF8 + text.encode(),
    ],
    ids=["Windows-1256", "UTF-16 from Excel", "UTF-8 with BOM"],
)
def test_files_in_the_encodings_excel_writes_are_read(manager, encode):
    text = "نام,موبايل\nعلي,09121234567\n"  # Windows-1256 has no Persian yeh: Windows writes ي
    run = check_and_import(start(manager, encode(text)), ["name", "mobile"])
    assert (run.created, Customer.objects.get().name) == (1, "علي")


@pytest.mark.parametrize(
    "content, says",
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01", "not text"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old Excel file"),
        (b"PK\x03\x04 not really a workbook", "cannot be opened"),
        (b'name,mobile\n"open quote,0912\n', "never closed"),
    ],
    ids=["empty", "binary", "xls", "broken xlsx", "open quote"],
)
def test_a_file_that_cannot_be_read_is_refused_and_nothing_is_kept(manager, settings, content, says):
    with pytest.raises(ImportFileError) as refused, translation.override("en"):
        start(manager, content)
    assert says in str(refused.value)
    assert not ImportRun.objects.exists()
    assert not list(settings.PEYGIR_IMPORT_DIR.iterdir())


def test_the_rejected_rows_download_says_why_in_the_manager_s_language(manager):
    run = check_and_import(start(manager, SHOP_CUSTOMERS), ["name", "mobile", "reference", "email"])
    rows = list(imports.rejected_rows(run))
    assert rows == [["", "09121110003", "", "", "نام خالی است."]]
    assert imports.rejected_header(run)[:4] == run.header
    with translation.override("en"):  # another reader: the file is still one language, the run's
        assert imports.rejected_header(run)[4] == "چرا درون‌ریزی نشد"
