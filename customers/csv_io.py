"""Checking and writing imported rows, chunk by chunk, and the export of customers.

A chunk of rows (a few thousand) is checked with one lookup per key kind, then written with a
few bulk statements; nothing is written for a row with an error, and importing the same file
twice changes nothing: customers are found by customer ID, phone or email (customers.matching),
purchases by (customer, invoice number), both unique in the database.
"""

import hashlib
import io
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import dates
from core.exports import csv_writer
from core.forms import parse_amount_text
from core.numbers import format_number, quote_typed
from core.phones import normalize_phone
from core.text import normalize_search_text
from customers import import_files
from customers.import_files import ImportFileError
from customers.matching import AMBIGUOUS, CustomerKeys, Holders, customers_holding, customers_matching
from customers.models import Contract, Customer, ImportRun, Purchase, Segment, customer_search_text
from customers.rhythm import customer_silence_sentence
from customers.selectors import purchases_by_invoice, sales_team
from customers.services import purchases_add_batch, purchases_recorded
from customers.signals import customers_reassigned_many, purchases_changed

CUSTOMERS = ImportRun.Kind.CUSTOMERS.value
PURCHASES = ImportRun.Kind.PURCHASES.value
CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"

# Column name in the file (English or Persian, any case) -> our field name.
_HEADER_ALIASES = {  # keys in normalize_search_text form
    "name": "name",
    "نام": "name",
    "mobile": "mobile",
    "phone": "mobile",
    "موبایل": "mobile",
    "تلفن": "mobile",
    "تلفن همراه": "mobile",
    "reference": "reference",
    "customer id": "reference",
    "customer_id": "reference",
    "کد مشتری": "reference",
    "شناسه مشتری": "reference",
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
    "order id": "invoice",
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
_RIALS_PER = {ImportRun.Unit.RIAL: 1, ImportRun.Unit.TOMAN: 10}
# Columns a customers file may change on a customer already in Peygir (when the cell is not empty).
_UPDATABLE = ("name", "email", "company", "city", "notes")


def field_label(name: str) -> str:
    """A Peygir field as the mapping step names it, in the reader's language."""
    labels = {
        "name": _("name"),
        "mobile": _("phone"),
        "reference": _("customer ID in your shop"),
        "email": _("email"),
        "company": _("company"),
        "city": _("city"),
        "segment": _("segment"),
        "owner": _("owner (a rep's username)"),
        "language": _("language (fa or en)"),
        "notes": _("notes"),
        "contract_end": _("contract end"),
        "date": _("date"),
        "amount": _("amount"),
        "invoice": _("invoice or order number"),
        "note": _("note"),
    }
    return labels[name]


def column_name(cell: str) -> str:
    """Header cells as typed by people: any case, Arabic ي/ك, ZWNJ or a space in Persian names."""
    name = normalize_search_text(cell)
    return _HEADER_ALIASES.get(name, _HEADER_ALIASES.get(name.replace(" ", ""), name))


def default_mapping(kind: str, header: list[str]) -> list[str]:
    """Each column of the file read as the Peygir field its name says, or "" when none does."""
    mapping, taken = [], set()
    for cell in header:
        name = column_name(cell)
        mapping.append(name if name in COLUMNS[kind] and name not in taken else "")
        taken.add(name)
    return mapping


def mapping_problems(kind: str, mapping: list[str]) -> list[str]:
    """What is wrong with a choice of columns (a field chosen twice, a required one missing)."""
    chosen = [name for name in mapping if name]
    problems = [
        _("“%(field)s” is chosen for more than one column.") % {"field": field_label(name)}
        for name in sorted(set(chosen))
        if chosen.count(name) > 1
    ]
    for name in COLUMNS[kind]:
        if name in REQUIRED_COLUMNS[kind] and name not in chosen:
            problems.append(_("Choose the column that holds the %(field)s.") % {"field": field_label(name)})
    if not ONE_OF_COLUMNS[kind] & set(chosen):
        problems.append(
            _("Choose at least one column that says who the customer is: %(fields)s.")
            % {"fields": _(" or ").join(field_label(name) for name in COLUMNS[kind] if name in ONE_OF_COLUMNS[kind])}
        )
    return problems


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


@dataclass
class ImportRow:
    line: int  # where the row starts in the file; a cell in quotes may run over several lines
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    cleaned: dict = field(default_factory=dict)
    last_line: int = 0
    cells: list[str] = field(default_factory=list)
    outcome: str = ""  # CREATE, UPDATE or UNCHANGED once checked without error
    kind: str = CUSTOMERS

    @property
    def importable(self) -> bool:
        return not self.errors and self.outcome in (CREATE, UPDATE)

    @property
    def skipped(self) -> str:
        """Why a good row writes nothing (it is already in Peygir as the file says)."""
        if self.errors or self.outcome != UNCHANGED:
            return ""
        return _("Already a customer: skipped.") if self.kind == CUSTOMERS else _("Already imported: skipped.")


def import_rows(kind: str, table: Iterable[tuple[int, int, list[str]]], mapping: list[str]) -> Iterator[ImportRow]:
    """The file's records as rows of Peygir's fields, as the mapping reads them."""
    for first, last, cells in table:
        values = {name: cell for name, cell in zip(mapping, cells, strict=False) if name}
        yield ImportRow(line=first, last_line=last, values=values, cells=cells, kind=kind)


class Seen:
    """Keys met earlier in the same file (over every chunk): a repeat names the line it repeats.

    Kept in a temporary SQLite file, not in memory: a file of millions of rows must not grow the
    worker (a dict took 115 MB per million keys)."""

    def __init__(self):
        self._db = sqlite3.connect("", isolation_level=None)  # "": a private temporary file on disk
        self._db.execute("CREATE TABLE seen (key INTEGER PRIMARY KEY, line INTEGER NOT NULL)")

    def repeat_of(self, key: tuple, line: int) -> int | None:
        digest = int.from_bytes(hashlib.blake2b(repr(key).encode(), digest_size=8).digest(), "big", signed=True)
        found = self._db.execute("SELECT line FROM seen WHERE key = ?", (digest,)).fetchone()
        if found is None:
            self._db.execute("INSERT INTO seen VALUES (?, ?)", (digest, line))
            return None
        return found[0] if found[0] != line else None


def _check_lengths(kind: str, row: ImportRow) -> None:
    for column, limit in _MAX_LENGTHS[kind].items():
        if len(row.values.get(column, "")) > limit:
            row.errors.append(
                ngettext(
                    "%(column)s is longer than %(limit)s character.",
                    "%(column)s is longer than %(limit)s characters.",
                    limit,
                )
                % {"column": field_label(column), "limit": format_number(limit)}
            )


def _clean_phone(row: ImportRow) -> str:
    if not row.values.get("mobile"):
        return ""
    try:
        return normalize_phone(row.values["mobile"])
    except ValidationError as error:
        row.errors.extend(error.messages)
        return ""


def amount_in_rials(text: str, unit: str) -> Decimal:
    """An amount as typed (grouped, Persian digits, decimals) in the file's unit, as whole Rials."""
    try:
        amount = Decimal(parse_amount_text(text))
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0:
        raise ValueError(_("“%(value)s” is not an amount.") % {"value": quote_typed(text)})
    return (amount * _RIALS_PER[unit]).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def check_rows(kind: str, rows: list[ImportRow], *, seen: Seen, unit: str = ImportRun.Unit.RIAL) -> None:
    """Check a chunk of rows against the file so far and Peygir's data; writes nothing.

    Each good row ends up CREATE, UPDATE or UNCHANGED; a bad one has its errors, in the reader's language.
    """
    if kind == CUSTOMERS:
        _check_customer_rows(rows, seen)
    else:
        _check_purchase_rows(rows, seen, unit)
    for row in rows:
        if row.errors and row.last_line > row.line:
            row.errors.append(
                _('This row runs from line %(first)s to line %(last)s: if it should not, a quote (") lacks its pair.')
                % {"first": format_number(row.line), "last": format_number(row.last_line)}
            )


def _keys_of(row: ImportRow, phone: str) -> CustomerKeys:
    return CustomerKeys(
        reference=row.values.get("reference", "").strip(), phone=phone, email=row.values.get("email", "").lower()
    )


def _repeat(row: ImportRow, seen: Seen, key: tuple, message: str) -> None:
    first = seen.repeat_of(key, row.line)
    if first is not None:
        row.errors.append(message % {"line": format_number(first)})


def _check_customer_rows(rows: list[ImportRow], seen: Seen) -> None:
    owners = {user.get_username().lower(): user for user in sales_team()}
    for row in rows:
        values = row.values
        phone = _clean_phone(row)
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
        if phone:
            _repeat(row, seen, ("phone", phone), _("Same phone as line %(line)s."))
        if values.get("reference"):
            _repeat(row, seen, ("reference", values["reference"]), _("Same customer ID as line %(line)s."))
        elif values.get("email") and not phone:  # the email is how this row names its customer
            _repeat(row, seen, ("email", values["email"].lower()), _("Same email as line %(line)s."))
        contract_end = None
        if values.get("contract_end"):
            try:
                contract_end = dates.parse_date(values["contract_end"])
            except dates.InvalidDate as error:
                row.errors.append(error.message)
        _check_lengths(CUSTOMERS, row)
        row.cleaned = {
            "keys": _keys_of(row, phone),
            "owner": owners.get(owner_name),
            "language": language if values.get("language") else None,
            "contract_end": contract_end,
        }
    good = [row for row in rows if not row.errors]
    segment_ids = dict(
        Segment.objects.filter(
            name__in={row.values["segment"] for row in good if row.values.get("segment")}
        ).values_list("name", "pk")
    )
    for row in good:
        row.cleaned["segment_id"] = segment_ids.get(row.values.get("segment", ""), 0)
    holders = customers_holding(
        [row.cleaned["keys"] for row in good],
        fields=("name", "email", "company", "city", "notes", "segment_id", "owner_id", "preferred_language"),
    )
    for row in good:
        _settle_customer_row(row, holders)


def _settle_customer_row(row: ImportRow, holders: Holders) -> None:
    keys = row.cleaned["keys"]
    customer = holders.match(keys)
    if customer is AMBIGUOUS:
        row.errors.append(
            _("Several customers have the email %(value)s: add their customer ID or phone.")
            % {"value": quote_typed(keys.email, code=True)}
        )
        return
    if keys.phone and holders.by_phone.get(keys.phone, customer) != customer:
        row.errors.append(_("Another customer has this phone number."))
    if keys.reference and holders.by_reference.get(keys.reference, customer) != customer:
        row.errors.append(_("Another customer has this customer ID."))
    if row.errors:
        return
    row.cleaned["customer"] = customer
    if customer is None:
        row.outcome = CREATE
        return
    changes = {name: row.values[name] for name in _UPDATABLE if row.values.get(name)}
    if keys.phone and not customer.mobile:
        changes["mobile"] = keys.phone
    if keys.reference and not customer.reference:
        changes["reference"] = keys.reference
    if row.cleaned["owner"] is not None:
        changes["owner_id"] = row.cleaned["owner"].pk
    if row.cleaned["language"]:
        changes["preferred_language"] = row.cleaned["language"]
    if row.values.get("segment") and row.cleaned["segment_id"] != customer.segment_id:
        changes["segment"] = row.values["segment"]
    row.cleaned["changes"] = {
        name: value for name, value in changes.items() if name == "segment" or getattr(customer, name) != value
    }
    row.outcome = UPDATE if row.cleaned["changes"] else UNCHANGED


def _check_purchase_rows(rows: list[ImportRow], seen: Seen, unit: str) -> None:
    today = timezone.localdate()
    for row in rows:
        values = row.values
        phone = _clean_phone(row)
        keys = _keys_of(row, phone)
        if not (values.get("mobile") or keys.reference or keys.email):
            row.errors.append(_("Give at least one of the customer ID, the phone and the email."))
        purchased_on = amount = None
        try:
            purchased_on = dates.parse_date(values.get("date", ""))
            if purchased_on > today:
                row.errors.append(_("The date %(value)s is in the future.") % {"value": quote_typed(values["date"])})
        except dates.InvalidDate as error:
            row.errors.append(error.message)
        try:
            amount = amount_in_rials(values.get("amount", ""), unit)
        except ValueError as error:
            row.errors.append(str(error))
        invoice = values.get("invoice", "")
        if not invoice:
            row.errors.append(_("The invoice number is empty."))
        elif keys:
            key = (keys.reference or keys.phone or keys.email, invoice)
            _repeat(row, seen, key, _("Same invoice as line %(line)s."))
        if amount is not None and amount >= _MAX_AMOUNT:
            row.errors.append(_("The amount %(value)s is too large.") % {"value": quote_typed(values["amount"])})
        _check_lengths(PURCHASES, row)
        row.cleaned = {"keys": keys, "purchased_on": purchased_on, "amount": amount, "invoice": invoice}
    good = [row for row in rows if not row.errors]
    for row, customer in zip(good, customers_matching([row.cleaned["keys"] for row in good]), strict=True):
        keys = row.cleaned["keys"]
        row.cleaned["customer"] = customer
        if customer is AMBIGUOUS:
            row.errors.append(
                _("Several customers have the email %(value)s: add their customer ID or phone.")
                % {"value": quote_typed(keys.email, code=True)}
            )
        elif customer is None and keys.reference:
            row.errors.append(
                _("No customer has the customer ID %(value)s.") % {"value": quote_typed(keys.reference, code=True)}
            )
        elif customer is None and keys.phone:
            row.errors.append(_("No customer has the phone %(value)s.") % {"value": quote_typed(keys.phone)})
        elif customer is None:
            row.errors.append(_("No customer has the email %(value)s.") % {"value": quote_typed(keys.email, code=True)})
    good = [row for row in good if not row.errors]
    stored = purchases_by_invoice({(row.cleaned["customer"].pk, row.cleaned["invoice"]) for row in good})
    for row in good:
        purchase = stored.get((row.cleaned["customer"].pk, row.cleaned["invoice"]))
        row.cleaned["purchase"] = purchase
        if purchase is None:
            row.outcome = CREATE
        elif (purchase.purchased_on, purchase.amount, purchase.note) == (
            row.cleaned["purchased_on"],
            row.cleaned["amount"],
            row.values.get("note", purchase.note),
        ):
            row.outcome = UNCHANGED
        else:
            row.outcome = UPDATE


@transaction.atomic
def write_rows(kind: str, rows: list[ImportRow]) -> tuple[int, int]:
    """Write the chunk's checked rows; returns (created, updated)."""
    new = [row for row in rows if row.importable and row.outcome == CREATE]
    changed = [row for row in rows if row.importable and row.outcome == UPDATE]
    if kind == CUSTOMERS:
        _create_customers(new)
        _update_customers(changed)
    else:
        _create_purchases(new)
        _update_purchases(changed)
    return len(new), len(changed)


def _segments(names: set[str]) -> dict[str, Segment]:
    segments = {segment.name: segment for segment in Segment.objects.filter(name__in=names)}
    for name in names - segments.keys():
        segments[name] = Segment.objects.create(name=name)
    return segments


def _create_customers(rows: list[ImportRow]) -> None:
    segments = _segments({row.values["segment"] for row in rows if row.values.get("segment")})
    customers = []
    for row in rows:
        values, keys = row.values, row.cleaned["keys"]
        customer = Customer(
            name=values["name"],
            mobile=keys.phone,
            reference=keys.reference,
            email=values.get("email", ""),
            company=values.get("company", ""),
            city=values.get("city", ""),
            segment=segments.get(values.get("segment", "")),
            owner=row.cleaned["owner"],
            preferred_language=row.cleaned["language"] or Customer.Language.PERSIAN,
            notes=values.get("notes", ""),
            source=Customer.Source.IMPORT,
        )
        customer.search_text = customer_search_text(
            customer.name, customer.company, customer.mobile, customer.email, customer.reference
        )
        customers.append(customer)
    Customer.objects.bulk_create(customers, batch_size=1000, ignore_conflicts=True)
    with_contract = [row for row in rows if row.cleaned.get("contract_end")]
    found = customers_matching([row.cleaned["keys"] for row in with_contract])
    Contract.objects.bulk_create(
        [
            Contract(customer_id=customer.pk, ends_on=row.cleaned["contract_end"])
            for row, customer in zip(with_contract, found, strict=True)
            if customer
        ],
        batch_size=1000,
    )


def _update_customers(rows: list[ImportRow]) -> None:
    """The file's newer details on customers already in Peygir; a new owner takes their calls along."""
    segments = _segments({row.cleaned["changes"]["segment"] for row in rows if "segment" in row.cleaned["changes"]})
    ids = [row.cleaned["customer"].pk for row in rows]
    customers = Customer.objects.in_bulk(ids)
    fields, moved = {"search_text"}, {}
    for row in rows:
        customer = customers[row.cleaned["customer"].pk]
        for name, value in row.cleaned["changes"].items():
            if name == "segment":
                customer.segment = segments[value]
                fields.add("segment")
                continue
            if name == "owner_id" and customer.owner_id != value:
                moved.setdefault(row.cleaned["owner"], []).append(customer.pk)
            setattr(customer, name, value)
            fields.add(name)
        customer.search_text = customer_search_text(
            customer.name, customer.company, customer.mobile, customer.email, customer.reference
        )
    Customer.objects.bulk_update(list(customers.values()), sorted(fields), batch_size=500)
    for owner, customer_ids in moved.items():
        customers_reassigned_many.send(sender=Customer, customer_ids=customer_ids, owner=owner)
    with_contract = [row for row in rows if row.cleaned.get("contract_end")]
    known = set(
        Contract.objects.filter(customer_id__in=[row.cleaned["customer"].pk for row in with_contract]).values_list(
            "customer_id", "ends_on"
        )
    )
    Contract.objects.bulk_create(
        [
            Contract(customer_id=row.cleaned["customer"].pk, ends_on=row.cleaned["contract_end"])
            for row in with_contract
            if (row.cleaned["customer"].pk, row.cleaned["contract_end"]) not in known
        ]
    )


def _create_purchases(rows: list[ImportRow]) -> None:
    purchases_add_batch(
        purchases=[
            Purchase(
                customer_id=row.cleaned["customer"].pk,
                purchased_on=row.cleaned["purchased_on"],
                amount=row.cleaned["amount"],
                reference=row.cleaned["invoice"],
                note=row.values.get("note", ""),
            )
            for row in rows
        ]
    )


def _update_purchases(rows: list[ImportRow]) -> None:
    """A corrected date, amount or note for purchases already imported: one UPDATE for the chunk,
    the other apps told once (loyalty settles their points), then the figures once."""
    if not rows:
        return
    purchases = []
    for row in rows:
        purchase = row.cleaned["purchase"]
        purchase.purchased_on, purchase.amount = row.cleaned["purchased_on"], row.cleaned["amount"]
        purchase.note = row.values.get("note", purchase.note)
        purchases.append(purchase)
    Purchase.objects.bulk_update(purchases, ["purchased_on", "amount", "note"])
    purchases_changed.send(sender=Purchase, purchases=purchases)
    purchases_recorded(purchases=[(row.cleaned["customer"].pk, row.cleaned["purchased_on"]) for row in rows])


@dataclass
class ImportPreview:
    """A small file checked whole in memory (tests, the demo): its rows and their outcome."""

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
        return sum(1 for row in self.rows if row.skipped)


def preview_import(*, kind: str, text: str, unit: str = ImportRun.Unit.RIAL) -> ImportPreview:
    """Check every row of a small CSV text with the columns its header names; writes nothing."""
    _delimiter, table = import_files.text_rows(text)
    header = next(table)[2]
    mapping = default_mapping(kind, header)
    problems = mapping_problems(kind, mapping)
    if problems:
        raise ImportFileError(" ".join(problems))
    rows = list(import_rows(kind, table, mapping))
    check_rows(kind, rows, seen=Seen(), unit=unit)
    return ImportPreview(kind=kind, columns=[name for name in mapping if name], rows=rows)


def apply_import(preview: ImportPreview) -> int:
    """Write the importable rows of a checked small file; returns how many were written."""
    created, updated = write_rows(preview.kind, preview.rows)
    return created + updated


EXPORT_FIGURES = ["first_purchase", "last_purchase", "purchase_count", "total_spent_rial", "last_contact", "created"]
# The import's columns (so an export can be edited and imported back), then figures.
CUSTOMER_EXPORT_COLUMNS = COLUMNS[CUSTOMERS] + EXPORT_FIGURES


# Rows written to the response at a time: few writes, and a small piece of the file held in memory.
EXPORT_PIECE_ROWS = 500


class _DaysWritten(dict):
    """Each day as an export writes it, converted once (a dict lookup per cell, no call)."""

    def __init__(self, language: str | None):
        super().__init__()
        self.language = language

    def __missing__(self, value) -> str:
        self[value] = written = dates.input_value(value, self.language)
        return written


def customer_export_rows(customers: Iterable[tuple], *, language: str | None = None) -> Iterator[list]:
    """One row per customer (the tuples of ``selectors.customer_export_values``) under
    ``CUSTOMER_EXPORT_COLUMNS``; dates in the calendar of ``language`` (the reader's, fixed before the
    rows stream), each day converted once."""
    day = _DaysWritten(language).__getitem__

    for row in customers:
        name, mobile, reference, email, company, city, segment, owner, preferred_language, notes = row[:10]
        contract_end, first, last, count, spent, contact, created = row[10:]
        yield [
            name,
            mobile,
            reference,
            email,
            company,
            city,
            segment or "",
            owner or "",
            preferred_language,
            notes,
            day(contract_end),
            day(first),
            day(last),
            count,
            spent,
            day(contact),
            day(created),
        ]


def customer_export_csv(customers: Iterable[tuple], *, language: str | None = None) -> Iterator[str]:
    """The customer export as CSV text in pieces, for a streamed response: the BOM and the header
    first, then ``EXPORT_PIECE_ROWS`` rows at a time, every cell made safe (``core.exports``)."""
    piece = io.StringIO()
    writer = csv_writer(piece)
    writer.writerow(CUSTOMER_EXPORT_COLUMNS)
    for number, row in enumerate(customer_export_rows(customers, language=language), start=1):
        writer.writerow(row)
        if number % EXPORT_PIECE_ROWS == 0:
            yield piece.getvalue()
            piece.seek(0)
            piece.truncate()
    yield piece.getvalue()


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
        stored = customer.purchase_rhythm
        yield [
            customer.name,
            customer.mobile,
            customer.owner.get_username() if customer.owner else "",
            customer.segment.name if customer.segment else "",
            round(customer.yearly_value),
            customer_silence_sentence(customer, day=day),
            stored.gap_days or "",
            dates.input_value(customer.last_purchase_on),
            dates.input_value(stored.silent_since),
            dates.input_value(customer.last_contact_on),
        ]
