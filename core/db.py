"""Database helpers that know nothing of Peygir's business: portable SQL (date arithmetic and the
like, for the ORM and for hand-written statements alike), keyset pages, and moving a model's table
into a new app without touching its rows."""

import base64
import datetime
import json
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection as default_connection
from django.db import migrations
from django.db.models import F, FloatField, Func, IntegerField, Model, Q, QuerySet
from django.db.models.functions import Cast

# --- SQL that differs between PostgreSQL and SQLite, in one place ---------------------------------
# Each takes SQL text (column names, expressions) and returns SQL text for the connection in use.


def on_postgres(connection=None) -> bool:
    return (connection or default_connection).vendor == "postgresql"


def days_between(later: str, earlier: str, connection=None) -> str:
    """Whole days from ``earlier`` to ``later``: PostgreSQL subtracts dates, SQLite counts Julian days."""
    if on_postgres(connection):
        return f"(CAST({later} AS date) - CAST({earlier} AS date))"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def add_days(day: str, days: str) -> str:
    if on_postgres():
        return f"({day} + CAST({days} AS integer))"
    return f"date({day}, '+' || CAST({days} AS INTEGER) || ' days')"


def add_months(day: str, months: str) -> str:
    """Calendar months later (PostgreSQL clamps 31 Jan + 1 month to 28/29 Feb; SQLite rolls over)."""
    if on_postgres():
        return f"CAST({day} + make_interval(months => CAST({months} AS integer)) AS date)"
    return f"date({day}, '+' || CAST({months} AS INTEGER) || ' months')"


def whole_times(amount: str, step: str) -> str:
    """How many whole ``step``s fit in a non-negative ``amount`` (integer division, rounded down)."""
    if on_postgres():
        return f"CAST(floor({amount} / {step}) AS bigint)"
    return f"CAST({amount} / {step} AS INTEGER)"


def as_text(column: str) -> str:
    """A date column as ISO text (for a key or a JSON value built in SQL), alike on both databases."""
    return f"CAST({column} AS text)" if on_postgres() else column


def json_object(pairs: dict[str, str]) -> str:
    """A JSON object built in SQL from ``{"key": "SQL expression"}`` (keys are ours, not a user's)."""
    arguments = ", ".join(f"'{key}', {expression}" for key, expression in pairs.items())
    return f"{'jsonb_build_object' if on_postgres() else 'json_object'}({arguments})"


def date_literal(day: datetime.date) -> str:
    """A date written into the SQL (a ``datetime.date``'s ISO form: nothing a user typed)."""
    text = day.isoformat()
    return f"DATE '{text}'" if on_postgres() else f"'{text}'"


def differs(first: str, second: str) -> str:
    """True when the two differ, NULL counting as a value."""
    return f"{first} IS DISTINCT FROM {second}" if on_postgres() else f"{first} IS NOT {second}"


def greatest(first: str, second: str) -> str:
    return f"{'GREATEST' if on_postgres() else 'MAX'}({first}, {second})"


def hold_lock(name: str) -> None:
    """Hold a lock named ``name`` until the current transaction ends, so two runs of one job (two
    beats at once) take turns. PostgreSQL's transaction advisory lock; SQLite has one writer anyway."""
    if on_postgres():
        with default_connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])


@contextmanager
def without_nested_loops():
    """Plan the statements inside without nested loops, until they are done (PostgreSQL; the current
    transaction only).

    For set-based statements over many rows that join CTEs: PostgreSQL estimates a grouped CTE at
    200 rows whatever it holds, and may then join two of them by a nested loop. For the rhythm of
    100,000 customers that plan ran past 90 s where the hash join took 2.5 s.
    """
    if not on_postgres():
        yield
        return
    with default_connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_nestloop = off")
    yield
    with default_connection.cursor() as cursor:
        cursor.execute("RESET enable_nestloop")  # not reached on an error: the rollback undoes SET LOCAL


def insert_select(*, prototype: Model, values: dict[str, str], source: str, params: list) -> int:
    """``INSERT INTO <prototype's table> SELECT ... FROM <source> ON CONFLICT DO NOTHING``: rows written
    in one statement from rows the database already has (10^5 of them without a model object each).
    ``values`` maps columns (attnames) to SQL over ``source``; every other column takes its value
    from ``prototype`` (the model's defaults), so a new field needs no change in the callers. A
    conflict on any unique key skips the row. Returns the rows really written."""
    model = type(prototype)
    columns, select, constants = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(default_connection.ops.quote_name(field.column))
        if field.attname in values:
            select.append(values[field.attname])
        else:
            select.append("%s")
            constants.append(field.get_db_prep_save(getattr(prototype, field.attname), default_connection))
    where = "" if " WHERE " in source.upper() else " WHERE 1 = 1"  # SQLite reads ON CONFLICT after FROM x as a join
    with default_connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {default_connection.ops.quote_name(model._meta.db_table)} ({', '.join(columns)}) "
            f"SELECT {', '.join(select)} FROM {source}{where} ON CONFLICT DO NOTHING",
            [*constants, *params],
        )
        return rows_affected(cursor)


def rows_affected(cursor) -> int:
    """Rows the last statement wrote; sqlite3 reports none for a statement that starts WITH."""
    if not on_postgres():
        cursor.execute("SELECT changes()")
        return cursor.fetchone()[0]
    return cursor.rowcount


class DaysBetween(Func):
    """Whole days from ``start`` to ``end`` (``end - start``, negative when end is earlier), in the ORM."""

    output_field = IntegerField()

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        (end, end_params), (start, start_params) = (compiler.compile(e) for e in self.get_source_expressions())
        return days_between(end, start, connection), [*end_params, *start_params]


def queryset_of(query) -> QuerySet:
    """A queryset on a copy of ``query``: a query resolved once (and kept, never changed) starts
    each request's queryset without being built again."""
    queryset = query.model._default_manager.all()
    queryset.query = query.chain()
    return queryset


def as_float(expression) -> Cast:
    """Arithmetic in double precision: the same value in Python and in SQL, so it can be a page cursor."""
    return Cast(expression, FloatField())


@dataclass(frozen=True)
class SortKey:
    """One key of a keyset-paged order: a field or annotation name, and its direction."""

    name: str
    descending: bool = False


def keyset_after(queryset: QuerySet, keys: tuple[SortKey, ...], cursor: list[Any]) -> QuerySet:
    """The rows that come after ``cursor`` (the key values of the last row shown) in ``keys`` order.

    Unlike an offset, a keyset page neither skips nor repeats a row when rows before it
    leave the list between two pages (a call closed while the rep scrolls).
    """
    after = Q()
    for position, key in enumerate(keys):
        beyond = Q(**{f"{key.name}__{'lt' if key.descending else 'gt'}": cursor[position]})
        equal_before = Q(**{earlier.name: cursor[index] for index, earlier in enumerate(keys[:position])})
        after |= equal_before & beyond
    return queryset.filter(after)


def keyset_order(keys: tuple[SortKey, ...]) -> list:
    return [F(key.name).desc() if key.descending else F(key.name).asc() for key in keys]


def adopt_table(app_label: str, model_name: str, *, from_app: str) -> migrations.RunPython:
    """A migration step for a model that moved from ``from_app`` with its table (``Meta.db_table``).

    An existing installation keeps the table and its rows; a new one gets the table created.
    The old content type is relabelled, so permissions granted on the model still hold.
    Put it after a state-only ``CreateModel`` of the model.
    """

    def forwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        if model._meta.db_table not in schema_editor.connection.introspection.table_names():
            schema_editor.create_model(model)
        content_types = apps.get_model("contenttypes", "ContentType").objects
        if not content_types.filter(app_label=app_label, model=model_name.lower()).exists():
            content_types.filter(app_label=from_app, model=model_name.lower()).update(app_label=app_label)

    def backwards(apps, schema_editor):
        schema_editor.delete_model(apps.get_model(app_label, model_name))

    return migrations.RunPython(forwards, backwards)


def cursor_encode(values: list[Any]) -> str:
    """A page cursor for a URL: the last row's key values (numbers, dates, datetimes) as URL-safe text."""

    def tagged(value):
        if isinstance(value, datetime.datetime):
            return {"t": value.isoformat()}
        if isinstance(value, datetime.date):
            return {"d": value.isoformat()}
        return value

    raw = json.dumps([tagged(value) for value in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(text: str) -> list[Any]:
    """The values of ``cursor_encode``; raises ValueError for anything it did not write."""

    def untagged(value):
        if isinstance(value, dict) and value.keys() == {"t"}:
            return datetime.datetime.fromisoformat(value["t"])
        if isinstance(value, dict) and value.keys() == {"d"}:
            return datetime.date.fromisoformat(value["d"])
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        raise ValueError("not a cursor value")

    try:
        values = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, TypeError) as error:
        raise ValueError("not a cursor") from error
    if not isinstance(values, list):
        raise ValueError("not a cursor")
    return [untagged(value) for value in values]
