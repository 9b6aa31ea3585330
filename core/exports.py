"""Spreadsheet exports that open safely: no cell a spreadsheet would run as a formula.

Every CSV Peygir writes goes through :func:`csv_writer` (or :func:`csv_download`, built on it), so
an export cannot forget the rule. The rule follows OWASP's advice on CSV injection
(https://owasp.org/www-community/attacks/CSV_Injection); docs/imports-and-exports.md explains it
to managers. Names, notes and survey answers come from customers on public pages, so every text
cell is treated as hostile.
"""

import csv
import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

# Excel, LibreOffice and Sheets treat a cell starting with one of these as a formula (or, for tab
# and line breaks, drop them and read what follows as one).
_FORMULA_STARTS = frozenset("=+-@\t\r\n")
# Quotes are looked through too: a spreadsheet reading the file with other quoting rules could
# take them off and find the formula behind them.
_QUOTES = frozenset("\"'")
# Python's csv quotes a cell holding a comma, a quote or a line break, which keeps it one cell.
# A spreadsheet set up for another locale splits on a semicolon (or the Persian ؛) or a tab, which
# csv does not quote, and could start a new cell in the middle of ours: no formula there either.
_SPLIT = re.compile("[;\u061b\t]")
_SIGNS = frozenset("=+-@")


def _looked_through(char: str) -> bool:
    """Characters before a formula that a spreadsheet may trim or not show (spaces, bidi marks)."""
    return char.isspace() or char in _QUOTES or unicodedata.category(char) == "Cf"


@functools.cache
def _may_start_a_formula(char: str) -> bool:
    return char in _FORMULA_STARTS or _looked_through(char)


def _starts_a_formula(text: str) -> bool:
    for char in text:
        if char in _FORMULA_STARTS:
            return True
        if not _looked_through(char):
            return False
    return False


def _signs_after_a_split(text: str) -> list[int]:
    """Where a formula sign would open a cell that a split inside ``text`` starts."""
    found = set()
    for split in _SPLIT.finditer(text):
        after = split.end()
        while after < len(text) and _looked_through(text[after]):
            after += 1
        if after < len(text) and text[after] in _SIGNS:
            found.add(after)
    return sorted(found)


def csv_cell(value) -> object:
    """``value`` as written to a CSV cell: text that could run as a formula gets an apostrophe.

    Numbers stay numbers (a negative amount is data, not a formula); text such as "-2+3" is
    neutralised, and so is a formula behind spaces, quotes or invisible marks, or after a
    semicolon or tab inside the cell.
    """
    return csv_row((value,))[0]


def csv_row(values: Iterable) -> list:
    """:func:`csv_cell` of each value. Most cells need no change, and an export writes hundreds of
    thousands of them: that check is inline here (no call per cell), the rest is ``_neutralised``."""
    return [
        _neutralised(value)
        if isinstance(value, str) and value and (_may_start_a_formula(value[0]) or _SPLIT.search(value))
        else value
        for value in values
    ]


def _neutralised(value: str) -> str:
    for index in reversed(_signs_after_a_split(value)):
        value = value[:index] + "'" + value[index:]
    if _starts_a_formula(value):
        return "'" + value
    return value


def csv_text(cell: str) -> str:
    """A cell read back from one of our exports: the apostrophes :func:`csv_cell` added come off.

    So an export edited in a spreadsheet and imported again gives back what was exported.
    """
    if cell.startswith("'") and _starts_a_formula(cell[1:]):
        cell = cell[1:]
    for index in reversed(_signs_after_a_split(cell)):
        if cell[index - 1] == "'":
            cell = cell[: index - 1] + cell[index:]
    return cell


class SafeCsvWriter:
    """A ``csv.writer`` whose every row passes through :func:`csv_row`."""

    def __init__(self, out):
        self._writer = csv.writer(out)

    def writerow(self, values: Iterable) -> None:
        self._writer.writerow(csv_row(values))

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for values in rows:
            self.writerow(values)


def csv_writer(out) -> SafeCsvWriter:
    """A safe CSV writer on ``out`` (a file or a response), after the BOM that lets Excel read UTF-8."""
    out.write("\ufeff")
    return SafeCsvWriter(out)


def csv_download(*, filename: str, header: Sequence[str], rows: Iterable[Iterable]) -> HttpResponse:
    """A CSV attachment named ``filename``: the header, then the rows, every cell made safe."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv_writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response
