"""A real Celery worker imports a file and is killed with SIGKILL mid-file: resuming on another
worker finishes it, nothing twice, and what follows the purchases right (PostgreSQL, Redis, two
worker processes)."""

import signal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count, Sum
from django.utils import timezone

from customers import imports
from customers.models import Customer, ImportRun, Purchase
from loyalty.models import PointsEntry
from tests.production import production_stack, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 12_000
CUSTOMERS = 1_500
Phase = ImportRun.Phase


@pytest.fixture
def stack(tmp_path, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.PEYGIR_IMPORT_DIR = tmp_path / "imports"
    with production_stack(tmp_path) as stack:
        stack.env["PEYGIR_IMPORT_DIR"] = str(settings.PEYGIR_IMPORT_DIR)
        yield stack


def _state(run: ImportRun) -> ImportRun:
    run.refresh_from_db()
    return run


def test_a_worker_killed_mid_import_leaves_a_run_that_resumes_without_duplicates(stack, manager):
    rows = "".join(f"مشتری {n},0912{n:07d},C-{n}\n" for n in range(ROWS))
    upload = SimpleUploadedFile("big.csv", ("name,mobile,customer id\n" + rows).encode())
    run = imports.run_start(upload=upload, kind="customers", unit="rial", by=manager, language="fa")
    stack.processes.worker(stack.env, "worker-1")
    assert imports.run_check(run=run, mapping=run.mapping, unit="rial") == []
    wait_for(lambda: _state(run).phase == Phase.CHECKED, timeout=120, what="the check")
    assert (run.rows_total, run.will_create, run.rejected) == (ROWS, ROWS, 0)

    imports.run_import(run=run)
    wait_for(lambda: _state(run).rows_done >= 2 * imports.CHUNK_ROWS, timeout=120, every=0.05, what="two chunks")
    stack.processes.running["worker-1"].send_signal(signal.SIGKILL)
    stack.processes.kill("worker-1")
    run = _state(run)
    assert run.phase == Phase.IMPORTING
    assert 0 < run.created < ROWS
    assert Customer.objects.count() == run.created  # each chunk committed with its progress

    # Two minutes without a report: the page offers Resume (here: as if that time had passed).
    ImportRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - imports.STALLED_AFTER * 2)
    assert imports.stalled(_state(run))
    assert imports.run_resume(run=run)
    stack.processes.worker(stack.env, "worker-2")
    wait_for(lambda: _state(run).phase == Phase.DONE, timeout=180, what="worker-2 to finish the import")
    assert Customer.objects.count() == ROWS
    assert run.created + run.unchanged == ROWS
    assert run.rejected == 0
    assert Customer.objects.filter(reference="C-0", mobile="09120000000").exists()


def test_a_worker_killed_mid_purchases_import_leaves_figures_and_points_right_once_resumed(stack, manager):
    """The follow-ons wait for the end of the file: the resumed worker settles the chunks the killed one wrote."""
    Customer.objects.bulk_create(
        Customer(name=f"مشتری {n}", reference=f"C-{n}", search_text=f"c-{n}") for n in range(CUSTOMERS)
    )
    rows = "".join(f"C-{n % CUSTOMERS},2024-{n % 12 + 1:02d}-{n % 28 + 1:02d},5000000,F-{n}\n" for n in range(ROWS))
    upload = SimpleUploadedFile("purchases.csv", ("customer id,date,amount,invoice\n" + rows).encode())
    run = imports.run_start(upload=upload, kind="purchases", unit="rial", by=manager, language="fa")
    stack.processes.worker(stack.env, "worker-1")
    assert imports.run_check(run=run, mapping=run.mapping, unit="rial") == []
    wait_for(lambda: _state(run).phase == Phase.CHECKED, timeout=120, what="the check")

    imports.run_import(run=run)
    wait_for(lambda: _state(run).rows_done >= 2 * imports.CHUNK_ROWS, timeout=120, every=0.05, what="two chunks")
    stack.processes.running["worker-1"].send_signal(signal.SIGKILL)
    stack.processes.kill("worker-1")
    assert 0 < Purchase.objects.count() < ROWS

    ImportRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - imports.STALLED_AFTER * 2)
    assert imports.run_resume(run=run)
    stack.processes.worker(stack.env, "worker-2")
    wait_for(lambda: _state(run).phase == Phase.DONE, timeout=240, what="worker-2 to finish the import")
    assert Purchase.objects.count() == run.created + run.unchanged == ROWS
    counted = Customer.objects.annotate(n=Count("purchases"), total=Sum("purchases__amount"))
    assert not [c.pk for c in counted if (c.purchase_count, c.total_spent) != (c.n, c.total)]
    assert PointsEntry.objects.filter(purchase__isnull=False).count() == ROWS
    assert not Customer.objects.filter(rhythm__isnull=True).exists()
