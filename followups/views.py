"""The calls-due page and its in-place actions (htmx), the team view, and plan actions."""

import copy
import datetime
import json
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms.utils import flatatt
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core import dates
from core.forms import date_box_attrs
from core.numbers import format_number
from core.roles import display_name, is_manager, manager_required
from core.text import isolate
from customers import selectors as customer_selectors
from customers.forms import CustomerFilterForm
from followups import cadence, selectors, services
from followups.forms import ON_DATE, BulkCadenceForm, DayForm, OutcomeForm, PlanForm, ReassignForm, SnoozeForm
from followups.models import FollowUp, FollowUpPlan
from followups.ranking import RankExplanation


def _page_frame(request, data) -> tuple[datetime.date, object, DayForm]:
    """The day and whose calls the page shows, from GET or a row form's hidden fields.

    A manager sees their own calls unless they pick a colleague or the whole team (``rep=None``).
    """
    form = DayForm(data or None, user=request.user)
    day, rep = timezone.localdate(), request.user
    if form.is_bound:
        form.is_valid()  # a bad day must not drop a good rep filter (nor a bad rep a good day)
        day = form.cleaned_data.get("day") or day
        if is_manager(request.user) and "rep" in form.cleaned_data:
            rep = form.cleaned_data["rep"]
        if "day" in form.errors:
            messages.error(request, "; ".join(form.errors["day"]))
    shown = DayForm(initial={"day": day, "rep": DayForm.rep_value(rep, request.user)}, user=request.user)
    return day, rep, shown


@login_required
def calls_due(request):
    day, rep, form = _page_frame(request, request.GET)
    return render(
        request,
        "followups/calls_due.html",
        {
            "calls": selectors.calls_due_for(day=day, rep=rep),
            "day_form": form,
            "frame_json": json.dumps(_frame_query(day, rep, request.user)),
            "rep_value": DayForm.rep_value(rep, request.user),
            "previous_day": day - datetime.timedelta(days=1),
            "next_day": day + datetime.timedelta(days=1),
            "today": timezone.localdate(),
            "shown_rep": rep,
            **_row_context(request),
        },
    )


@login_required
def calls_more(request):
    """htmx: the next rows of one section ("show more"), after the last row the page shows."""
    day, rep, _form = _page_frame(request, request.GET)
    section = request.GET.get("section")
    if section not in selectors.SECTIONS:
        return HttpResponseBadRequest(_("Unknown list."))
    try:
        page = selectors.calls_section_page(section=section, day=day, rep=rep, cursor=request.GET.get("after", ""))
        shown = int(request.GET.get("shown", 0)) + len(page.rows)
    except ValueError:
        return HttpResponseBadRequest(_("This list has changed; reload the page."))
    calls = selectors.calls_due_counts(day=day, rep=rep)
    return render(
        request,
        "followups/_more_rows.html",
        {
            "calls": calls,
            "page": page,
            "key": section,
            "shown": shown,
            "count": calls.count_of(section),
            **_row_context(request),
        },
    )


def _row_context(request) -> dict:
    """What every row needs, translated once per page instead of once per row; and the row's
    optional parts (an action's note, error, kept fields, focus, place) empty: a name missing from
    the context costs the template an exception to find out, a dozen times per row."""
    return {
        "place": "",
        "focus": False,
        "note": "",
        "error": "",
        "kept": {},
        "outcome_options": _options(FollowUp.LOGGED_OUTCOME_CHOICES),
        "retry_options": _options(OutcomeForm.base_fields["retry"].choices),
        "date_input_attrs": _date_input_attrs(),
        "show_assignee": is_manager(request.user),
        "labels": {
            "outcome": _("Outcome"),
            "try_again": _("Try again"),
            "try_again_on": _("Try again on"),
            "note": _("Note"),
            "note_placeholder": _("Note (optional)"),
            "save": _("Save"),
            "due": _("Due"),
            "purpose": _("Purpose"),
            "last_contact": _("Last contact"),
            "never": _("never"),
            "last_purchase": _("Last purchase"),
            "purchases": _("Purchases"),
            "more": selectors.more_actions_label(),
            "outcome_more": f"{_('Try again')} · {_('Note')}",  # the fields it opens, by their names
            "why": _("Why"),
            "why_rank": _("Why this rank"),
            "next_call": _("Next call"),
            "no_next_call": _("No next call planned"),
        },
    }


def _options(choices, selected: str = "") -> str:
    """A select's options, the ``selected`` value chosen."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if selected and str(value) == selected else "", label)
            for value, label in choices
        ),
    )


def _date_input_attrs() -> str:
    """A row's date box, as a form's date field would render it (``core.forms.date_box_attrs``)."""
    return format_html('type="text"{}', flatatt(date_box_attrs()))


@login_required
def followup_actions(request, pk):
    """The row's less frequent actions, loaded when the rep opens them (keeps the page light); with
    ``?part=outcome`` the outcome form's rarer fields instead (try again later, the note)."""
    followup = selectors.followup_get_for(user=request.user, pk=pk)
    if request.GET.get("part") == "outcome":
        return render(request, "followups/_outcome_more.html", {"followup": followup, **_row_context(request)})
    return render(
        request,
        "followups/_row_actions.html",
        {"followup": followup, "assignees": _assignees(request), "date_input_attrs": _date_input_attrs()},
    )


def _assignees(request):
    return ReassignForm().fields["assignee"].choices if is_manager(request.user) else None


@login_required
def followup_rank(request, pk):
    """htmx: how a row got its place ("why this rank"), as of the page's day."""
    day, _rep, _form = _page_frame(request, request.GET)
    followup = selectors.followup_row_for(user=request.user, pk=pk, day=day)
    return render(
        request,
        "followups/_rank_explanation.html",
        {"rank": RankExplanation.of(followup), "f": followup, "customer": followup.customer},
    )


def _frame_query(day: datetime.date, rep, user) -> dict:
    return {"day": dates.input_value(day), "rep": DayForm.rep_value(rep, user)}


class Refusal:
    """A row form the rules refused: what the rep chose and typed, and each error by its field
    ("" for the row), so the row comes back as they left it with the error beside the field."""

    # Each row form's fields, and the DOM id of each (formatted with the row's pk).
    FIELDS = {
        "outcome": {"outcome": "outcome-{}", "retry": "retry-{}", "retry_on": "retry-on-{}", "note": "note-{}"},
        "snooze": {"when": "when-{}", "on": "snooze-on-{}", "reason": "snooze-reason-{}"},
        "reassign": {"assignee": "assignee-{}"},
        "skip": {},
    }

    def __init__(self, request, form: str, errors: dict[str, list[str]]):
        fields = self.FIELDS[form]
        self.form = form
        self.values = {name: request.POST.get(name, "") for name in fields}
        self.errors: dict[str, str] = {}
        for field, messages_ in errors.items():
            field = field if field in fields else ""
            self.errors[field] = " ".join(filter(None, [self.errors.get(field, ""), *map(str, messages_)]))
        self.focus = next((field for field in fields if field in self.errors), "")
        self._ids = fields

    @classmethod
    def of_form(cls, request, name: str, form, *, form_wide: str = "") -> "Refusal":
        """A refused Django form; its form-wide errors belong to ``form_wide``'s field."""
        errors = {
            (form_wide if field == "__all__" else field): list(messages_) for field, messages_ in form.errors.items()
        }
        return cls(request, name, errors)

    @classmethod
    def of_rule(cls, request, name: str, error: ValidationError, fields_by_code: dict[str, str]) -> "Refusal":
        """A rule a service refused, beside the field its code is about."""
        return cls(request, name, {fields_by_code.get(getattr(error, "code", None), ""): error.messages})

    def message(self) -> str:
        return " ".join(self.errors.values())

    def of_row_only(self) -> "Refusal":
        """A closed row shows no forms: every error goes to the row."""
        self.errors, self.focus = ({"": self.message()}, "") if self.errors else ({}, "")
        return self

    def context(self, followup: FollowUp) -> dict:
        return {
            "form": self.form,
            "in_actions": self.form in ("snooze", "reassign") and any(self.errors.get(f) for f in self._ids),
            "focus": self.focus,
            "focus_id": self._ids[self.focus].format(followup.pk) if self.focus else "",
            "errors": self.errors,
            **self.values,
        }


def _after_action(
    request,
    followup: FollowUp,
    *,
    before: FollowUp | None = None,
    appeared: FollowUp | None = None,
    refused: Refusal | None = None,
):
    """htmx: the updated row placed where it now belongs, new section counts, any new occurrence
    and a sentence for the live region; otherwise back to the page. A refused action brings the
    row back as the rep left it: their choices, what they typed, the error beside its field."""
    day, rep, _form = _page_frame(request, request.POST)
    if not request.htmx:
        if refused:
            messages.error(request, refused.message())
        query = "&".join(f"{key}={value}" for key, value in _frame_query(day, rep, request.user).items() if value)
        return redirect(f"{reverse('followups:calls_due')}?{query}")
    calls = selectors.calls_due_counts(day=day, rep=rep)
    followup = selectors.followup_row_for(user=request.user, pk=followup.pk, day=day)
    was = calls.section_of(before or followup)
    now = _shown_section(calls, followup, rep)
    if appeared is not None:
        try:
            appeared = selectors.followup_row_for(user=request.user, pk=appeared.pk, day=day)
        except Http404:  # the plan's next call went to someone else
            appeared = None
    appeared_section = _shown_section(calls, appeared, rep) if appeared else ""
    moved = not refused and now != was
    context = {
        "calls": calls,
        "followup": followup,
        "section": now,
        "moved": moved,
        "place_before": _place_before(followup, now, day, rep) if moved and now else "",
        "announcement": "" if refused else _announcement(calls, followup, now, rep),
        "appeared": appeared if appeared_section else None,
        "appeared_section": appeared_section,
        "appeared_before": _place_before(appeared, appeared_section, day, rep) if appeared_section else "",
        **_row_context(request),
        **_refused_context(request, followup, refused),
    }
    return render(request, "followups/_action_response.html", context)


def _refused_context(request, followup: FollowUp, refused: Refusal | None) -> dict:
    """The refused row's form as the rep left it (its selects with their choices), the row's error."""
    if refused is None:
        return {"error": "", "kept": {}}
    if not followup.is_pending:
        refused.of_row_only()
    kept = refused.context(followup)
    context = {"error": refused.errors.get("", ""), "kept": kept}
    if refused.form == "outcome":
        context["outcome_options"] = _options(FollowUp.LOGGED_OUTCOME_CHOICES, kept["outcome"])
        context["retry_options"] = _options(OutcomeForm.base_fields["retry"].choices, kept["retry"])
    if kept["in_actions"]:
        context["assignees"] = _assignees(request)
    return context


def _shown_section(calls, followup: FollowUp, rep) -> str:
    """The section of the shown page a row belongs in now ("" if it left the page)."""
    if rep is not None and followup.assignee_id != rep.pk:
        return ""
    return calls.section_of(followup)


def _place_before(followup: FollowUp, section: str, day: datetime.date, rep) -> str:
    """The DOM id of the row a moved row goes before ("" for the end of its section)."""
    after = selectors.followup_next_in_section(followup=followup, section=section, day=day, rep=rep)
    return f"followup-{after}" if after else ""


def _section_title(calls, section: str) -> str:
    if section == selectors.UPCOMING:
        days = calls.horizon_days
        return ngettext("Next %(n)s day", "Next %(n)s days", days) % {"n": format_number(days)}
    return {selectors.DUE: _("Due now"), selectors.DONE: _("Closed on this day")}[section]


def _announcement(calls, followup: FollowUp, section: str, rep) -> str:
    """What the action did, in a sentence: said by the live region and shown on the moved row."""
    name = isolate(followup.customer.name)
    if not followup.is_pending:
        if followup.next_call_on:
            return _("%(customer)s: closed. Next call: %(day)s.") % {
                "customer": name,
                "day": dates.format_date(followup.next_call_on),
            }
        return _("%(customer)s: closed. No next call is planned.") % {"customer": name}
    if rep is not None and followup.assignee_id != rep.pk:
        rep_name = isolate(display_name(followup.assignee))
        return _("%(customer)s: now on %(rep)s's list.") % {"customer": name, "rep": rep_name}
    day = dates.format_date(followup.due_on)
    if not section:
        return _("%(customer)s: next call on %(day)s, after the days this page shows.") % {"customer": name, "day": day}
    return _("%(customer)s: next call on %(day)s, under “%(section)s”.") % {
        "customer": name,
        "day": day,
        "section": _section_title(calls, section),
    }


def _new_occurrence(followup: FollowUp, since: datetime.datetime) -> FollowUp | None:
    if not followup.plan_id:
        return None
    return (
        FollowUp.objects.filter(plan_id=followup.plan_id, status__in=FollowUp.PENDING, created_at__gte=since)
        .order_by("scheduled_on")
        .first()
    )


def _act(
    request,
    followup: FollowUp,
    action: Callable[[], object],
    *,
    form: str,
    fields_by_code: dict[str, str] | None = None,
    may_bring_next: bool = False,
):
    """Run a service on the row; a rule it refuses shows in the row (beside the field its code is
    about, in ``fields_by_code``), nothing changed."""
    started, before = timezone.now(), copy.copy(followup)
    try:
        action()
    except ValidationError as error:
        return _after_action(request, followup, refused=Refusal.of_rule(request, form, error, fields_by_code or {}))
    appeared = _new_occurrence(followup, started) if may_bring_next else None
    return _after_action(request, followup, before=before, appeared=appeared)


@login_required
@require_POST
def followup_complete(request, pk):
    """Log what happened; "no answer" / "call back later" may instead be tried again later."""
    followup = selectors.followup_get_for(user=request.user, pk=pk)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        return _after_action(request, followup, refused=Refusal.of_form(request, "outcome", form, form_wide="retry"))
    data = form.cleaned_data
    if data["retry_day"]:
        return _act(
            request,
            followup,
            lambda: services.followup_reschedule(
                followup=followup, to=data["retry_day"], outcome=data["outcome"], note=data["note"], by=request.user
            ),
            form="outcome",
            fields_by_code={"past": "retry_on" if data["retry"] == ON_DATE else "retry", "outcome": "retry"},
        )
    return _act(
        request,
        followup,
        lambda: services.followup_complete(
            followup=followup, outcome=data["outcome"], note=data["note"], by=request.user
        ),
        form="outcome",
        fields_by_code={"outcome": "outcome"},
        may_bring_next=True,
    )


@login_required
@require_POST
def followup_snooze(request, pk):
    followup = selectors.followup_get_for(user=request.user, pk=pk)
    form = SnoozeForm(request.POST)
    if not form.is_valid():
        return _after_action(request, followup, refused=Refusal.of_form(request, "snooze", form, form_wide="when"))
    data = form.cleaned_data
    return _act(
        request,
        followup,
        lambda: services.followup_reschedule(followup=followup, to=data["day"], reason=data["reason"], by=request.user),
        form="snooze",
        fields_by_code={"past": "on" if data["when"] == ON_DATE else "when"},
    )


@login_required
@require_POST
def followup_skip(request, pk):
    followup = selectors.followup_get_for(user=request.user, pk=pk)
    note = request.POST.get("note", "")[:2000]
    return _act(
        request,
        followup,
        lambda: services.followup_skip(followup=followup, note=note, by=request.user),
        form="skip",
        may_bring_next=True,
    )


@manager_required
@require_POST
def followup_reassign(request, pk):
    followup = selectors.followup_get_for(user=request.user, pk=pk)
    form = ReassignForm(request.POST)
    if not form.is_valid():
        return _after_action(
            request, followup, refused=Refusal.of_form(request, "reassign", form, form_wide="assignee")
        )
    return _act(
        request,
        followup,
        lambda: services.followup_reassign(followup=followup, assignee=form.cleaned_data["assignee"]),
        form="reassign",
    )


def _form_errors(form) -> str:
    return " ".join(str(message) for field_errors in form.errors.values() for message in field_errors)


@manager_required
def team(request):
    day, _rep, form = _page_frame(request, request.GET)
    return render(
        request,
        "followups/team.html",
        {
            "day": day,
            "day_form": form,
            "workload": selectors.team_workload(day=day),
            "escalated": selectors.escalated_followups(day=day)[:100],
            "escalate_after": services.escalate_after_working_days(),
            "saves_days": selectors.SAVES_PERIOD_DAYS,
        },
    )


# --- plans ----------------------------------------------------------------------


@login_required
@require_POST
def plan_create(request, customer_pk):
    customer = customer_selectors.customer_get_for(user=request.user, pk=customer_pk)
    preset = request.POST.get("preset")
    try:
        if preset:
            months = int(preset)
            if months not in cadence.PRESET_MONTHS:
                raise ValidationError(_("Unknown cadence."))
            services.plan_create(
                customer=customer,
                every=months,
                unit=FollowUpPlan.Unit.MONTHS,
                starts_on=_preset_start(customer, months),
                by=request.user,
            )
        else:
            form = PlanForm(request.POST, user=request.user, customer=customer)
            if not form.is_valid():
                raise ValidationError(_form_errors(form))
            services.plan_create(customer=customer, by=request.user, **_plan_fields(form))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Follow-up plan added."))
    return redirect(reverse("customers:detail", args=[customer.pk]) + "#followups")


def _plan_fields(form: PlanForm) -> dict:
    fields = ("every", "unit", "calendar", "starts_on", "channel", "purpose", "count_from", "assignee")
    return {name: form.cleaned_data[name] for name in fields if name in form.cleaned_data}


def _preset_start(customer, months: int) -> datetime.date:
    """One interval after the last contact, or today if that has already passed."""
    today = timezone.localdate()
    if customer.last_contact_on is None:
        return today
    return max(today, cadence.add_months(customer.last_contact_on, months, cadence.JALALI))


@login_required
@require_POST
def plan_change(request, pk, action):
    plan = selectors.plan_get_for(user=request.user, pk=pk)
    if action == "pause":
        services.plan_pause(plan=plan)
        messages.success(request, _("Plan paused; its open follow-ups were removed."))
    elif action == "resume":
        try:
            services.plan_resume(plan=plan)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Plan resumed."))
    else:  # "delete": the URL allows nothing else
        services.plan_delete(plan=plan)
        messages.success(request, _("Plan deleted; completed follow-ups stay on record."))
    return redirect(reverse("customers:detail", args=[plan.customer_id]) + "#followups")


@manager_required
def bulk_cadence(request):
    """Apply a cadence to the customers matching the list's filters (passed along in the query).

    The first POST previews what it will do (who gets the plan, how many calls a day); the
    confirming POST applies it.
    """
    filter_form = CustomerFilterForm(request.GET or None, user=request.user)
    customers = _listed_customers(request, filter_form)
    form = BulkCadenceForm(request.POST or None)
    preview = None
    if form.is_valid():
        fields = form.plan_fields()
        if "confirm" in request.POST:
            created = services.plans_apply_cadence(customers=customers, by=request.user, **fields)
            messages.success(
                request,
                _("%(created)s customers got the new plan; %(skipped)s already had it.")
                % {"created": created, "skipped": customers.count() - created},
            )
            back = "followups:not_contacted" if request.GET.get("list") == NOT_CONTACTED else "customers:list"
            return redirect(f"{reverse(back)}?{request.GET.urlencode()}")
        preview = services.plans_apply_cadence_preview(customers=customers, **fields)
    return render(
        request,
        "followups/bulk_cadence.html",
        {
            "form": form,
            "preview": preview,
            "filter_form": filter_form,
            "count": customers.count(),
            "query": request.GET.urlencode(),
        },
    )


NOT_CONTACTED = "not_contacted"


def _listed_customers(request, filter_form, *, listing: str = ""):
    """The customers a bulk action applies to: the customer list's filters, or the not-contacted list's."""
    filters = filter_form.filters() if request.GET else {}
    if (listing or request.GET.get("list")) == NOT_CONTACTED:
        return selectors.customers_not_contacted(user=request.user, day=timezone.localdate(), **filters)
    return customer_selectors.customer_list(user=request.user, **filters)


@login_required
def not_contacted(request):
    """Customers nobody has reached for too long and nobody is due to call; a manager gives them a
    cadence (spread, as the bulk action does) or a call each."""
    filter_form = CustomerFilterForm(request.GET or None, user=request.user)
    customers = _listed_customers(request, filter_form, listing=NOT_CONTACTED)
    if request.method == "POST":
        if not is_manager(request.user):
            raise PermissionDenied
        created = services.no_contact_calls_raise(customers=customers, day=timezone.localdate())
        messages.success(request, _("%(count)s calls added to the reps' lists.") % {"count": format_number(created)})
        return redirect(f"{reverse('followups:not_contacted')}?{request.GET.urlencode()}")
    page = Paginator(customers, settings.PEYGIR_CUSTOMERS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query["list"] = NOT_CONTACTED
    return render(
        request,
        "followups/not_contacted.html",
        {
            "filter_form": filter_form,
            "page": page,
            "customers": page.object_list,
            "query": query.urlencode(),
            "days": settings.PEYGIR_NOT_CONTACTED_DAYS,
        },
    )
