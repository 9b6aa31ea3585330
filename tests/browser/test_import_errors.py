"""A manager uploads broken CSV files through the real import form, is told what is wrong, then imports a good one."""

import re

import pytest
from playwright.sync_api import expect

from customers.models import Customer, ImportRun

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGS_AND_DEVICES = [("fa", "desktop"), ("fa", "phone"), ("en", "desktop"), ("en", "phone")]
LATIN = re.compile(r"[A-Za-z0-9]")
EXCEL_OPTION = "CSV UTF-8"  # the name of Excel's save option, shown as Excel spells it

NUL_FILE = "name,mobile\nعلی کریمی,09121234567\nرضا\x00 احمدی,09121234568\n"
OPEN_QUOTE_FILE = 'name,mobile\nعلی کریمی,09121234567\n"رضا احمدی,09121234568\nسارا,09121234569\n'
GOOD_FILE = "name,mobile\nعلی کریمی,09121234567\nرضا احمدی,09121234568\n"

EXPECTED = {
    "fa": {
        "nul": "ردیف ۳ یک نویسهٔ تهی (بایت صفرِ نامرئی) دارد که ذخیره‌شدنی نیست",
        "quote": 'ردیف ۳ خوانده نشد: یک علامت نقل‌قول (") در آن بسته نشده',
    },
    "en": {
        "nul": "Line 3 contains a NUL character (an invisible zero byte), which cannot be stored",
        "quote": 'Line 3 could not be read: a quote (") in it is never closed',
    },
}


@pytest.fixture(autouse=True)
def _import_dir(settings, tmp_path):
    settings.PEYGIR_IMPORT_DIR = tmp_path


def _upload(page, text: str) -> None:
    """Choose the file in the form and press Upload, as a manager does."""
    page.locator("#id_kind_0").check()  # customers
    raw = "\ufeff".encode() + text.encode()
    page.set_input_files("#id_file", files=[{"name": "customers.csv", "mimeType": "text/csv", "buffer": raw}])
    with page.expect_navigation():
        page.locator("#submit-id-submit").click()


@pytest.mark.parametrize(("lang", "device"), LANGS_AND_DEVICES)
def test_a_broken_file_is_explained_and_a_good_one_then_imports(open_page, manager, shoot, lang, device):
    page = open_page(manager, lang, device)
    page.goto("/customers/import/")

    for problem, text in (("nul", NUL_FILE), ("quote", OPEN_QUOTE_FILE)):
        _upload(page, text)
        error = page.locator("#id_file_error")
        expect(error).to_be_visible()
        expect(error).to_contain_text(EXPECTED[lang][problem])
        expect(page).to_have_url(re.compile(r"/customers/import/$"))  # no step after it: nothing to choose or check
        if lang == "fa":
            assert not LATIN.findall(error.inner_text().replace(EXCEL_OPTION, ""))
        shoot(page, f"import-error-{problem}")
        assert not ImportRun.objects.exists()  # the file is not kept
        assert not Customer.objects.exists()

    _upload(page, GOOD_FILE)
    expect(page).to_have_url(re.compile(r"/customers/import/[0-9a-f-]+/columns/$"))
    expect(page.locator("#id_column_0")).to_have_value("name")  # known column names are chosen already
    expect(page.locator("#id_column_1")).to_have_value("mobile")
    with page.expect_navigation():
        page.locator("[data-testid=mapping-form] button[type=submit]").click()
    expect(page.get_by_test_id("will-create")).to_contain_text("۲" if lang == "fa" else "2")
    assert not Customer.objects.exists()  # checked, not yet imported
    with page.expect_navigation():
        page.get_by_test_id("import-button").click()
    expect(page.get_by_test_id("import-summary")).to_be_visible()
    expect(page.get_by_test_id("created")).to_contain_text("۲" if lang == "fa" else "2")
    with page.expect_navigation():
        page.get_by_test_id("import-summary").get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/customers/$"))
    expect(page.locator("main")).to_contain_text("رضا احمدی")
    assert set(Customer.objects.values_list("mobile", flat=True)) == {"09121234567", "09121234568"}
