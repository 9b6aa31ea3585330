"""The segments page: a manager adds, renames and merges segments (customers.services does the writes)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from core.numbers import format_number
from core.roles import manager_required
from core.text import isolate
from customers import selectors, services
from customers.forms import SegmentMergeForm, SegmentNameForm
from customers.models import Segment


@manager_required
@require_http_methods(["GET", "POST"])
def segment_list(request: HttpRequest) -> HttpResponse:
    """Every segment with its customer count; the form on top adds one."""
    form = SegmentNameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            segment = services.segment_create(name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error("name", error.message_dict.get("name", error.messages))
        else:
            messages.success(request, _("Segment %(name)s added.") % {"name": isolate(segment.name)})
            return redirect("customers:segments")
    return _page(request, add_form=form)


@manager_required
@require_POST
def segment_rename(request: HttpRequest, pk: int) -> HttpResponse:
    segment = get_object_or_404(Segment, pk=pk)
    old_name = segment.name
    form = SegmentNameForm(request.POST, auto_id=f"id_%s_{pk}")
    if form.is_valid():
        try:
            services.segment_rename(segment=segment, name=form.cleaned_data["name"])
        except ValidationError as error:
            segment.name = old_name
            form.add_error("name", error.message_dict.get("name", error.messages))
        else:
            messages.success(request, _("Segment %(old)s is now %(new)s.") % {"old": old_name, "new": segment.name})
            return redirect("customers:segments")
    return _page(request, rename=(pk, form))


@manager_required
@require_POST
def segment_merge(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Segment, pk=pk)
    form = SegmentMergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was merged: choose a segment to merge into."))
        return redirect("customers:segments")
    into = form.cleaned_data["into"]
    try:
        moved = services.segment_merge(source=source, into=into)
    except ValidationError:
        messages.error(request, _("Nothing was merged: choose another segment to merge into."))
    else:
        messages.success(
            request,
            ngettext(
                "%(source)s was merged into %(into)s: %(count)s customer moved.",
                "%(source)s was merged into %(into)s: %(count)s customers moved.",
                moved,
            )
            % {"source": source.name, "into": into.name, "count": format_number(moved)},
        )
    return redirect("customers:segments")


def _page(request: HttpRequest, *, add_form=None, rename=None) -> HttpResponse:
    segments = list(selectors.segments_with_counts())
    rows = []
    for segment in segments:
        if rename and rename[0] == segment.pk:
            rename_form = rename[1]
        else:
            rename_form = SegmentNameForm(initial={"name": isolate(segment.name)}, auto_id=f"id_%s_{segment.pk}")
        rows.append((segment, rename_form))
    failed = (add_form is not None and add_form.errors) or (rename is not None and rename[1].errors)
    return render(
        request,
        "customers/segments.html",
        {"rows": rows, "segments": segments, "add_form": add_form or SegmentNameForm()},
        status=400 if failed else 200,
    )
