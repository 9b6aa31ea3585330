"""The dashboards: thin views over the snapshot readers. Managers see the team (or one rep, or one
segment); a rep sees the same pages for their own book."""

import datetime
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from audit.services import export_recorded
from core import dates
from core.exports import csv_download
from core.roles import display_name, is_manager, manager_required
from customers.selectors import customer_list
from dashboards import (
    behind,
    calls_snapshot,
    charts,
    cohorts,
    definitions,
    flows,
    lifetimes,
    nps,
    overview,
    periods,
    services,
    tasks,
    team,
    value,
)
from dashboards.forms import Scope, ScopeForm
from dashboards.periods import Grain


def _scope(request) -> tuple[ScopeForm, Scope]:
    form = ScopeForm(request.GET or None, user=request.user, language=translation.get_language())
    return form, form.scope()


def _first_weekday() -> int:
    """The reader's week: from Saturday in Persian, from Monday in English (``date.weekday()``)."""
    return 5 if translation.get_language() == "fa" else 0


def _tabs() -> list[tuple[str, str, str]]:
    return [
        ("overview", "dashboards:overview", _("Overview")),
        ("churn", "dashboards:churn", _("Churn and retention")),
        ("cohorts", "dashboards:cohorts", _("Cohorts")),
        ("lifetimes", "dashboards:lifetimes", _("When churn happens")),
        ("value", "dashboards:value", _("Value")),
        ("nps", "dashboards:nps", _("NPS")),
        ("team", "dashboards:team", _("Team")),
        ("calls", "dashboards:calls", _("Do the calls work?")),
    ]


# The pickers each page shows (the others keep their value through the links).
_FIELDS = {"churn": ("calendar", "grain", "n", "segment", "rep"), "value": ("segment", "rep", "start", "end")}
_FIELDS |= {"nps": ("calendar", "segment", "rep", "start", "end"), "team": ("calendar", "n", "rep")}
_FIELDS |= {"calls": ("segment", "rep", "start", "end")}
_DEFAULT_FIELDS = ("calendar", "n", "segment", "rep")


def _as_of(request, form: ScopeForm, scope: Scope):
    """The day the snapshots of this N were counted up to (or the counting page, by _Counting)."""
    return _frame(request, form, scope, "")["as_of"]


def counting_aware(view):
    """A dashboard whose figures are still being counted shows the counting page instead (it
    reloads itself every 15 seconds)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _Counting as counting:
            return render(request, "dashboards/counting.html", counting.frame | {"reload_seconds": 15})

    return wrapped


def dashboard(view):
    """A dashboard page or table: for the logged-in, read-only, aware that figures may be counting."""
    return login_required(require_safe(counting_aware(view)))


class _Counting(Exception):
    """The figures of this N are being counted in the worker: the page says so and reloads."""

    def __init__(self, frame: dict):
        self.frame = frame


def _frame(request, form: ScopeForm, scope: Scope, tab: str) -> dict:
    """What every dashboard page shows around its figures: the tabs, the pickers, the "as of"."""
    run = services.snapshot_for(scope.active_days)
    frame = {
        "tab": tab,
        "tabs": _tabs(),
        "show_grain": tab == "churn",
        "shown_fields": _FIELDS.get(tab, _DEFAULT_FIELDS),
        "form": form,
        "scope": scope,
        "run": run,
        "as_of": run.computed_on if run else None,
        "query": scope.query() | ({"rep": scope.owner.pk} if scope.owner and is_manager(request.user) else {}),
        "definitions": definitions,
        "mine": not is_manager(request.user),
    }
    if run is None:
        raise _Counting(frame)
    return frame


@dashboard
def overview_page(request):
    form, scope = _scope(request)
    frame = _frame(request, form, scope, "overview")
    today = timezone.localdate()
    figures = overview.overview(
        user=request.user,
        scope=scope,
        as_of=frame["as_of"],
        today=today,
        first_weekday=_first_weekday(),
    )
    return render(request, "dashboards/overview.html", frame | {"overview": figures, "nps_days": overview.NPS_DAYS})


def _flows(scope: Scope, as_of, grain: str | None = None) -> list[flows.Flow]:
    return flows.flows(
        calendar=scope.calendar,
        grain=grain or scope.grain,
        active_days=scope.active_days,
        as_of=as_of,
        owner=scope.owner,
        segment=scope.segment,
    )


@dashboard
def churn_page(request):
    form, scope = _scope(request)
    frame = _frame(request, form, scope, "churn")
    kept = _flows(scope, frame["as_of"])
    language = translation.get_language()
    return render(
        request,
        "dashboards/churn.html",
        frame | {"flows": kept, "chart": charts.churn_chart(kept, language=language), "grains": Grain.choices},
    )


CHURN_COLUMNS = [
    "period", "starts_on", "ends_on", "active_at_start", "active_at_end", "new", "churned", "reactivated",
    "churn_rate", "retention_rate", "standard_retention",
    "revenue", "revenue_at_start", "revenue_lost", "revenue_churn",
]  # fmt: skip


def _share(value) -> str:
    return "" if value is None else f"{value:.4f}"


@dashboard
def churn_csv(request):
    _form, scope = _scope(request)
    as_of = _as_of(request, _form, scope)
    kept = _flows(scope, as_of)
    language = translation.get_language()
    export_recorded(by=request.user, export="dashboard_churn", filters=_export_filters(scope), rows=len(kept))
    return csv_download(
        filename=f"churn-{scope.grain}-{as_of.isoformat()}.csv",
        header=CHURN_COLUMNS,
        rows=(
            [
                flow.period.label(language),
                dates.input_value(flow.period.starts_on, language),
                dates.input_value(flow.period.ends_on, language),
                flow.start,
                flow.end,
                flow.new,
                flow.churned,
                flow.reactivated,
                _share(flow.churn_rate),
                _share(flow.retention_rate),
                _share(flow.standard_retention),
                flow.revenue,
                flow.revenue_at_start,
                flow.revenue_lost,
                _share(flow.revenue_churn),
            ]
            for flow in kept
        ),
    )


def _export_filters(scope: Scope) -> dict:
    return {
        "calendar": scope.calendar,
        "grain": scope.grain,
        "active_days": scope.active_days,
        "owner_id": scope.owner.pk if scope.owner else None,
        "segment_id": scope.segment.pk if scope.segment else None,
    }


@dashboard
def cohorts_page(request):
    form, scope = _scope(request)
    frame = _frame(request, form, scope, "cohorts")
    table = cohorts.cohort_table(
        calendar=scope.calendar,
        active_days=scope.active_days,
        as_of=frame["as_of"],
        owner=scope.owner,
        segment=scope.segment,
    )
    measure = "revenue" if request.GET.get("measure") == "revenue" else "customers"
    return render(
        request,
        "dashboards/cohorts.html",
        frame | {"cohorts": table, "measure": measure, "offsets": range(definitions.COHORT_MONTHS + 1)},
    )


@dashboard
def cohorts_csv(request):
    _form, scope = _scope(request)
    as_of = _as_of(request, _form, scope)
    table = cohorts.cohort_table(
        calendar=scope.calendar, active_days=scope.active_days, as_of=as_of, owner=scope.owner, segment=scope.segment
    )
    language = translation.get_language()
    rows = [
        [cohort.month.label(language), cohort.size, cell.offset, cell.customers, _share(cell.share), cell.revenue,
         _share(cell.revenue_share)]
        for cohort in table
        for cell in cohort.cells
    ]  # fmt: skip
    export_recorded(by=request.user, export="dashboard_cohorts", filters=_export_filters(scope), rows=len(rows))
    return csv_download(
        filename=f"cohorts-{as_of.isoformat()}.csv",
        header=["cohort", "customers", "months_after", "buyers", "retention", "revenue", "revenue_retention"],
        rows=rows,
    )


LIFETIME_MONTHS = 12


def _lifetimes(scope: Scope, as_of):
    last = periods.index_of(as_of, scope.calendar, Grain.MONTH)
    first = last - LIFETIME_MONTHS + 1
    found = lifetimes.lifetimes(
        calendar=scope.calendar,
        active_days=scope.active_days,
        first_month=first,
        last_month=last,
        owner=scope.owner,
        segment=scope.segment,
    )
    span = (periods.period(scope.calendar, Grain.MONTH, first), periods.period(scope.calendar, Grain.MONTH, last))
    return found, span


@dashboard
def lifetimes_page(request):
    form, scope = _scope(request)
    frame = _frame(request, form, scope, "lifetimes")
    found, span = _lifetimes(scope, frame["as_of"])
    language = translation.get_language()
    return render(
        request,
        "dashboards/lifetimes.html",
        frame | {"lifetimes": found, "span": span, "chart": charts.lifetimes_chart(found, language=language)},
    )


@dashboard
def lifetimes_csv(request):
    _form, scope = _scope(request)
    as_of = _as_of(request, _form, scope)
    found, _span = _lifetimes(scope, as_of)
    export_recorded(
        by=request.user, export="dashboard_lifetimes", filters=_export_filters(scope), rows=len(found.buckets)
    )
    return csv_download(
        filename=f"churn-lifetimes-{as_of.isoformat()}.csv",
        header=["lifetime_from_days", "lifetime_to_days", "churned_customers", "share"],
        rows=(
            [bucket.low, "" if bucket.high is None else bucket.high, bucket.events, _share(bucket.share)]
            for bucket in found.buckets
        ),
    )


@dashboard
def customers_page(request):
    """The customers behind one figure of one period (a link from a table's count)."""
    form, scope = _scope(request)
    figure, grain = request.GET.get("figure"), scope.grain
    try:
        index = int(request.GET.get("period", ""))
    except ValueError:
        raise Http404 from None
    if figure not in behind.FIGURES:
        raise Http404
    frame = _frame(request, form, scope, "churn")
    shown = periods.period(scope.calendar, grain, index, today=frame["as_of"])
    visible = customer_list(
        user=request.user,
        owner_id=scope.owner.pk if scope.owner else None,
        segment_id=scope.segment.pk if scope.segment else None,
    )
    found = behind.customers_behind(visible, figure=figure, period=shown, active_days=scope.active_days)
    page = Paginator(found.order_by("name", "pk"), settings.PEYGIR_CUSTOMERS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dashboards/customers.html",
        frame | {"figure": figure, "period": shown, "page": page, "page_query": query.urlencode()},
    )


@manager_required
@require_POST
def refresh(request):
    """A manager's "refresh now": the snapshots are counted again (in the worker, or here without one)."""
    _form, scope = _scope(request)
    tasks.snapshots_refresh_soon(active_days=scope.active_days)
    messages.success(request, _("The figures are being counted again; reload the page in a minute to see them."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("dashboards:overview")
    return redirect(back)


# --- value, NPS, team and the calls ---------------------------------------------------------------

NPS_RANGE_DAYS, TEAM_WEEKS = 90, 8


@dashboard
def value_page(request):
    form, scope = _scope(request)
    frame = _frame(request, form, scope, "value")
    asked = scope.start is not None or scope.end is not None
    if asked:
        start, end = scope.days(default_days=value.YEAR_DAYS, today=timezone.localdate())
        top = value.top_share(start=start, end=end, owner=scope.owner, segment=scope.segment)
        tiers = value.revenue_by_tier(start=start, end=end, owner=scope.owner, segment=scope.segment)
    else:  # the year the snapshot holds
        end = frame["as_of"]
        start = end - datetime.timedelta(days=value.YEAR_DAYS - 1)
        top = value.top_share_kept(active_days=scope.active_days, owner=scope.owner, segment=scope.segment)
        tiers = value.revenue_by_tier_kept(active_days=scope.active_days, owner=scope.owner, segment=scope.segment)
    language = translation.get_language()
    return render(
        request,
        "dashboards/value.html",
        frame
        | {
            "start": start,
            "end": end,
            "counted_now": asked,
            "segments": value.clv_by_segment(owner=scope.owner),
            "top": top,
            "tiers": tiers,
            "chart": charts.tier_chart(tiers, language=language),
        },
    )


@dashboard
def nps_page(request):
    form, scope = _scope(request)
    frame = _frame(request, form, scope, "nps")
    today = timezone.localdate()
    months = periods.periods_back(today, scope.calendar, Grain.MONTH, 12)
    points = nps.nps_by_period(periods=months, owner=scope.owner, segment=scope.segment)
    start, end = scope.days(default_days=NPS_RANGE_DAYS, today=today)
    language = translation.get_language()
    return render(
        request,
        "dashboards/nps.html",
        frame
        | {
            "points": points,
            "chart": charts.nps_chart(points, language=language),
            "start": start,
            "end": end,
            "by_segment": nps.nps_by_segment(start=start, end=end, owner=scope.owner),
            "by_rep": nps.nps_by_rep(start=start, end=end, segment=scope.segment) if not frame["mine"] else [],
        },
    )


@dashboard
def team_page(request):
    form, scope = _scope(request)
    frame = _frame(request, form, scope, "team")
    today = timezone.localdate()
    weeks = team.weeks_back(today, TEAM_WEEKS, _first_weekday())
    reps = [scope.owner] if scope.owner is not None else None
    rows = team.team_weeks(weeks=weeks, reps=reps, today=today)
    books = flows.flows_by_owner(  # the last whole quarter
        owner_ids={row.rep.pk for row in rows},
        calendar=scope.calendar,
        grain=Grain.QUARTER,
        active_days=scope.active_days,
        as_of=frame["as_of"],
        segment=scope.segment,
    )
    return render(
        request,
        "dashboards/team.html",
        frame | {"rows": rows, "books": books, "weeks": weeks},
    )


@dashboard
def calls_page(request):
    form, scope = _scope(request)
    frame = _frame(request, form, scope, "calls")
    today = timezone.localdate()
    kept_window = calls_snapshot.default_window(frame["run"].computed_on)
    asked = scope.start is not None or scope.end is not None or scope.segment is not None
    if asked:
        start, end = scope.days(default_days=calls_snapshot.WINDOW_DAYS, today=today)
        found = calls_snapshot.asked(
            start=start, end=end, today=today, owner=scope.owner, segment=scope.segment, with_reps=not frame["mine"]
        )
        if found is None:
            raise _Counting(frame)
        effects, by_rep = found
    else:
        start, end = kept_window
        effects = calls_snapshot.kept(active_days=scope.active_days, owner=scope.owner)
        by_rep = [] if frame["mine"] else calls_snapshot.kept_by_rep(active_days=scope.active_days)
    return render(
        request,
        "dashboards/calls.html",
        frame | {"effects": effects, "by_rep": by_rep, "start": start, "end": end, "counted_now": asked},
    )


def _csv(request, scope: Scope, *, export: str, filename: str, header: list[str], rows: list[list]):
    export_recorded(by=request.user, export=export, filters=_export_filters(scope), rows=len(rows))
    return csv_download(filename=filename, header=header, rows=rows)


@dashboard
def value_csv(request):
    _form, scope = _scope(request)
    rows = [
        [row.segment.name if row.segment else "", row.customers, row.revenue, row.clv, f"{row.active_years:.2f}",
         row.revenue_per_active_year]
        for row in value.clv_by_segment(owner=scope.owner)
    ]  # fmt: skip
    header = ["segment", "customers_who_bought", "revenue", "per_customer", "active_years", "per_active_year"]
    return _csv(request, scope, export="dashboard_value", filename="value-by-segment.csv", header=header, rows=rows)


@dashboard
def nps_csv(request):
    _form, scope = _scope(request)
    language = translation.get_language()
    months = periods.periods_back(timezone.localdate(), scope.calendar, Grain.MONTH, 12)
    rows = [
        [point.period.label(language), dates.input_value(point.period.starts_on, language), point.responses,
         point.promoters, point.passives, point.detractors, "" if point.nps is None else f"{point.nps:.1f}",
         point.invitations, _share(point.response_rate)]
        for point in nps.nps_by_period(periods=months, owner=scope.owner, segment=scope.segment)
    ]  # fmt: skip
    header = ["month", "starts_on", "answers", "promoters", "passives", "detractors", "nps", "invitations",
              "response_rate"]  # fmt: skip
    return _csv(request, scope, export="dashboard_nps", filename="nps-by-month.csv", header=header, rows=rows)


@dashboard
def team_csv(request):
    _form, scope = _scope(request)
    today, language = timezone.localdate(), translation.get_language()
    weeks = team.weeks_back(today, TEAM_WEEKS, _first_weekday())
    reps = [scope.owner] if scope.owner is not None else None
    rows = [
        [display_name(row.rep), dates.input_value(row.starts_on, language), row.due, row.done, row.overdue,
         row.reached, _share(row.reached_rate), row.saves]
        for row in team.team_weeks(weeks=weeks, reps=reps, today=today)
    ]  # fmt: skip
    header = ["rep", "week_from", "due", "done", "overdue", "reached", "reached_rate", "saves"]
    return _csv(request, scope, export="dashboard_team", filename="team-by-week.csv", header=header, rows=rows)


@dashboard
def calls_csv(request):
    _form, scope = _scope(request)
    effects = calls_snapshot.kept(active_days=scope.active_days, owner=scope.owner)
    by_rep = [] if not is_manager(request.user) else calls_snapshot.kept_by_rep(active_days=scope.active_days)
    rows = [
        [display_name(rep) if rep else "", effect.horizon, effect.treated.n, effect.treated.buyers,
         _share(effect.treated.rate), effect.comparison.n, effect.comparison.buyers, _share(effect.comparison.rate),
         _share(effect.difference), _share(effect.low), _share(effect.high), effect.unmatched, effect.verdict]
        for rep, rep_effects in [(None, effects), *by_rep]
        for effect in rep_effects
    ]  # fmt: skip
    header = ["rep", "within_days", "reached", "reached_bought", "reached_rate", "alike", "alike_bought",
              "alike_rate", "difference", "low", "high", "unmatched", "verdict"]  # fmt: skip
    return _csv(request, scope, export="dashboard_calls", filename="calls-effect.csv", header=header, rows=rows)
