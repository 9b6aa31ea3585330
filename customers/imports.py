"""Imports of any size: upload, choose the columns, check, import; each pass runs in the background.

A run keeps its file on disk and its state in the database, so its page shows the progress after
a reload, and a pass a killed worker left half done is run again from where it stopped: the
import pass commits each chunk together with ``next_line``, and a chunk already written is found
again as "already there", never written twice.

What follows a purchase (the customers' figures, rhythm and points, their silences ended) is done
once per file, at the end of the import pass, for the customers whose purchases it wrote: they are
kept beside the run's file (``Pending``) before each chunk commits, so a pass resumed after a kill
settles the chunks the killed worker wrote too, and a pass killed and never resumed is settled by
the next import to finish.
"""

import datetime
import hashlib
import json
import logging
import sqlite3
import uuid
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.queue import run_in_background
from customers import csv_io, import_files, services
from customers.import_files import ImportFileError
from customers.models import ImportMapping, ImportRejection, ImportRun

logger = logging.getLogger(__name__)

CHUNK_ROWS = 2000
# The end of an import pass settles this many customers per transaction (and reports between them).
SETTLE_CUSTOMERS = 5000
# The check page lists this many rejected rows; the rest are in the downloadable file.
FIRST_ERRORS = 50
# A pass that has not reported for this long has stopped (a worker killed or restarted).
STALLED_AFTER = datetime.timedelta(minutes=2)
_COPY_BYTES = 1024 * 1024

Phase = ImportRun.Phase


def import_dir() -> Path:
    path = Path(settings.PEYGIR_IMPORT_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _header_key(kind: str, header: list[str]) -> str:
    return hashlib.sha256(json.dumps([kind, header], ensure_ascii=False).encode()).hexdigest()


def run_start(*, upload, kind: str, unit: str, by, language: str) -> ImportRun:
    """Keep an uploaded file and read its shape; the columns come from the last file with this header.

    Raises ImportFileError (and keeps nothing) for a file that cannot be read.
    """
    run = ImportRun(kind=kind, unit=unit, file_name=Path(upload.name).name[:255], started_by=by, language=language)
    path = import_dir() / str(run.id)
    with open(path, "wb") as stored:
        for piece in upload.chunks(_COPY_BYTES):
            stored.write(piece)
    try:
        shape = import_files.shape_of(path)
    except ImportFileError:
        path.unlink(missing_ok=True)
        raise
    run.stored_path, run.file_size = str(path), path.stat().st_size
    run.format, run.encoding, run.delimiter = shape.format, shape.encoding, shape.delimiter
    run.header, run.sample = shape.header, shape.sample
    remembered = ImportMapping.objects.filter(kind=kind, header_key=_header_key(kind, shape.header)).first()
    run.mapping = remembered.mapping if remembered else csv_io.default_mapping(kind, shape.header)
    run.mapping_remembered = remembered is not None
    run.save()
    return run


@transaction.atomic
def run_check(*, run: ImportRun, mapping: list[str], unit: str) -> list[str]:
    """Take the manager's choice of columns (remembered for the next such file) and check the whole
    file in the background. Returns what is wrong with the choice; nothing starts then."""
    problems = csv_io.mapping_problems(run.kind, mapping)
    if problems:
        return problems
    ImportMapping.objects.update_or_create(
        kind=run.kind, header_key=_header_key(run.kind, run.header), defaults={"mapping": mapping}
    )
    run.rejections.all().delete()
    run.mapping, run.unit = mapping, unit
    _begin(run, Phase.CHECKING)
    return []


@transaction.atomic
def run_import(*, run: ImportRun) -> None:
    """The checked file's rows into Peygir, in the background."""
    run.rejections.filter(during_import=True).delete()
    _begin(run, Phase.IMPORTING)


def _begin(run: ImportRun, phase: str) -> None:
    run.phase, run.failure, run.heartbeat_at, run.finished_at = phase, "", timezone.now(), None
    run.pass_token = uuid.uuid4()
    run.rows_done = run.next_line = 0
    run.created = run.updated = run.unchanged = run.rejected = 0
    if phase == Phase.CHECKING:
        run.will_create = run.will_update = 0
        run.rows_total = None
    run.save()
    _start_pass(run)


def _start_pass(run: ImportRun) -> None:
    from customers.tasks import import_pass_task  # tasks import this module

    run_in_background(
        import_pass_task, str(run.id), str(run.pass_token), fallback="the run's page offers to start it again"
    )


def stalled(run: ImportRun, *, now: datetime.datetime | None = None) -> bool:
    """A pass that stopped reporting: its worker was killed or restarted."""
    now = now or timezone.now()
    return run.phase in (Phase.CHECKING, Phase.IMPORTING) and (
        run.heartbeat_at is None or now - run.heartbeat_at > STALLED_AFTER
    )


@transaction.atomic
def run_resume(*, run: ImportRun) -> bool:
    """Start a stalled pass again from where it stopped; False if it is not stalled."""
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if not stalled(run):
        return False
    run.heartbeat_at, run.pass_token = timezone.now(), uuid.uuid4()
    if run.phase == Phase.CHECKING:  # reading only: it starts again from the top
        run.rejections.filter(during_import=False).delete()
        run.rows_done = run.next_line = run.will_create = run.will_update = run.unchanged = run.rejected = 0
    run.save()
    _start_pass(run)
    return True


def _chunks(rows: Iterator[csv_io.ImportRow]) -> Iterator[list[csv_io.ImportRow]]:
    while chunk := list(islice(rows, CHUNK_ROWS)):
        yield chunk


def pass_run(run_id, token: str) -> None:
    """The pass a run is in (check or import), from where it stopped, in its manager's language."""
    run = ImportRun.objects.filter(pk=run_id, pass_token=token).first()
    if run is None or run.phase not in (Phase.CHECKING, Phase.IMPORTING):
        return  # taken over by a newer pass, or already over
    with translation.override(run.language):
        try:
            if run.phase == Phase.CHECKING:
                _check_pass(run, token)
            else:
                _import_pass(run, token)
        except ImportFileError as error:
            if run.phase == Phase.IMPORTING and not _settle(run, token):
                return
            _fail(run, str(error))


def _table(run: ImportRun) -> Iterator[csv_io.ImportRow]:
    shape = import_files.FileShape(run.format, run.encoding, run.delimiter, run.header, [])
    return csv_io.import_rows(run.kind, import_files.rows(run.stored_path, shape), run.mapping)


def _rejections(run: ImportRun, rows: list[csv_io.ImportRow], *, during_import: bool) -> list[ImportRejection]:
    return [
        ImportRejection(
            run=run,
            line=row.line,
            last_line=row.last_line,
            cells=row.cells,
            reasons=row.errors,
            during_import=during_import,
        )
        for row in rows
        if row.errors
    ]


def _check_pass(run: ImportRun, token: str) -> None:
    """Every row checked against Peygir as it is now; the counts and the rejected rows are kept."""
    seen = csv_io.Seen()
    for chunk in _chunks(_table(run)):
        csv_io.check_rows(run.kind, chunk, seen=seen, unit=run.unit)
        outcomes = [row.outcome for row in chunk if not row.errors]
        with transaction.atomic():
            if not _still_mine(run, Phase.CHECKING, token):
                return
            ImportRejection.objects.bulk_create(_rejections(run, chunk, during_import=False))
            ImportRun.objects.filter(pk=run.pk).update(
                rows_done=F("rows_done") + len(chunk),
                next_line=chunk[-1].last_line + 1,
                will_create=F("will_create") + outcomes.count(csv_io.CREATE),
                will_update=F("will_update") + outcomes.count(csv_io.UPDATE),
                unchanged=F("unchanged") + outcomes.count(csv_io.UNCHANGED),
                rejected=F("rejected") + len(chunk) - len(outcomes),
                heartbeat_at=timezone.now(),
            )
    ImportRun.objects.filter(pk=run.pk, phase=Phase.CHECKING).update(
        phase=Phase.CHECKED, rows_total=F("rows_done"), finished_at=timezone.now()
    )


def _import_pass(run: ImportRun, token: str) -> None:
    """The rows from ``next_line`` on, chunk by chunk; each chunk commits with its progress, then the
    customers the pass wrote purchases for are settled once."""
    seen = csv_io.Seen()
    rows = (row for row in _table(run) if row.line >= run.next_line)
    with Pending(run) as pending:
        for chunk in _chunks(rows):
            csv_io.check_rows(run.kind, chunk, seen=seen, unit=run.unit)
            with transaction.atomic(), services.purchases_follow_ons_deferred() as bought:
                if not _still_mine(run, Phase.IMPORTING, token):
                    return
                created, updated = csv_io.write_rows(run.kind, chunk)
                pending.add(bought)  # kept before the chunk commits: a kill after it loses none
                unchanged = sum(1 for row in chunk if not row.errors and row.outcome == csv_io.UNCHANGED)
                rejections = _rejections(run, chunk, during_import=True)
                ImportRejection.objects.bulk_create(rejections)
                next_line = chunk[-1].last_line + 1
                ImportRun.objects.filter(pk=run.pk).update(
                    rows_done=F("rows_done") + len(chunk),
                    next_line=next_line,
                    created=F("created") + created,
                    updated=F("updated") + updated,
                    unchanged=F("unchanged") + unchanged,
                    rejected=F("rejected") + len(rejections),
                    heartbeat_at=timezone.now(),
                )
            run.next_line = next_line
    if not _settle(run, token):
        return
    ImportRun.objects.filter(pk=run.pk, phase=Phase.IMPORTING).update(phase=Phase.DONE, finished_at=timezone.now())
    Path(run.stored_path).unlink(missing_ok=True)
    logger.info("import %s done", run.pk)
    _settle_stalled_runs()


def _settle_stalled_runs() -> None:
    """A pass killed and never resumed (its file uploaded again instead, say) leaves the follow-ons
    of the purchases it wrote waiting: the next import pass to finish settles them. The stalled run
    may still be resumed; what it settles again is recounted to the same figures."""
    for other in ImportRun.objects.filter(phase=Phase.IMPORTING):
        if stalled(other) and Pending(other).path.exists():
            logger.info("import %s stalled: settling the purchases it wrote", other.pk)
            _settle(other, str(other.pass_token))


class Pending:
    """The customers an import pass wrote purchases for (each with their latest purchase day) whose
    follow-ons wait for the end of the file, in a small SQLite file beside the run's file: on the
    disk the workers share, bounded whatever the file's size, and left for a resumed pass to finish."""

    def __init__(self, run: ImportRun):
        self.path = Path(f"{run.stored_path}.pending")
        self._db: sqlite3.Connection | None = None

    def __enter__(self) -> "Pending":
        self._db = sqlite3.connect(self.path, isolation_level=None, timeout=60)
        self._db.execute("CREATE TABLE IF NOT EXISTS pending (customer_id INTEGER PRIMARY KEY, day TEXT NOT NULL)")
        return self

    def __exit__(self, *exc) -> None:
        self._db.close()

    def add(self, purchases: list[tuple[int, datetime.date]]) -> None:
        """Committed (and on disk) before the chunk's own transaction commits."""
        self._db.execute("BEGIN")
        self._db.executemany(
            "INSERT INTO pending VALUES (?, ?) ON CONFLICT (customer_id) DO UPDATE SET day = max(day, excluded.day)",
            [(customer_id, day.isoformat()) for customer_id, day in purchases],
        )
        self._db.execute("COMMIT")

    def batches(self) -> Iterator[list[tuple[int, datetime.date]]]:
        """The waiting customers in order of id, ``SETTLE_CUSTOMERS`` at a time; a batch is gone once
        the caller is done with it (and asks for the next)."""
        while batch := self._db.execute(
            "SELECT customer_id, day FROM pending ORDER BY customer_id LIMIT ?", (SETTLE_CUSTOMERS,)
        ).fetchall():
            yield [(customer_id, datetime.date.fromisoformat(day)) for customer_id, day in batch]
            self._db.execute("DELETE FROM pending WHERE customer_id <= ?", (batch[-1][0],))


def _settle(run: ImportRun, token: str) -> bool:
    """The follow-ons of the purchases the pass wrote, a batch of customers per transaction (a batch
    done twice after a kill is recounted to the same figures); False when another pass took over."""
    with Pending(run) as pending:
        for batch in pending.batches():
            with transaction.atomic():
                if not _still_mine(run, Phase.IMPORTING, token):
                    return False
                services.purchases_follow_ons(purchases=batch)
                ImportRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now())
    pending.path.unlink(missing_ok=True)
    return True


def _still_mine(run: ImportRun, phase: str, token: str) -> bool:
    """Lock the run; False when another pass has taken it over (a resume, a new check)."""
    current = ImportRun.objects.select_for_update().get(pk=run.pk)
    return current.phase == phase and str(current.pass_token) == token


def _fail(run: ImportRun, message: str) -> None:
    ImportRun.objects.filter(pk=run.pk).update(phase=Phase.FAILED, failure=message, finished_at=timezone.now())
    Path(run.stored_path).unlink(missing_ok=True)


def first_rejections(run: ImportRun) -> list[ImportRejection]:
    """The first rejected rows of the latest pass, for the run's page."""
    return list(run.rejections.filter(during_import=run.phase == Phase.DONE)[:FIRST_ERRORS])


def rejected_rows(run: ImportRun) -> Iterator[list]:
    """The rejected rows as they were in the file, each with why, for a CSV to fix and import again."""
    rejections = run.rejections.filter(during_import=run.phase == Phase.DONE).order_by("line")
    for rejection in rejections.iterator(chunk_size=2000):
        yield [*rejection.cells, " ".join(rejection.reasons)]


def rejected_header(run: ImportRun) -> list[str]:
    """In the run's language, as its reasons are (they were written by its passes)."""
    with translation.override(run.language):
        return [*run.header, _("why it was not imported")]


def progress_percent(run: ImportRun) -> int:
    """How far the pass under way has got: rows of rows (the import), else bytes of the file."""
    if run.phase in (Phase.CHECKED, Phase.DONE):
        return 100
    if run.phase == Phase.IMPORTING and run.rows_total:
        return min(99, run.rows_done * 100 // run.rows_total)
    if run.phase == Phase.CHECKING and run.file_size and run.rows_done:
        # The check does not know the number of rows yet; the sample's size per row estimates it.
        estimate = max(run.rows_done, run.file_size // max(1, _bytes_per_row(run)))
        return min(99, run.rows_done * 100 // estimate)
    return 0


def _bytes_per_row(run: ImportRun) -> int:
    sample = run.sample or [run.header]
    return sum(len(",".join(cells).encode()) + 2 for cells in sample) // len(sample)
