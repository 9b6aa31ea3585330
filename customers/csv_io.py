"""CSV import (preview, then import of the valid rows) and export of customers.

Every row is checked before anything is written, errors are reported per line in
the reader's language, and importing the same file twice changes nothing: customers
are keyed by mobile, purchases by (customer, invoice number), both unique in the
database.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import dates
from core.exports import csv_text
from core.forms import parse_amount
from core.numbers import format_number, quote_typed
from core.phones import normalize_phone
from core.text import normalize_search_text
from customers.models import Contract, Customer, Purchase, Segment, customer_search_text
from customers.rhythm import customer_silence_sentence
from customers.selectors import sales_team
from customers.services import purchases_recorded

CUSTOMERS = "customers"
PURCHASES = "purchases"

# Column name in the file (English or Persian, any case) -> our field name.
_HEADER_ALIASES = {  # keys in normalize_search_text form
    "name": "name",
    "نام": "name",
    "mobile": "mobile",
    "موبایل": "mobile",
    "reference": "reference",
    "customer id": "reference",
    "customer_id": "reference",
    "کد مشتری": "reference",
    "شناسه مشتری": "reference",
    "تلفن همراه": "mobile",
    "email": "email",
    "ایمیل": "email",
    "company": "company",
    "شرکت": "company",
    "city": "city",
    "شهر": "city",
    "segment": "segment",
    "بخش": "segment",
    "owner": "owner",
    "مسئول": "owner",
    "language": "language",
    "زبان": "language",
    "notes": "notes",
    "یادداشت": "notes",
    "date": "date",
    "تاریخ": "date",
    "amount": "amount",
    "مبلغ": "amount",
    "invoice": "invoice",
    "شماره فاکتور": "invoice",
    "note": "note",
    "توضیح": "note",
    "contract end": "contract_end",
    "contract_end": "contract_end",
    "پایان قرارداد": "contract_end",
}
COLUMNS = {
    CUSTOMERS: [
        "name",
        "mobile",
        "reference",
        "email",
        "company",
        "city",
        "segment",
        "owner",
        "language",
        "notes",
        "contract_end",
    ],
    PURCHASES: ["mobile", "reference", "email", "date", "amount", "invoice", "note"],
}
REQUIRED_COLUMNS = {CUSTOMERS: {"name"}, PURCHASES: {"date", "amount", "invoice"}}
# A customer is known by the shop's customer ID, phone or email: a file has one of them.
ONE_OF_COLUMNS = {CUSTOMERS: {"reference", "mobile", "email"}, PURCHASES: {"reference", "mobile", "email"}}
_LANGUAGES = {"": "fa", "fa": "fa", "فارسی": "fa", "persian": "fa", "en": "en", "english": "en", "انگلیسی": "en"}
_LOOKUP_CHUNK = 900


def _column_name(cell: str) -> str:
    """Header cells as typed by people: any case, Arabic ي/ك, ZWNJ or a space in Persian names."""
    name = normalize_search_text(cell)
    return _HEADER_ALIASES.get(name, _HEADER_ALIASES.get(name.replace(" ", ""), name))


# The longest value each column may hold, from the models (checked before anything is written).
_MAX_LENGTHS = {
    CUSTOMERS: {
        column: Customer._meta.get_field(field).max_length
        for column, field in (
            ("name", "name"),
            ("email", "email"),
            ("company", "company"),
            ("city", "city"),
            ("reference", "reference"),
        )
    }
    | {"segment": Segment._meta.get_field("name").max_length},
    PURCHASES: {
        "reference": Customer._meta.get_field("reference").max_length,
        "invoice": Purchase._meta.get_field("reference").max_length,
        "note": Purchase._meta.get_field("note").max_length,
    },
}
_MAX_AMOUNT = Decimal(10) ** Purchase._meta.get_field("amount").max_digits


def _check_lengths(kind: str, row: "ImportRow") -> None:
    for column, limit in _MAX_LENGTHS[kind].items():
        if len(row.values.get(column, "")) > limit:
            row.errors.append(
                ngettext(
                    "%(column)s is longer than %(limit)s character.",
                    "%(column)s is longer than %(limit)s characters.",
                    limit,
                )
                % {"column": column, "limit": format_number(limit)}
            )


class CsvFileError(ValueError):
    """The file as a whole cannot be read; nothing in it is imported."""


@dataclass
class ImportRow:
    line: int  # where the row starts in the file; a cell in quotes may run over several lines
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    skipped: str = ""
    cleaned: dict = field(default_factory=dict)
    last_line: int = 0

    @property
    def importable(self) -> bool:
        return not self.errors and not self.skipped


@dataclass
class ImportPreview:
    kind: str
    columns: list[str]
    rows: list[ImportRow]

    @property
    def importable_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.importable]

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def skipped_count(self) -> int:
        return sum(1 for row in self.rows if row.skipped and not row.errors)


def _code(name: str) -> str:
    """A name that is a code (an encoding, Excel's option), kept whole and left to right in Persian."""
    return quote_typed(name, code=True)


def decode_upload(raw: bytes) -> str:
    """UTF-8 with or without the BOM that Excel writes."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvFileError(
            _("The file is not %(encoding)s text. In Excel choose “%(option)s” when saving.")
            % {"encoding": _code("UTF-8"), "option": _code("CSV UTF-8")}
        ) from None


def preview_import(*, kind: str, text: str) -> ImportPreview:
    """Check every row of a customers or purchases CSV; writes nothing."""
    columns, records = _read_records(kind, text)
    rows = [ImportRow(line=first, last_line=last, values=values) for first, last, values in records]
    if len(rows) > settings.PEYGIR_IMPORT_MAX_ROWS:
        raise CsvFileError(
            ngettext(
                "The file has %(count)s rows; at most %(max)s row can be imported at once.",
                "The file has %(count)s rows; at most %(max)s rows can be imported at once.",
                settings.PEYGIR_IMPORT_MAX_ROWS,
            )
            % {"count": format_number(len(rows)), "max": format_number(settings.PEYGIR_IMPORT_MAX_ROWS)}
        )
    if kind == CUSTOMERS:
        _check_customer_rows(rows)
    else:
        _check_purchase_rows(rows)
    _explain_rows_over_several_lines(rows)
    return ImportPreview(kind=kind, columns=columns, rows=rows)


def _explain_rows_over_several_lines(rows: list[ImportRow]) -> None:
    """A quote left open swallows the next lines into one cell: say so beside the errors it causes."""
    for row in rows:
        if row.errors and row.last_line > row.line:
            row.errors.append(
                _('This row runs from line %(first)s to line %(last)s: if it should not, a quote (") lacks its pair.')
                % {"first": format_number(row.line), "last": format_number(row.last_line)}
            )


@transaction.atomic
def apply_import(preview: ImportPreview) -> int:
    """Write the importable rows of a preview; returns how many were written."""
    rows = preview.importable_rows
    if preview.kind == CUSTOMERS:
        _create_customers(rows)
    else:
        _create_purchases(rows)
    return len(rows)


def _read_records(kind: str, text: str) -> tuple[list[str], list[tuple[int, int, dict[str, str]]]]:
    """The known columns and each record as (first line, last line, values); refuses a broken file."""
    if not text.strip():
        raise CsvFileError(_("The file is empty."))
    _refuse_nul(text)
    first_line = text.splitlines()[0]
    try:
        delimiter = csv.Sniffer().sniff(first_line, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    # Only the delimiter is sniffed: from one header line the sniffer cannot see how quotes are
    # escaped and turns Excel's doubled "" off, which garbles any cell with a quote in it.
    # strict: a quote never closed (or closed in the middle of a cell) is an error, not a cell that
    # silently swallows the lines after it.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    last_read_line = 0
    try:
        header = [_column_name(cell) for cell in next(reader)]
        last_read_line = reader.line_num
        missing = REQUIRED_COLUMNS[kind] - set(header)
        if ONE_OF_COLUMNS[kind] and not ONE_OF_COLUMNS[kind] & set(header):
            missing |= {_(" or ").join(sorted(ONE_OF_COLUMNS[kind]))}
        if missing:
            raise CsvFileError(
                _("Missing column(s): %(missing)s. The first row must name the columns: %(expected)s.")
                % {"missing": ", ".join(sorted(missing)), "expected": ", ".join(COLUMNS[kind])}
            )
        known = [name for name in header if name in COLUMNS[kind]]
        records = []
        for cells in reader:
            first, last_read_line = last_read_line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            values = {
                name: csv_text(cell).strip() for name, cell in zip(header, cells, strict=False) if name in COLUMNS[kind]
            }
            records.append((first, last_read_line, values))
    except csv.Error:
        # The record the reader gave up on starts on the line after the last one it read whole.
        raise CsvFileError(
            _(
                'Line %(line)s could not be read: a quote (") in it is never closed, or is followed by more '
                "text in the same cell, so the lines after it run together. Remove that quote, or put the whole "
                'cell in quotes and double each quote inside it (""); then save the file and upload it again.'
            )
            % {"line": format_number(last_read_line + 1)}
        ) from None
    return known, records


def _refuse_nul(text: str) -> None:
    """A NUL character cannot be stored (PostgreSQL refuses it): name the first line that has one."""
    if "\x00" not in text:
        return
    for line, content in enumerate(io.StringIO(text, newline=""), start=1):
        if "\x00" in content:
            raise CsvFileError(
                _(
                    "Line %(line)s contains a NUL character (an invisible zero byte), which cannot be stored. "
                    "The file may be damaged or not saved as text: open it in Excel and save it again as "
                    "“%(option)s”, or delete that character, then upload it again."
                )
                % {"line": format_number(line), "option": _code("CSV UTF-8")}
            )


def _chunks(items: Iterable, size: int = _LOOKUP_CHUNK) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _existing_customers_by_mobile(mobiles: set[str]) -> dict[str, Customer]:
    found = {}
    for chunk in _chunks(mobiles):
        found.update({c.mobile: c for c in Customer.objects.filter(mobile__in=chunk).only("id", "mobile")})
    return found


def _existing_customers_by_reference(references: set[str]) -> dict[str, Customer]:
    found = {}
    for chunk in _chunks(references):
        found.update({c.reference: c for c in Customer.objects.filter(reference__in=chunk).only("id", "reference")})
    return found


def _existing_customers_by_email(emails: set[str]) -> dict[str, Customer | None]:
    """Customers by email (any case); an email two customers share maps to None (ambiguous)."""
    found: dict[str, Customer | None] = {}
    for chunk in _chunks(emails):
        for customer in Customer.objects.annotate(lowered=Lower("email")).filter(lowered__in=chunk).only("id", "email"):
            key = customer.email.lower()
            found[key] = None if key in found else customer
    return found


def _clean_mobile(row: ImportRow) -> str | None:
    try:
        return normalize_phone(row.values.get("mobile", ""))
    except ValidationError as error:
        row.errors.extend(error.messages)
        return None


def _check_customer_rows(rows: list[ImportRow]) -> None:
    owners = {user.get_username().lower(): user for user in sales_team()}
    first_line_of = {}
    for row in rows:
        values = row.values
        mobile = _clean_mobile(row) if values.get("mobile") else ""
        if not values.get("name"):
            row.errors.append(_("The name is empty."))
        if not (values.get("mobile") or values.get("reference") or values.get("email")):
            row.errors.append(_("Give at least one of the customer ID, the phone and the email."))
        if values.get("email"):
            try:
                validate_email(values["email"])
            except ValidationError:
                row.errors.append(
                    _("“%(value)s” is not an email address.") % {"value": quote_typed(values["email"], code=True)}
                )
        owner_name = values.get("owner", "").lower()
        if owner_name and owner_name not in owners:
            row.errors.append(
                _("No sales rep has the username “%(value)s”.") % {"value": quote_typed(values["owner"], code=True)}
            )
        language = _LANGUAGES.get(values.get("language", "").lower())
        if language is None:
            row.errors.append(_("Language must be fa or en."))
        if mobile:
            if mobile in first_line_of:
                row.errors.append(_("Same mobile as line %(line)s.") % {"line": format_number(first_line_of[mobile])})
            else:
                first_line_of[mobile] = row.line
        reference = values.get("reference", "")
        if reference:
            if ("reference", reference) in first_line_of:
                row.errors.append(
                    _("Same customer ID as line %(line)s.")
                    % {"line": format_number(first_line_of[("reference", reference)])}
                )
            else:
                first_line_of[("reference", reference)] = row.line
        contract_end = None
        if values.get("contract_end"):
            try:
                contract_end = dates.parse_date(values["contract_end"])
            except dates.InvalidDate as error:
                row.errors.append(error.message)
        _check_lengths(CUSTOMERS, row)
        row.cleaned = {
            "mobile": mobile,
            "owner": owners.get(owner_name),
            "language": language,
            "contract_end": contract_end,
        }
    existing = _existing_customers_by_mobile({row.cleaned["mobile"] for row in rows if row.cleaned["mobile"]})
    known_references = _existing_customers_by_reference({row.values.get("reference", "") for row in rows} - {""})
    for row in rows:
        already = row.cleaned["mobile"] in existing or row.values.get("reference", "") in known_references
        if already and not row.errors:
            row.skipped = _("Already a customer: skipped.")


def _check_purchase_rows(rows: list[ImportRow]) -> None:
    today = timezone.localdate()
    first_line_of = {}
    for row in rows:
        values = row.values
        reference, email = values.get("reference", ""), values.get("email", "").lower()
        mobile = _clean_mobile(row) if values.get("mobile") or not (reference or email) else None
        purchased_on = amount = None
        try:
            purchased_on = dates.parse_date(values.get("date", ""))
            if purchased_on > today:
                row.errors.append(_("The date %(value)s is in the future.") % {"value": quote_typed(values["date"])})
        except dates.InvalidDate as error:
            row.errors.append(error.message)
        try:
            amount = parse_amount(values.get("amount", ""))
        except ValueError as error:
            row.errors.append(str(error))
        invoice = values.get("invoice", "")
        if not invoice:
            row.errors.append(_("The invoice number is empty."))
        elif reference or mobile or email:
            key = (reference or mobile or email, invoice)
            if key in first_line_of:
                row.errors.append(_("Same invoice as line %(line)s.") % {"line": format_number(first_line_of[key])})
            else:
                first_line_of[key] = row.line
        if amount is not None and amount >= _MAX_AMOUNT:
            row.errors.append(_("The amount %(value)s is too large.") % {"value": quote_typed(values["amount"])})
        _check_lengths(PURCHASES, row)
        row.cleaned = {
            "reference": reference,
            "email": email,
            "mobile": mobile,
            "purchased_on": purchased_on,
            "amount": amount,
            "invoice": invoice,
        }

    by_reference = _existing_customers_by_reference({row.cleaned["reference"] for row in rows} - {""})
    by_mobile = _existing_customers_by_mobile({row.cleaned["mobile"] for row in rows if row.cleaned["mobile"]})
    by_email = _existing_customers_by_email({row.cleaned["email"] for row in rows} - {""})
    for row in rows:
        reference, mobile, email = row.cleaned["reference"], row.cleaned["mobile"], row.cleaned["email"]
        # The shop's customer ID first, then the mobile, then the email.
        if reference:
            customer = by_reference.get(reference)
        elif mobile:
            customer = by_mobile.get(mobile)
        else:
            customer = by_email.get(email)
        row.cleaned["customer"] = customer
        if customer is not None:
            continue
        if reference:
            row.errors.append(
                _("No customer has the customer ID %(value)s.") % {"value": quote_typed(reference, code=True)}
            )
        elif mobile:
            row.errors.append(_("No customer has the mobile %(value)s.") % {"value": quote_typed(mobile)})
        elif email and email in by_email:
            row.errors.append(
                _("Several customers have the email %(value)s: add their customer ID or mobile.")
                % {"value": quote_typed(email, code=True)}
            )
        elif email:
            row.errors.append(_("No customer has the email %(value)s.") % {"value": quote_typed(email, code=True)})
    known = _existing_invoices({(row.cleaned["customer"].pk, row.cleaned["invoice"]) for row in rows if row.importable})
    for row in rows:
        if row.importable and (row.cleaned["customer"].pk, row.cleaned["invoice"]) in known:
            row.skipped = _("Already imported: skipped.")


def _existing_invoices(keys: set[tuple[int, str]]) -> set[tuple[int, str]]:
    found = set()
    for chunk in _chunks(keys):
        customer_ids = {customer_id for customer_id, _invoice in chunk}
        invoices = {invoice for _customer_id, invoice in chunk}
        found.update(
            Purchase.objects.filter(customer_id__in=customer_ids, reference__in=invoices).values_list(
                "customer_id", "reference"
            )
        )
    return found & keys


def _create_customers(rows: list[ImportRow]) -> None:
    segment_names = {row.values["segment"] for row in rows if row.values.get("segment")}
    segments = {segment.name: segment for segment in Segment.objects.filter(name__in=segment_names)}
    for name in segment_names - segments.keys():
        segments[name] = Segment.objects.create(name=name)
    customers = []
    for row in rows:
        values = row.values
        customer = Customer(
            name=values["name"],
            mobile=row.cleaned["mobile"],
            reference=values.get("reference", ""),
            email=values.get("email", ""),
            company=values.get("company", ""),
            city=values.get("city", ""),
            segment=segments.get(values.get("segment", "")),
            owner=row.cleaned["owner"],
            preferred_language=row.cleaned["language"],
            notes=values.get("notes", ""),
            source=Customer.Source.IMPORT,
        )
        customer.search_text = customer_search_text(
            customer.name, customer.company, customer.mobile, customer.email, customer.reference
        )
        customers.append(customer)
    Customer.objects.bulk_create(customers, batch_size=1000, ignore_conflicts=True)
    _create_contracts(rows)


def _create_contracts(rows: list[ImportRow]) -> None:
    """The contract end a row gives becomes the new customer's contract (its renewal call follows)."""
    ends = {row.cleaned["mobile"]: row.cleaned["contract_end"] for row in rows if row.cleaned.get("contract_end")}
    contracts = []
    for chunk in _chunks(ends):
        contracts += [
            Contract(customer_id=pk, ends_on=ends[mobile])
            for pk, mobile in Customer.objects.filter(mobile__in=chunk).values_list("pk", "mobile")
        ]
    Contract.objects.bulk_create(contracts, batch_size=1000)


def _create_purchases(rows: list[ImportRow]) -> None:
    purchases = [
        Purchase(
            customer=row.cleaned["customer"],
            purchased_on=row.cleaned["purchased_on"],
            amount=row.cleaned["amount"],
            reference=row.cleaned["invoice"],
            note=row.values.get("note", ""),
        )
        for row in rows
    ]
    Purchase.objects.bulk_create(purchases, batch_size=1000, ignore_conflicts=True)
    purchases_recorded(purchases=[(row.cleaned["customer"].pk, row.cleaned["purchased_on"]) for row in rows])


EXPORT_FIGURES = ["first_purchase", "last_purchase", "purchase_count", "total_spent_rial", "last_contact", "created"]
# The import's columns (so an export can be edited and imported back), then figures.
CUSTOMER_EXPORT_COLUMNS = COLUMNS[CUSTOMERS] + EXPORT_FIGURES


def customer_export_rows(customers: Iterable[Customer]) -> Iterator[list]:
    """One row per customer under ``CUSTOMER_EXPORT_COLUMNS``; dates in the reader's calendar."""
    for customer in customers:
        yield [
            customer.name,
            customer.mobile,
            customer.reference,
            customer.email,
            customer.company,
            customer.city,
            customer.segment.name if customer.segment else "",
            customer.owner.get_username() if customer.owner else "",
            customer.preferred_language,
            customer.notes,
            dates.input_value(getattr(customer, "contract_ends_on", None)),
            dates.input_value(customer.first_purchase_on),
            dates.input_value(customer.last_purchase_on),
            customer.purchase_count,
            customer.total_spent,
            dates.input_value(customer.last_contact_on),
            dates.input_value(customer.created_at),
        ]


AT_RISK_COLUMNS = [
    "name",
    "mobile",
    "owner",
    "segment",
    "yearly_value_rial",
    "why",
    "typical_gap_days",
    "last_purchase",
    "silent_since",
    "last_contact",
]


def at_risk_rows(customers: Iterable[Customer], *, day) -> Iterator[list]:
    """The at-risk page's customers (with ``yearly_value``) under ``AT_RISK_COLUMNS``, each with why."""
    for customer in customers:
        yield [
            customer.name,
            customer.mobile,
            customer.owner.get_username() if customer.owner else "",
            customer.segment.name if customer.segment else "",
            round(customer.yearly_value),
            customer_silence_sentence(customer, day=day),
            customer.rhythm_gap_days or "",
            dates.input_value(customer.last_purchase_on),
            dates.input_value(customer.silent_since),
            dates.input_value(customer.last_contact_on),
        ]
