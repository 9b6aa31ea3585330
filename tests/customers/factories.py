"""Import runs for the page tests: built through the run service, as a manager's upload makes them."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from customers import imports
from customers.models import ImportRun

# A shop's own export: headers Peygir does not know, so each column is chosen by hand.
SHOP_HEADER = ["Customer Name", "Cell", "Customer No"]
SHOP_MAPPING = ["name", "mobile", "reference"]


def csv_bytes(rows: list[list[str]]) -> bytes:
    """Rows as Excel writes a "CSV UTF-8" file (a BOM, commas, quotes where a cell needs them)."""
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return "\ufeff".encode() + out.getvalue().encode()


def shop_rows(good: int, bad: int = 0, *, start: int = 0) -> list[list[str]]:
    """The shop's header, ``good`` new customers, then ``bad`` rows whose phone cannot be a phone."""
    rows = [SHOP_HEADER]
    rows += [[f"مشتری {n}", f"0935{n:07d}", f"C-{n}"] for n in range(start, start + good)]
    rows += [[f"بد {n}", "12345", ""] for n in range(bad)]
    return rows


def uploaded_run(manager, content: bytes, *, name="shop.csv", kind="customers", unit="rial", language="fa"):
    """Step 1 (the upload) as the page does it: the file kept, its shape read."""
    upload = SimpleUploadedFile(name, content)
    return imports.run_start(upload=upload, kind=kind, unit=unit, by=manager, language=language)


def checked_run(manager, content: bytes, mapping: list[str], **kwargs) -> ImportRun:
    """Steps 1 and 2 with the check run in line: the run waits for the manager's Import."""
    run = uploaded_run(manager, content, **kwargs)
    assert imports.run_check(run=run, mapping=mapping, unit=run.unit) == []
    run.refresh_from_db()
    imports.pass_run(run.pk, str(run.pass_token))  # a no-op when the commit already ran it
    run.refresh_from_db()
    assert run.phase == ImportRun.Phase.CHECKED, run.failure
    return run
