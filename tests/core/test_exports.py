"""core.exports: no cell of a CSV we write can run as a formula, numbers stay numbers, and imports read back."""

import csv
import io
from decimal import Decimal

import pytest

from core.exports import csv_cell, csv_download, csv_row, csv_text, csv_writer
from tests.core.formulas import FORMULAS, opens_a_formula


@pytest.mark.parametrize("sign", ["=", "+", "-", "@", "\t", "\r", "\n"])
def test_text_starting_with_a_formula_sign_gets_an_apostrophe(sign):
    assert csv_cell(sign + "1+1") == "'" + sign + "1+1"


@pytest.mark.parametrize(("typed", "written"), FORMULAS.items(), ids=repr)
def test_every_payload_is_written_as_text(typed, written):
    assert csv_cell(typed) == written
    assert not opens_a_formula(written)


@pytest.mark.parametrize(
    "typed",
    [" =1+1", "  \n+1", '"=1+1', "'=1+1", "\u200f=1+1", "\u200e\u00a0@SUM(1)", "\ufeff-1"],
    ids=repr,
)
def test_a_formula_behind_spaces_quotes_or_invisible_marks_is_neutralised_too(typed):
    assert csv_cell(typed) == "'" + typed


@pytest.mark.parametrize(
    ("typed", "written"),
    [("خوب; =1+1", "خوب; '=1+1"), ("بد؛-2", "بد؛'-2"), ("a\t@x", "a\t'@x"), ("x;;+1", "x;;'+1")],
    ids=repr,
)
def test_a_formula_after_a_semicolon_or_tab_inside_a_cell_is_neutralised(typed, written):
    """A spreadsheet set to split on ; ؛ or tab would start a new cell there."""
    assert csv_cell(typed) == written


@pytest.mark.parametrize("number", [-5, Decimal("-1500000"), -2.5, 0, 42])
def test_numbers_stay_numbers_even_when_negative(number):
    assert csv_cell(number) is number


def test_text_that_merely_looks_like_a_negative_number_is_neutralised():
    """A text field is never a number to the export: "-2" typed in a note could be "-2+3" just as well."""
    assert csv_cell("-2") == "'-2"


@pytest.mark.parametrize(
    "typed",
    ["", " ", "علی کریمی", "Tehran, -North", "ali@example.com", "a-b=c", "0912 123 4567", "1403/02/15", "'quoted'"],
    ids=repr,
)
def test_harmless_text_is_written_unchanged(typed):
    assert csv_cell(typed) == typed


def test_a_row_neutralises_each_cell_and_keeps_none_and_numbers():
    assert csv_row(["=1", None, -3, "ok"]) == ["'=1", None, -3, "ok"]


@pytest.mark.parametrize(
    "typed",
    [*FORMULAS, "'=1+1", "''-1", "'abc", "a;'=1", "\t=1", "x؛ '@y", "plain", "-"],
    ids=repr,
)
def test_reading_a_cell_back_gives_exactly_what_was_exported(typed):
    assert csv_text(csv_cell(typed)) == typed


def test_reading_leaves_an_apostrophe_the_export_did_not_add():
    assert csv_text("'abc") == "'abc"
    assert csv_text("it's") == "it's"


def test_the_writer_starts_with_a_bom_and_neutralises_every_row():
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["name", "amount"])
    writer.writerows([["=evil()", Decimal("-10")], ["ok", 5]])
    text = out.getvalue()
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text[1:]))) == [["name", "amount"], ["'=evil()", "-10"], ["ok", "5"]]


def test_a_download_is_a_utf8_csv_attachment_made_safe():
    response = csv_download(filename="x-1403.csv", header=["a", "b"], rows=iter([["@x", -1]]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x-1403.csv"'
    assert list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")))) == [["a", "b"], ["'@x", "-1"]]
