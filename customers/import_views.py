"""Import pages: upload, choose the columns, watch the check, import, download the rejected rows.

Thin: every step is a function of customers.imports; the run's page reads its state from the
database, so it shows the same thing after a reload or on another computer.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.exports import csv_download
from core.roles import manager_required
from customers import csv_io, imports
from customers.forms import ImportMappingForm, ImportUploadForm
from customers.import_files import ImportFileError
from customers.models import ImportRun

Phase = ImportRun.Phase


@manager_required
def import_upload(request):
    """Step 1: the file. Nothing is read into Peygir until the columns are chosen and checked."""
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        try:
            run = imports.run_start(
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                unit=form.cleaned_data["unit"],
                by=request.user,
                language=get_language(),
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("customers:import_columns", run.pk)
    runs = Paginator(ImportRun.objects.select_related("started_by"), 10).get_page(request.GET.get("page"))
    return render(
        request,
        "customers/import_upload.html",
        {"form": form, "runs": runs, "columns": csv_io.COLUMNS},
    )


@manager_required
def import_columns(request, pk):
    """Step 2: which field each column holds (offered from the last file with the same header)."""
    run = get_object_or_404(ImportRun, pk=pk)
    if run.phase not in (Phase.MAPPING, Phase.CHECKED, Phase.FAILED):
        return redirect("customers:import_run", run.pk)
    form = ImportMappingForm(request.POST or None, run=run)
    if form.is_valid():
        problems = imports.run_check(
            run=run, mapping=form.cleaned_data["mapping"], unit=form.cleaned_data.get("unit") or run.unit
        )
        if not problems:
            return redirect("customers:import_run", run.pk)
        for problem in problems:
            form.add_error(None, problem)
    return render(
        request,
        "customers/import_columns.html",
        {"run": run, "form": form, "remembered": run.mapping_remembered},
    )


def _run_context(run: ImportRun) -> dict:
    return {
        "run": run,
        "percent": imports.progress_percent(run),
        "stalled": imports.stalled(run),
        "working": run.phase in (Phase.CHECKING, Phase.IMPORTING),
        "rejections": imports.first_rejections(run) if run.phase in (Phase.CHECKED, Phase.DONE) else [],
        "first_errors": imports.FIRST_ERRORS,
    }


@manager_required
@require_safe
def import_run(request, pk):
    """Step 3 and 4: the check's counts and first errors, then the import's progress and summary."""
    run = get_object_or_404(ImportRun.objects.select_related("started_by"), pk=pk)
    template = "customers/_import_progress.html" if request.htmx else "customers/import_run.html"
    return render(request, template, _run_context(run))


@manager_required
@require_POST
def import_start(request, pk):
    run = get_object_or_404(ImportRun, pk=pk)
    if run.phase != Phase.CHECKED:
        messages.error(request, _("This file is not waiting to be imported."))
    else:
        imports.run_import(run=run)
    return redirect("customers:import_run", run.pk)


@manager_required
@require_POST
def import_resume(request, pk):
    run = get_object_or_404(ImportRun, pk=pk)
    if not imports.run_resume(run=run):
        messages.info(request, _("This import is still running; there is nothing to resume."))
    return redirect("customers:import_run", run.pk)


@manager_required
@require_safe
def import_rejected(request, pk):
    """The rejected rows as in the file, each with why: fix them and import that file again."""
    run = get_object_or_404(ImportRun, pk=pk)
    return csv_download(
        filename="rejected-rows.csv",
        header=imports.rejected_header(run),
        rows=imports.rejected_rows(run),
    )
