"""Shared plumbing for the benchmark scripts: their own PostgreSQL database, Django setup (DEBUG=False),
seed markers, and the bare replay of captured SQL.

Nothing here asserts on a timing; the scripts print figures and never assert on them.
"""

import argparse
import json
import math
import os
import secrets
import statistics
import sys
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/peygir_bench"
MARKER_TABLE = "bench_seed"  # not a Django model: migrate never touches it


def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL


def ensure_database(url: str, schema: str | None = None, *, drop_schema: bool = False) -> str:
    """Create the benchmark database when it is missing, and ``schema`` in it when given.

    A benchmark that passes a schema keeps its tables there (Django's connection gets
    ``search_path=<schema>``), so one data set never sways another benchmark's figures and
    ``--reseed`` is a DROP SCHEMA instead of deleting millions of rows.
    """
    dbname = psycopg.conninfo.conninfo_to_dict(url).get("dbname")
    if not dbname:
        raise SystemExit(f"BENCH_DATABASE_URL has no database name: {url}")
    with psycopg.connect(url, dbname="postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
            print(f"created database {dbname}")
    if schema:
        with psycopg.connect(url, autocommit=True) as conn:
            if drop_schema:
                conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
                print(f"dropped schema {schema}")
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
    return dbname


def url_with_schema(url: str, schema: str) -> str:
    """``url`` whose connections use only ``schema`` (libpq ``options``, passed on by django-environ)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query["options"] = f"{query.get('options', '')} -c search_path={schema}".strip()
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))


def setup_django(url: str) -> None:
    """Point Django at the benchmark database with production's DEBUG=False, set it up and migrate.

    DEBUG is off so the figures are production's (no query log kept, no debug cursor;
    template and static handling as deployed). A script that wants its own SECRET_KEY sets it
    before calling this; otherwise each run gets a throwaway one.
    """
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "False"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"  # django.test.Client sends Host: testserver
    # With DEBUG off the settings turn SECURE_SSL_REDIRECT on (production sits behind a TLS proxy),
    # and django.test.Client's plain-http requests would all get a 301. Turned off here, in the one
    # place every script goes through, rather than asking each client to pretend to be https
    # (secure=True / X-Forwarded-Proto): no script can forget it, survey_answers' gunicorn already
    # runs with it off, and the redirect is one comparison in SecurityMiddleware, so nothing
    # measured is lost. The rest of the production hardening (HSTS, secure cookies) stays on.
    os.environ["SECURE_SSL_REDIRECT"] = "False"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "retention_crm.settings")
    os.chdir(ROOT)

    import django

    django.setup()
    migrate()
    collect_static()


def migrate() -> None:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    print(f"migrate: done in {time.perf_counter() - started:.1f} s")


def collect_static() -> None:
    """With DEBUG off, pages link static files through the collected manifest (whitenoise's
    CompressedManifestStaticFilesStorage). Collected when the manifest is missing or older than a
    static file, so a fresh clone needs no step of its own and a second script skips it."""
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders
    from django.core.management import call_command

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.exists():
        collected_at = manifest.stat().st_mtime
        sources = (storage.path(path) for finder in get_finders() for path, storage in finder.list([]))
        if all(Path(source).stat().st_mtime <= collected_at for source in sources):
            return
    with step("collectstatic (DEBUG is off: pages need the static manifest)"):
        call_command("collectstatic", interactive=False, verbosity=0)


def reset_schema(schema: str) -> None:
    """Drop ``schema`` and migrate it afresh, after Django is set up (an out-of-date seed found on start)."""
    from django.db import connection

    connection.close()
    ensure_database(database_url(), schema, drop_schema=True)
    migrate()


def start(description: str, schema: str | None = None, *, reseed: bool = False) -> None:
    """Create the database (and ``schema``, dropped first on --reseed) if needed; set Django up on it.

    Without a schema the tables are the database's default ones (``public``).
    """
    url = database_url()
    dbname = ensure_database(url, schema, drop_schema=reseed)
    setup_django(url_with_schema(url, schema) if schema else url)

    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version'), current_schema()")
        version, current = cursor.fetchone()
    print(f"{description}: database {dbname}, schema {current} (PostgreSQL {version}), DEBUG={settings.DEBUG}")


# --- seed markers -------------------------------------------------------------------


def _ensure_marker_table(cursor) -> None:
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} "
        "(name text PRIMARY KEY, seeded_on date NOT NULL, seconds double precision, seeded_at timestamptz)"
    )


def marker_get(name: str):
    """The day the ``name`` data set was seeded for, or None."""
    from django.db import connection

    with connection.cursor() as cursor:
        _ensure_marker_table(cursor)
        cursor.execute(f"SELECT seeded_on FROM {MARKER_TABLE} WHERE name = %s", [name])
        row = cursor.fetchone()
    return row[0] if row else None


def marker_names(prefix: str) -> list[str]:
    """The markers whose name starts with ``prefix`` (another version of a script's seed)."""
    from django.db import connection

    with connection.cursor() as cursor:
        _ensure_marker_table(cursor)
        cursor.execute(f"SELECT name FROM {MARKER_TABLE} WHERE starts_with(name, %s) ORDER BY name", [prefix])
        return [row[0] for row in cursor.fetchall()]


def marker_set(name: str, seeded_on, seconds: float) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        _ensure_marker_table(cursor)
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} (name, seeded_on, seconds, seeded_at) VALUES (%s, %s, %s, now()) "
            "ON CONFLICT (name) DO UPDATE SET seeded_on = EXCLUDED.seeded_on, seconds = EXCLUDED.seconds, "
            "seeded_at = EXCLUDED.seeded_at",
            [name, seeded_on, seconds],
        )


# --- helpers ---------------------------------------------------------------------------


def execute(statement: str, params=None) -> int:
    """Run one SQL statement on Django's connection; returns the row count."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def scalar(statement: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone()[0]


def seed_purchase_figures() -> None:
    """Every seeded customer's purchase figures from their purchases, in one UPDATE (what the services
    keep up to date purchase by purchase)."""
    execute(
        "UPDATE customers_customer AS cu SET first_purchase_on = p.first_on, last_purchase_on = p.last_on, "
        "  purchase_count = p.n, total_spent = p.total "
        "FROM (SELECT customer_id, min(purchased_on) AS first_on, max(purchased_on) AS last_on, count(*) AS n, "
        "      sum(amount) AS total FROM customers_purchase GROUP BY customer_id) AS p "
        "WHERE cu.id = p.customer_id"
    )


def vacuum_analyze(*tables: str) -> None:
    """VACUUM cannot run in a transaction: Django's connection is in autocommit outside atomic blocks."""
    for table in tables:
        execute(f"VACUUM (ANALYZE) {table}")


@contextmanager
def step(label: str):
    """Print how long a preparation step took (not a benchmark figure)."""
    print(f"  {label} ...", end="", flush=True)
    started = time.perf_counter()
    yield
    print(f" {time.perf_counter() - started:.1f} s", flush=True)


def ensure_reps(prefix: str, count: int) -> list:
    """``count`` active users named ``<prefix>01``... in the "rep" group (created once, then reused)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from core.roles import REP_GROUP

    user_model = get_user_model()
    group, _created = Group.objects.get_or_create(name=REP_GROUP)
    reps = []
    for number in range(1, count + 1):
        username = f"{prefix}{number:02d}"
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model(username=username, first_name="Bench", last_name=f"Rep {number:02d}")
            user.set_unusable_password()
            user.save()
        user.groups.add(group)
        reps.append(user)
    return reps


def ensure_manager(username: str = "bench_manager"):
    """An active user in the "manager" group (created once, then reused): pages show them every customer."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from core.roles import MANAGER_GROUP

    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": "Bench", "last_name": "Manager"}
    )
    if created:
        user.set_unusable_password()
        user.save()
    user.groups.add(Group.objects.get_or_create(name=MANAGER_GROUP)[0])
    return user


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 30 samples is the 29th smallest)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(round(fraction * len(ordered), 9))))
    return ordered[rank - 1]


def summary_ms(seconds: list[float]) -> str:
    ms = [value * 1000 for value in seconds]
    return (
        f"median {statistics.median(ms):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms, "
        f"min {min(ms):.1f} ms, max {max(ms):.1f} ms (n={len(ms)})"
    )


# --- bare SQL: the statements a request sent, replayed without Django -----------------------


def bare_connection(schema: str | None = None) -> psycopg.Connection:
    """A plain psycopg connection to the benchmark database, set up like Django's.

    Same schema (search_path), UTC session time zone (Django sets it with USE_TZ), autocommit,
    client-side cursors (what Django's psycopg backend uses unless server_side_binding is on) and
    no automatic prepared statements (Django's client-side cursors never prepare), so a replay
    does the work Django's connection did, minus Django.
    """
    url = database_url()
    conn = psycopg.connect(
        url_with_schema(url, schema) if schema else url,
        autocommit=True,
        prepare_threshold=None,
        cursor_factory=psycopg.ClientCursor,
    )
    conn.execute("SET TIME ZONE 'UTC'")
    from django.conf import settings

    if "jit=off" in settings.DATABASES["default"].get("OPTIONS", {}).get("options", ""):
        conn.execute("SET jit = off")  # as the settings set it on Django's connections
    return conn


def is_read_only(statement: str) -> bool:
    return statement.lstrip().split(None, 1)[0].upper() in {"SELECT", "WITH"}


def replay(conn: psycopg.Connection, statements: list[str]) -> tuple[float, list[float]]:
    """Send ``statements`` (SQL with the parameters inlined) one after another and fetch every row,
    as Django does; returns the total seconds and each statement's seconds."""
    each = []
    with conn.cursor() as cursor:
        for statement in statements:
            started = time.perf_counter()
            cursor.execute(statement)
            if cursor.description is not None:
                cursor.fetchall()
            each.append(time.perf_counter() - started)
    return sum(each), each


def ratio_line(label: str, seconds: list[float], statements: int, bare: list[float]) -> str:
    """``page 62.0 ms median; its 6 SQL statements alone 21.0 ms; ratio 3.0×``."""
    whole, sql_only = statistics.median(seconds) * 1000, statistics.median(bare) * 1000
    ratio = f"{whole / sql_only:.1f}×" if sql_only > 0 else "n/a"
    return (
        f"{label} {whole:.1f} ms median; its {statements} SQL statement{'s' if statements != 1 else ''} "
        f"alone {sql_only:.1f} ms; ratio {ratio}"
    )


# --- the one table: every script's figures, gathered by bench/all.py ---------------------------


@dataclass
class Figure:
    """One row of bench/all.py's table: a measured figure beside its limit measured in the same run.

    ``value`` and ``limit`` are in ``unit``; ``ratio`` is value / limit (for a throughput too, so a
    goal of "at least half the bare view" reads ``≥ 0.5×``). ``goal`` is the issue's goal in words and
    ``met`` whether this run met it (None when the figure has no goal, such as a growth step).
    """

    path: str
    value: float
    unit: str
    limit: float | None = None
    limit_label: str = ""
    goal: str = ""
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        return self.value / self.limit if self.limit else None


def add_figures_argument(parser) -> None:
    parser.add_argument("--figures", type=Path, help=argparse.SUPPRESS)  # bench/all.py collects the rows here


def write_figures(path: Path | None, figures: list[Figure]) -> None:
    """Add ``figures`` to the JSON file bench/all.py passed as ``--figures`` (nothing without one)."""
    if path is None:
        return
    rows = json.loads(path.read_text()) if path.exists() and path.stat().st_size else []
    rows.extend(asdict(figure) for figure in figures)
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=1))
