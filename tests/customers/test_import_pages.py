"""The import pages as a manager uses them: upload, choose the columns, see the check, import, download
what was left out; and every way it can go wrong, in Persian and in English.

A pass (the check, the import) runs in line when the request that starts it commits
(``PEYGIR_BACKGROUND_THREADS`` is off in tests), so each such POST is wrapped in
``django_capture_on_commit_callbacks(execute=True)``.
"""

import csv
import io
import re
import tempfile
import time
import uuid
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext

from customers import csv_io, import_files, imports
from customers.import_files import ImportFileError
from customers.models import Customer, ImportMapping, ImportRun
from tests.concurrency import skip_on_sqlite
from tests.core.formulas import FORMULAS, opens_a_formula
from tests.customers.factories import SHOP_HEADER, SHOP_MAPPING, checked_run, csv_bytes, shop_rows, uploaded_run
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

Phase = ImportRun.Phase
LANGUAGES = ["fa", "en"]
LATIN_DIGIT = re.compile(r"[0-9]")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@pytest.fixture(autouse=True)
def _import_dir(settings, tmp_path):
    settings.PEYGIR_IMPORT_DIR = tmp_path


@pytest.fixture
def speaking(manager_client):
    """speaking(lang) -> the manager's client reading pages in ``lang`` (and the test's gettext in it too)."""

    def _speak(language):
        manager_client.cookies["django_language"] = language
        translation.activate(language)
        return manager_client

    return _speak


class _ByTestId(HTMLParser):
    """The text inside each element that carries ``data-testid="<testid>"``."""

    def __init__(self, testid: str):
        super().__init__(convert_charrefs=True)
        self.testid, self.open, self.found = testid, [], []

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            return
        self.open = [(index, depth + 1) for index, depth in self.open]
        if dict(attrs).get("data-testid") == self.testid:
            self.found.append("")
            self.open.append((len(self.found) - 1, 0))

    def handle_endtag(self, tag):
        if tag not in _VOID:
            self.open = [(index, depth - 1) for index, depth in self.open if depth > 0]

    def handle_data(self, data):
        for index, _depth in self.open:
            self.found[index] += data


def texts(response, testid: str) -> list[str]:
    parser = _ByTestId(testid)
    parser.feed(response.content.decode())
    return [" ".join(found.split()) for found in parser.found]


def text(response, testid: str) -> str:
    [found] = texts(response, testid)
    return found


def n(number: int, language: str) -> str:
    """A whole number (below a thousand) as a page in ``language`` writes it."""
    return str(number).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) if language == "fa" else str(number)


def counted(singular: str, plural: str, number: int, language: str) -> str:
    """A count's sentence as the page's {% blocktranslate count %} says it."""
    return ngettext(singular, plural, number) % {"n": n(number, language)}


def upload(client, content: bytes, *, name="shop.csv", kind="customers", unit="rial"):
    upload = SimpleUploadedFile(name, content, "text/csv")
    return client.post(reverse("customers:import"), {"kind": kind, "unit": unit, "file": upload})


def posted_mapping(mapping: list[str], unit="rial") -> dict:
    return {f"column_{index}": name for index, name in enumerate(mapping)} | {"unit": unit}


def check(client, run, mapping, capture, unit="rial"):
    """Step 2: post the columns; the check runs once the request commits."""
    with capture(execute=True):
        response = client.post(reverse("customers:import_columns", args=[run.pk]), posted_mapping(mapping, unit))
    run.refresh_from_db()
    return response


def start(client, run, capture):
    with capture(execute=True):
        response = client.post(reverse("customers:import_start", args=[run.pk]))
    run.refresh_from_db()
    return response


def only_run() -> ImportRun:
    [run] = ImportRun.objects.all()
    return run


def stored_files(settings) -> list[Path]:
    return list(Path(settings.PEYGIR_IMPORT_DIR).iterdir())


def shown_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- the way through -----------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_upload_leads_to_the_columns_page_with_known_names_chosen_and_the_first_cells_shown(speaking, language):
    client = speaking(language)
    content = csv_bytes([["name", "Cell", "Customer No", "E-mail"], ["مینا طاهری", "0912 111 0001", "C-1", ""]])

    response = upload(client, content)

    run = only_run()
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:import_columns", args=[run.pk])
    page = client.get(response["Location"])
    html = page.content.decode()
    assert f'<html lang="{language}" dir="{"rtl" if language == "fa" else "ltr"}">' in html
    form = page.context["form"]
    assert [form[f"column_{index}"].value() for index in range(4)] == ["name", "", "", ""]  # only "name" is known
    assert len(texts(page, "mapping-select")) == 4
    for shown in ("name", "Cell", "Customer No", "E-mail", "مینا طاهری", "0912 111 0001", "C-1"):
        assert f'<bdi translate="no">{shown}</bdi>' in html  # the file's own words, kept as they are
    assert gettext("Which column holds what") in html
    assert not texts(page, "mapping-remembered")  # no file with this header came before
    assert Customer.objects.count() == 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_check_counts_new_changed_unchanged_and_bad_rows_and_lists_the_errors_by_line(
    speaking, django_capture_on_commit_callbacks, language
):
    client = speaking(language)
    CustomerFactory(name="نام قدیمی", mobile="", reference="C-0")  # the file renames it
    CustomerFactory(name="مشتری 1", mobile="09350000001", reference="C-1")  # the file says the same
    rows = [*shop_rows(4), ["", "09350009999", ""], ["بد", "12345", ""]]
    upload(client, csv_bytes(rows))
    run = only_run()

    response = check(client, run, SHOP_MAPPING, django_capture_on_commit_callbacks)

    assert response["Location"] == reverse("customers:import_run", args=[run.pk])
    assert (run.phase, run.rows_total) == (Phase.CHECKED, 6)
    assert Customer.objects.count() == 2  # the check writes nothing
    page = client.get(response["Location"])
    assert text(page, "will-create") == counted("%(n)s new", "%(n)s new", 2, language)
    assert text(page, "will-update") == counted("%(n)s to update", "%(n)s to update", 1, language)
    assert text(page, "already-there") == counted("%(n)s already there", "%(n)s already there", 1, language)
    assert text(page, "error-count") == counted("%(n)s row with errors", "%(n)s rows with errors", 2, language)
    assert texts(page, "import-button")
    assert texts(page, "rejection-line") == [n(6, language), n(7, language)]  # the header is line 1
    empty_name, bad_phone = texts(page, "row-result")
    assert gettext("The name is empty.") in empty_name
    assert bad_phone
    assert not texts(page, "errors-elsewhere")  # every bad row is on the page
    assert gettext("Rows with errors") in text(page, "import-errors")
    if language == "fa":
        assert "نام خالی است" in empty_name
        assert not LATIN_DIGIT.search(text(page, "import-forecast") + text(page, "import-errors"))


def test_a_long_file_lists_only_the_first_errors_and_counts_them_all(
    manager_client, django_capture_on_commit_callbacks
):
    upload(manager_client, csv_bytes(shop_rows(380, bad=120)))
    run = only_run()

    check(manager_client, run, SHOP_MAPPING, django_capture_on_commit_callbacks)

    assert (run.rows_total, run.will_create, run.rejected) == (500, 380, 120)
    page = manager_client.get(reverse("customers:import_run", args=[run.pk]))
    assert len(texts(page, "row-result")) == imports.FIRST_ERRORS < 120
    assert texts(page, "rejection-line")[0] == "۳۸۲"  # after the header and 380 good rows
    assert text(page, "error-count") == "۱۲۰ ردیف دارای خطا"
    assert "۱۲۰" in text(page, "errors-elsewhere")  # the page says the download holds them all
    assert texts(page, "rejected-download")


@pytest.mark.parametrize("language", LANGUAGES)
def test_import_writes_the_checked_rows_and_shows_the_summary(
    speaking, settings, django_capture_on_commit_callbacks, language
):
    client = speaking(language)
    CustomerFactory(name="نام قدیمی", mobile="", reference="C-0")
    upload(client, csv_bytes(shop_rows(3, bad=1)))
    run = only_run()
    check(client, run, SHOP_MAPPING, django_capture_on_commit_callbacks)

    response = start(client, run, django_capture_on_commit_callbacks)

    assert response["Location"] == reverse("customers:import_run", args=[run.pk])
    assert (run.phase, run.created, run.updated, run.unchanged, run.rejected) == (Phase.DONE, 2, 1, 0, 1)
    assert set(Customer.objects.values_list("reference", flat=True)) == {"C-0", "C-1", "C-2"}
    assert Customer.objects.get(reference="C-0").name == "مشتری 0"  # the file's newer name
    page = client.get(response["Location"])
    assert text(page, "created") == counted("%(n)s created", "%(n)s created", 2, language)
    assert text(page, "updated") == counted("%(n)s updated", "%(n)s updated", 1, language)
    assert text(page, "unchanged") == counted("%(n)s already there", "%(n)s already there", 0, language)
    assert text(page, "rejected") == counted("%(n)s rejected", "%(n)s rejected", 1, language)
    assert texts(page, "rejection-line") == [n(5, language)]
    assert not texts(page, "import-button")  # nothing is left to import
    assert "hx-get" not in page.content.decode()  # over: the page stops asking
    assert not stored_files(settings)  # the imported file is not kept


def test_the_same_header_again_is_offered_the_remembered_columns_and_the_same_rows_import_nothing(
    manager_client, django_capture_on_commit_callbacks
):
    content = csv_bytes(shop_rows(3))
    upload(manager_client, content)
    first = only_run()
    check(manager_client, first, SHOP_MAPPING, django_capture_on_commit_callbacks)
    start(manager_client, first, django_capture_on_commit_callbacks)

    response = upload(manager_client, content)

    again = ImportRun.objects.exclude(pk=first.pk).get()
    page = manager_client.get(response["Location"])
    assert texts(page, "mapping-remembered")
    assert [page.context["form"][f"column_{index}"].value() for index in range(3)] == SHOP_MAPPING
    check(manager_client, again, SHOP_MAPPING, django_capture_on_commit_callbacks)
    assert (again.will_create, again.will_update, again.unchanged) == (0, 0, 3)
    page = manager_client.get(reverse("customers:import_run", args=[again.pk]))
    assert not texts(page, "import-button")
    assert text(page, "nothing-to-import") == gettext("Importing this file would change nothing in Peygir.")
    assert Customer.objects.count() == 3


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_rejected_rows_download_is_the_file_s_own_rows_each_with_why(
    speaking, django_capture_on_commit_callbacks, language
):
    client = speaking(language)
    upload(client, csv_bytes([*shop_rows(1), ["بد", "12345", "C-9"], ["", "09350000007", ""]]))
    run = only_run()
    check(client, run, SHOP_MAPPING, django_capture_on_commit_callbacks)
    start(client, run, django_capture_on_commit_callbacks)
    page = client.get(reverse("customers:import_run", args=[run.pk]))
    link = reverse("customers:import_rejected", args=[run.pk])
    assert f'href="{link}"' in page.content.decode()

    response = client.get(link)

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rejected = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    assert header == [*SHOP_HEADER, gettext("why it was not imported")]
    assert [cells[:3] for cells in rejected] == [["بد", "12345", "C-9"], ["", "09350000007", ""]]
    assert rejected[0][3]  # the phone's reason
    assert rejected[1][3] == gettext("The name is empty.")
    if language == "fa":
        assert rejected[1][3] == "نام خالی است."


TYPED_FORMULAS = {typed: written for typed, written in FORMULAS.items() if typed == typed.strip()}  # cells are trimmed


@pytest.mark.parametrize(("typed", "written"), TYPED_FORMULAS.items(), ids=repr)
def test_no_cell_of_the_rejected_rows_download_runs_as_a_formula(
    manager_client, django_capture_on_commit_callbacks, typed, written
):
    upload(manager_client, csv_bytes([*shop_rows(0), [typed, "12345", typed]]))  # the bad phone rejects it
    run = only_run()
    check(manager_client, run, SHOP_MAPPING, django_capture_on_commit_callbacks)

    response = manager_client.get(reverse("customers:import_rejected", args=[run.pk]))

    _header, [name, phone, reference, why] = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    assert (name, phone, reference) == (written, "12345", written)
    assert not any(opens_a_formula(cell) for cell in (name, phone, reference, why))


# --- what goes wrong ---------------------------------------------------------------------------


def refusal_of(content: bytes, language: str) -> str:
    """What the file reader says of this file, in ``language`` (the page must show it)."""
    with tempfile.NamedTemporaryFile() as stored, translation.override(language):
        stored.write(content)
        stored.flush()
        with pytest.raises(ImportFileError) as refused:
            import_files.shape_of(stored.name)
    return str(refused.value)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"\xef\xbb\xbf\r\n\r\n", "The file is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\xff\xfe\x9c", "is not text that can be read"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old Excel file (.xls)"),
        (b"name,mobile\n\xd9\x85\xdb\x8c\xd9\x86\xd8\xa7\x00,0912\n", "NUL character"),
        (b"\xef\xbb\xbf,,\r\n", "The first row must name the columns"),
    ],
    ids=["blank lines", "binary", "xls", "nul", "empty header"],
)
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_file_that_cannot_be_read_is_refused_on_the_upload_page_and_nothing_is_kept(
    speaking, settings, content, says, language
):
    client = speaking(language)

    response = upload(client, content)

    assert response.status_code == 200
    [error] = response.context["form"].errors["file"]
    assert error == refusal_of(content, language)
    assert says in refusal_of(content, "en")
    if language == "fa":
        assert error != refusal_of(content, "en")  # said in Persian
    assert error in " ".join(texts(response, "upload-form"))
    assert not ImportRun.objects.exists()
    assert not stored_files(settings)
    assert not Customer.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_empty_upload_is_refused_by_the_form_and_nothing_is_kept(speaking, settings, language):
    client = speaking(language)

    response = upload(client, b"")

    assert response.context["form"].errors["file"] == [gettext("The submitted file is empty.")]
    assert not ImportRun.objects.exists()
    assert not stored_files(settings)


@pytest.mark.parametrize(
    "rows",
    [[["Full Name", "Town"], ["مینا", "تهران"]], [["مینا", "تهران"], ["رضا", "شیراز"]]],
    ids=["unknown headers", "no header row"],
)
@pytest.mark.parametrize("language", LANGUAGES)
def test_columns_that_do_not_say_who_the_customer_is_are_refused_with_the_field_named(
    speaking, django_capture_on_commit_callbacks, rows, language
):
    client = speaking(language)
    upload(client, csv_bytes(rows))  # nothing Peygir knows: the first row is offered as the columns' names
    run = only_run()
    assert run.mapping == ["", ""]

    response = check(client, run, ["", "city"], django_capture_on_commit_callbacks)

    assert response.status_code == 200
    problems = texts(response, "mapping-errors")[0]
    assert gettext("Choose the column that holds the %(field)s.") % {"field": csv_io.field_label("name")} in problems
    assert csv_io.field_label("mobile") in problems  # who the customer is: one of the keys
    if language == "fa":
        assert "نام" in problems
    assert response.context["form"]["column_1"].value() == "city"  # the choices made are kept
    assert run.phase == Phase.MAPPING
    assert not ImportMapping.objects.exists()
    assert not Customer.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_field_chosen_for_two_columns_is_refused_with_the_field_named(
    speaking, django_capture_on_commit_callbacks, language
):
    client = speaking(language)
    upload(client, csv_bytes(shop_rows(2)))
    run = only_run()

    response = check(client, run, ["name", "mobile", "mobile"], django_capture_on_commit_callbacks)

    assert response.status_code == 200
    [problem] = texts(response, "mapping-errors")
    assert problem == gettext("“%(field)s” is chosen for more than one column.") % {
        "field": csv_io.field_label("mobile")
    }
    assert run.phase == Phase.MAPPING
    assert not run.rejections.exists()
    assert not ImportMapping.objects.exists()
    assert not Customer.objects.exists()


def test_a_field_that_is_not_offered_is_refused(manager_client, django_capture_on_commit_callbacks):
    upload(manager_client, csv_bytes(shop_rows(2)))
    run = only_run()

    response = check(manager_client, run, ["name", "mobile", "amount"], django_capture_on_commit_callbacks)

    assert response.status_code == 200  # a customers file has no amount
    assert response.context["form"].errors["column_2"]
    assert run.phase == Phase.MAPPING


@pytest.mark.parametrize("language", LANGUAGES)
def test_starting_an_import_that_was_not_checked_says_so_and_writes_nothing(
    speaking, django_capture_on_commit_callbacks, language
):
    client = speaking(language)
    upload(client, csv_bytes(shop_rows(2)))
    run = only_run()

    response = start(client, run, django_capture_on_commit_callbacks)

    assert response["Location"] == reverse("customers:import_run", args=[run.pk])
    page = client.get(response["Location"])
    assert shown_messages(page) == [gettext("This file is not waiting to be imported.")]
    assert run.phase == Phase.MAPPING
    assert not Customer.objects.exists()


def test_starting_a_finished_import_again_writes_nothing(manager_client, django_capture_on_commit_callbacks):
    upload(manager_client, csv_bytes(shop_rows(2)))
    run = only_run()
    check(manager_client, run, SHOP_MAPPING, django_capture_on_commit_callbacks)
    start(manager_client, run, django_capture_on_commit_callbacks)
    Customer.objects.all().delete()

    start(manager_client, run, django_capture_on_commit_callbacks)

    assert (run.phase, run.created) == (Phase.DONE, 2)
    assert not Customer.objects.exists()


def test_the_columns_page_of_a_run_under_way_leads_to_its_progress(manager_client, manager):
    run = uploaded_run(manager, csv_bytes(shop_rows(2)))
    ImportRun.objects.filter(pk=run.pk).update(phase=Phase.IMPORTING, heartbeat_at=timezone.now())

    response = manager_client.get(reverse("customers:import_columns", args=[run.pk]))

    assert response["Location"] == reverse("customers:import_run", args=[run.pk])


def test_an_unknown_run_is_not_found(manager_client):
    assert manager_client.get(reverse("customers:import_run", args=[uuid.uuid4()])).status_code == 404


# --- who may ---------------------------------------------------------------------------------

RUN_ROUTES = [
    ("import_run", "get"),
    ("import_columns", "get"),
    ("import_columns", "post"),
    ("import_start", "post"),
    ("import_resume", "post"),
    ("import_rejected", "get"),
]


def test_a_rep_is_refused_every_import_page_and_nothing_is_written(
    rep_client, manager, django_capture_on_commit_callbacks
):
    run = checked_run(manager, csv_bytes(shop_rows(2, bad=1)), SHOP_MAPPING)
    upload_file = SimpleUploadedFile("shop.csv", csv_bytes(shop_rows(2)), "text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        refused = [
            rep_client.get(reverse("customers:import")),
            rep_client.post(reverse("customers:import"), {"kind": "customers", "unit": "rial", "file": upload_file}),
        ]
        for name, method in RUN_ROUTES:
            data = posted_mapping(SHOP_MAPPING) if name == "import_columns" else {}
            refused.append(getattr(rep_client, method)(reverse(f"customers:{name}", args=[run.pk]), data))
    assert [response.status_code for response in refused] == [403] * (2 + len(RUN_ROUTES))
    run.refresh_from_db()
    assert (ImportRun.objects.count(), run.phase, run.created) == (1, Phase.CHECKED, 0)
    assert not Customer.objects.exists()


# --- the progress, polled ---------------------------------------------------------------------


def importing(run: ImportRun, *, rows_done: int, heartbeat) -> ImportRun:
    """The run as a worker leaves it in the middle of the import."""
    ImportRun.objects.filter(pk=run.pk).update(
        phase=Phase.IMPORTING, rows_done=rows_done, next_line=rows_done + 2, heartbeat_at=heartbeat
    )
    run.refresh_from_db()
    return run


@pytest.mark.parametrize("language", LANGUAGES)
def test_htmx_asks_for_only_the_progress_and_a_working_run_keeps_asking(speaking, manager, language):
    client = speaking(language)
    run = importing(checked_run(manager, csv_bytes(shop_rows(8)), SHOP_MAPPING), rows_done=2, heartbeat=timezone.now())
    url = reverse("customers:import_run", args=[run.pk])

    fragment = client.get(url, HTTP_HX_REQUEST="true")

    html = fragment.content.decode().strip()
    assert html.startswith('<div id="import-progress"')
    assert "<html" not in html and "<nav" not in html
    assert f'hx-get="{url}"' in html and 'hx-trigger="every' in html
    assert re.search(r'<progress [^>]*max="100" value="25"', html)  # 2 rows of 8
    assert text(fragment, "import-percent") == ("۲۵٪" if language == "fa" else "25%")
    assert text(fragment, "import-phase") == capfirst(gettext("importing"))
    assert n(8, language) in html
    whole = client.get(url)
    assert "<html" in whole.content.decode()
    assert 'data-testid="import-progress"' in whole.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_stalled_import_offers_resume_and_resuming_finishes_it(
    speaking, manager, django_capture_on_commit_callbacks, language
):
    client = speaking(language)
    run = checked_run(manager, csv_bytes(shop_rows(3)), SHOP_MAPPING)
    run = importing(run, rows_done=0, heartbeat=timezone.now() - imports.STALLED_AFTER * 2)
    url = reverse("customers:import_run", args=[run.pk])

    page = client.get(url)

    assert gettext(
        "This import stopped before the end (the worker may have restarted). What was imported stays; "
        "resuming continues from where it stopped."
    ) in text(page, "import-stalled")
    assert f'action="{reverse("customers:import_resume", args=[run.pk])}"' in page.content.decode()
    assert "hx-get" not in page.content.decode()  # nothing to poll until it is resumed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("customers:import_resume", args=[run.pk]))
    assert response["Location"] == url
    run.refresh_from_db()
    assert (run.phase, run.created) == (Phase.DONE, 3)
    assert Customer.objects.count() == 3
    assert texts(client.get(url), "import-summary")


@pytest.mark.parametrize("language", LANGUAGES)
def test_resuming_a_run_that_is_still_reporting_starts_nothing(speaking, manager, language):
    client = speaking(language)
    run = importing(checked_run(manager, csv_bytes(shop_rows(3)), SHOP_MAPPING), rows_done=1, heartbeat=timezone.now())
    token = run.pass_token

    response = client.post(reverse("customers:import_resume", args=[run.pk]))

    page = client.get(response["Location"])
    assert shown_messages(page) == [gettext("This import is still running; there is nothing to resume.")]
    assert not texts(page, "import-stalled")
    run.refresh_from_db()
    assert (run.pass_token, run.phase) == (token, Phase.IMPORTING)
    assert not Customer.objects.exists()


def test_a_run_stopped_by_an_error_says_why_and_offers_a_new_upload(manager_client, manager):
    run = uploaded_run(manager, csv_bytes(shop_rows(2)))
    ImportRun.objects.filter(pk=run.pk).update(phase=Phase.FAILED, failure="ردیف ۳ خوانده نشد.")

    page = manager_client.get(reverse("customers:import_run", args=[run.pk]))

    assert "ردیف ۳ خوانده نشد." in text(page, "import-failure")
    assert f'href="{reverse("customers:import")}"' in page.content.decode()


# --- the upload page -----------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_upload_page_lists_recent_imports_with_their_state(speaking, manager, language):
    client = speaking(language)
    run = checked_run(manager, csv_bytes(shop_rows(2)), SHOP_MAPPING, name="مشتریان آذر.csv")

    page = client.get(reverse("customers:import"))

    recent = text(page, "recent-imports")
    assert "مشتریان آذر.csv" in recent
    assert gettext("checked, waiting for you") in recent
    assert f'href="{reverse("customers:import_run", args=[run.pk])}"' in page.content.decode()
    assert texts(page, "upload-form")


# --- the embedded default: no broker ---------------------------------------------------------


def _watch(client, run, until: str) -> list[tuple[str, int]]:
    """Reload the run's progress (as its page does) until the pass is over: each phase and percent seen."""
    url, seen = reverse("customers:import_run", args=[run.pk]), []
    for _ in range(1200):
        fragment = client.get(url, HTTP_HX_REQUEST="true")
        run.refresh_from_db()
        seen.append((run.phase, imports.progress_percent(run)))
        if run.phase == until or run.phase == ImportRun.Phase.FAILED:
            assert fragment.status_code == 200
            return seen
        time.sleep(0.02)
    raise AssertionError(f"the pass did not end: {seen[-5:]}")


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_each_pass_runs_in_a_thread_and_the_page_shows_it_going(speaking, settings, monkeypatch):
    """The embedded default (no broker, ``PEYGIR_BACKGROUND_THREADS``): the request that starts a
    pass returns at once, the pass runs in a thread of the web process, and the reloaded page
    follows it to the end."""
    skip_on_sqlite()
    settings.PEYGIR_BACKGROUND_THREADS = True
    monkeypatch.setattr(imports, "CHUNK_ROWS", 250)
    client = speaking("en")
    upload(client, csv_bytes(shop_rows(3000)))
    run = only_run()

    client.post(reverse("customers:import_columns", args=[run.pk]), posted_mapping(SHOP_MAPPING))
    checking = _watch(client, run, until=ImportRun.Phase.CHECKED)
    client.post(reverse("customers:import_start", args=[run.pk]))
    importing = _watch(client, run, until=ImportRun.Phase.DONE)

    assert checking[-1] == (ImportRun.Phase.CHECKED, 100)
    assert importing[-1] == (ImportRun.Phase.DONE, 100)
    for seen, phase in ((checking, ImportRun.Phase.CHECKING), (importing, ImportRun.Phase.IMPORTING)):
        percents = [percent for shown, percent in seen if shown == phase]
        assert percents == sorted(percents) and any(0 < percent < 100 for percent in percents), seen
    assert (run.created, Customer.objects.count()) == (3000, 3000)
