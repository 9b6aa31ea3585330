"""Reading a shop's file, CSV or Excel, as a stream of rows: memory stays small whatever its size.

``shape_of`` looks at the start of an uploaded file (its kind, encoding, delimiter, header and a
few sample rows) and refuses, with a message a person can act on, a file that cannot be read.
``rows`` then streams every data row as (line, cells) from the stored file.
"""

import codecs
import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from core.exports import csv_text
from core.numbers import format_number, quote_typed

CSV, XLSX = "csv", "xlsx"
UTF8, UTF16, WINDOWS_1256 = "utf-8-sig", "utf-16", "cp1256"
SAMPLE_ROWS = 5
_SNIFF_BYTES = 256 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (.xls)


class ImportFileError(ValueError):
    """The file as a whole cannot be read; nothing in it is imported."""


@dataclass
class FileShape:
    """What the start of a file says about all of it."""

    format: str
    encoding: str
    delimiter: str
    header: list[str]
    sample: list[list[str]]


def _code(name: str) -> str:
    """A name that is a code (an encoding, Excel's option), kept whole and left to right in Persian."""
    return quote_typed(name, code=True)


def _save_as_hint() -> str:
    return _("In Excel choose “%(option)s” or “%(excel)s” when saving.") % {
        "option": _code("CSV UTF-8"),
        "excel": _code("Excel Workbook (.xlsx)"),
    }


def shape_of(path) -> FileShape:
    """The shape of a stored file from its start (an Excel workbook is opened whole, read-only)."""
    with open(path, "rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ImportFileError(_("The file is empty."))
    if head.startswith(_OLE_MAGIC):
        raise ImportFileError(_("This is an old Excel file (.xls), which cannot be read.") + " " + _save_as_hint())
    if head.startswith(_ZIP_MAGIC):
        header, sample = _header_and_sample(_workbook_rows(path), complete=True)
        return FileShape(format=XLSX, encoding="", delimiter="", header=header, sample=sample)
    encoding = _encoding_of(head)
    delimiter, table = text_rows(_decode_start(head, encoding))
    header, sample = _header_and_sample(table, complete=len(head) < _SNIFF_BYTES)
    return FileShape(format=CSV, encoding=encoding, delimiter=delimiter, header=header, sample=sample)


def text_rows(text: str) -> tuple[str, Iterator[tuple[int, int, list[str]]]]:
    """The delimiter and the records of CSV text in memory (a file's start, or a small file whole)."""
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    _refuse_nul(text)
    delimiter = delimiter_of(text)
    return delimiter, _csv_rows(io.StringIO(text, newline=""), delimiter)


def delimiter_of(text: str) -> str:
    """Comma, semicolon (Excel in some locales) or tab, from the header line."""
    lines = text.splitlines()
    try:
        return csv.Sniffer().sniff(lines[0] if lines else "", delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _encoding_of(head: bytes) -> str:
    """UTF-8 (with or without Excel's BOM), UTF-16 with its BOM (Excel's "Unicode text"), or
    Windows-1256 (older Persian Windows) when the text is not UTF-8 but reads as Persian in it."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return UTF16
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
        return UTF8
    except UnicodeDecodeError:
        pass
    if b"\x00" not in head:
        text = head.decode(WINDOWS_1256, errors="replace")
        beyond_ascii = [char for char in text if ord(char) > 127]
        persian = [char for char in beyond_ascii if "\u0600" <= char <= "\u06ff" or char in "\u200c\u200d"]
        if beyond_ascii and len(persian) >= 0.8 * len(beyond_ascii):
            return WINDOWS_1256
    raise ImportFileError(
        _("The file is not text that can be read (%(encodings)s), or it is not a CSV or Excel file.")
        % {"encodings": ", ".join(_code(name) for name in ("UTF-8", "UTF-16", "Windows-1256"))}
        + " "
        + _save_as_hint()
    )


def _decode_start(head: bytes, encoding: str) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        return decoder.decode(head, final=len(head) < _SNIFF_BYTES)
    except UnicodeDecodeError:
        raise ImportFileError(_("The file is not %(encoding)s text.") % {"encoding": _code(encoding)}) from None


def _refuse_nul(text: str) -> None:
    """A NUL character cannot be stored (PostgreSQL refuses it): a binary file, most likely."""
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ImportFileError(
            _(
                "Line %(line)s contains a NUL character (an invisible zero byte), which cannot be stored. "
                "The file may be damaged or not saved as text: open it in Excel and save it again as "
                "“%(option)s”, or delete that character, then upload it again."
            )
            % {"line": format_number(line), "option": _code("CSV UTF-8")}
        )


def _header_and_sample(table: Iterator[tuple[int, int, list[str]]], *, complete: bool) -> tuple[list, list]:
    header, sample = None, []
    try:
        for _first, _last, cells in table:
            if header is None:
                header = [cell.strip() for cell in cells]
            elif len(sample) < SAMPLE_ROWS:
                sample.append(cells)
            else:
                break
    except ImportFileError:
        if complete or header is None:  # a quote never closed in a cut-off start is only the cut
            raise
    finally:
        table.close()
    if not header or not any(header):
        raise ImportFileError(_("The first row must name the columns; it is empty."))
    return header, sample


def _csv_rows(text: io.TextIOBase, delimiter: str) -> Iterator[tuple[int, int, list[str]]]:
    """(first line, last line, cells) of each non-empty record; refuses a quote never closed."""
    # Only the delimiter is sniffed: from one header line the sniffer cannot see how quotes are
    # escaped and turns Excel's doubled "" off, which garbles any cell with a quote in it.
    # strict: a quote never closed (or closed in the middle of a cell) is an error, not a cell that
    # silently swallows the lines after it.
    reader = csv.reader(text, delimiter=delimiter, strict=True)
    last_read_line = 0
    try:
        for cells in reader:
            first, last_read_line = last_read_line + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                yield first, last_read_line, [csv_text(cell).strip() for cell in cells]
    except csv.Error:
        # The record the reader gave up on starts on the line after the last one it read whole.
        raise ImportFileError(
            _(
                'Line %(line)s could not be read: a quote (") in it is never closed, or is followed by more '
                "text in the same cell, so the lines after it run together. Remove that quote, or put the whole "
                'cell in quotes and double each quote inside it (""); then save the file and upload it again.'
            )
            % {"line": format_number(last_read_line + 1)}
        ) from None
    except UnicodeDecodeError:
        raise ImportFileError(
            _("Line %(line)s is not %(encoding)s text like the lines before it.")
            % {"line": format_number(last_read_line + 1), "encoding": _code(getattr(text, "encoding", "UTF-8"))}
        ) from None


def _cell_text(value) -> str:
    """Excel's typed cells as the text a person sees: dates as ISO dates, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    return csv_text(str(value)).strip()


def _workbook_rows(path) -> Iterator[tuple[int, int, list[str]]]:
    from openpyxl import load_workbook  # only an Excel import needs it

    handle = open(path, "rb")  # noqa: SIM115 (closed below) a file, not a path: openpyxl would want an extension
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        handle.close()
        raise ImportFileError(
            _("The file looks like an Excel workbook but cannot be opened.") + " " + _save_as_hint()
        ) from None
    try:
        sheet = workbook.worksheets[0]
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(value) for value in values]
            if any(cells):
                yield line, line, cells
    finally:
        workbook.close()
        handle.close()


def rows(path, shape: FileShape) -> Iterator[tuple[int, int, list[str]]]:
    """Every record of the stored file after its header: (first line, last line, cells)."""
    if shape.format == XLSX:
        table = _workbook_rows(path)
    else:
        handle = open(path, encoding=shape.encoding, newline="", errors="strict")  # noqa: SIM115 (closed below)
        table = _closing(_csv_rows(handle, shape.delimiter), handle)
    next(table, None)  # the header
    yield from table


def _closing(table: Iterator, handle) -> Iterator:
    with handle:
        yield from table
