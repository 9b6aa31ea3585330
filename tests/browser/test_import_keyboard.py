"""A manager imports a thousand-row file with the keyboard alone, in real Chromium, fa and en: Tab to
each control, each column's field chosen with the arrow keys, Enter to check and to import.

Only the file itself is handed to the page directly: a headless browser has no file dialog to drive.
"""

import re

import pytest
from playwright.sync_api import expect

from customers.models import Customer
from tests.browser.test_loyalty_keyboard import focus_is_visible, tab_to
from tests.customers.factories import csv_bytes, shop_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOOD, BAD = 990, 10
# Arrow presses on each closed select: the fields are offered after "leave out" as name, phone, customer ID.
ARROWS = [1, 2, 3]
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@pytest.fixture(autouse=True)
def _import_dir(settings, tmp_path):
    settings.PEYGIR_IMPORT_DIR = tmp_path


def shown(value: int, lang: str) -> str:
    return str(value).translate(PERSIAN_DIGITS) if lang == "fa" else str(value)


def enter(page, target) -> None:
    tab_to(page, target)
    assert focus_is_visible(page), f"no focus ring on {target}"
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_a_manager_imports_a_thousand_rows_with_the_keyboard_alone(open_page, manager, shoot, lang):
    page = open_page(manager, lang)
    page.goto("/customers/import/")
    page.set_input_files(
        "#id_file", files=[{"name": "shop.csv", "mimeType": "text/csv", "buffer": csv_bytes(shop_rows(GOOD, BAD))}]
    )
    enter(page, page.locator("#submit-id-submit"))
    expect(page).to_have_url(re.compile(r"/columns/$"))

    selects = page.get_by_test_id("mapping-select")
    for index, presses in enumerate(ARROWS):
        tab_to(page, selects.nth(index))
        assert focus_is_visible(page)
        for _ in range(presses):
            page.keyboard.press("ArrowDown")
    assert [selects.nth(i).input_value() for i in range(3)] == ["name", "mobile", "reference"]
    enter(page, page.get_by_role("button", name="بررسی فایل" if lang == "fa" else "Check the file"))

    expect(page.get_by_test_id("will-create")).to_contain_text(shown(GOOD, lang))
    expect(page.get_by_test_id("error-count")).to_contain_text(shown(BAD, lang))
    shoot(page, f"import-keyboard-checked-{lang}")
    enter(page, page.get_by_test_id("import-button"))
    expect(page.get_by_test_id("created")).to_contain_text(shown(GOOD, lang))
    expect(page.get_by_test_id("rejected")).to_contain_text(shown(BAD, lang))
    assert Customer.objects.count() == GOOD
