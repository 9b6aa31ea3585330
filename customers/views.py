"""Customer pages. Thin: forms validate, services write, selectors read."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import export_recorded
from core.exports import csv_download
from core.queue import enqueue_after_commit
from core.roles import is_manager, manager_required
from core.text import isolate
from customers import csv_io, rhythm, selectors, services
from customers.backtest import silence_backtest as backtest_run
from customers.forms import (
    AdoptRuleForm,
    BacktestForm,
    ContractForm,
    CustomerFilterForm,
    CustomerForm,
    InteractionForm,
    PurchaseForm,
)
from customers.tasks import refresh_rhythm_task


@login_required
def customer_list(request):
    filter_form = CustomerFilterForm(request.GET or None, user=request.user)
    filters = filter_form.filters() if request.GET else {}
    customers = selectors.customer_list(user=request.user, **filters)
    page = selectors.customer_page(
        customers, sort=filters.get("sort", "name"), number=request.GET.get("page"), per_page=_per_page(request)
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "customers/customer_list.html",
        {
            "filter_form": filter_form,
            "page": page,
            "customers": page.object_list,
            "query": query.urlencode(),
            "today": timezone.localdate(),
        },
    )


def _per_page(request) -> int:
    """The configured page size, or ?per_page= between 10 and 200."""
    try:
        return min(max(int(request.GET["per_page"]), 10), 200)
    except (KeyError, ValueError):
        return settings.PEYGIR_CUSTOMERS_PER_PAGE


# Rows fetched from the database at a time while the export streams.
EXPORT_FETCH_ROWS = 2000


@login_required
def customer_export(request):
    """The list's customers as CSV, streamed: one query reads the rows, the first bytes leave at once."""
    filter_form = CustomerFilterForm(request.GET or None, user=request.user)
    customers = selectors.customer_list(user=request.user, **(filter_form.filters() if request.GET else {}))
    # Recorded before the file leaves, so an interrupted download is on record too.
    export_recorded(by=request.user, export="customers", filters=filter_form.filters(), rows=customers.count())
    rows = selectors.customer_export_values(customers).iterator(chunk_size=EXPORT_FETCH_ROWS)
    response = StreamingHttpResponse(
        csv_io.customer_export_csv(rows, language=get_language()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="customers-{timezone.localdate().isoformat()}.csv"'
    return response


@login_required
def at_risk(request):
    """Silent customers, most valuable first, with why each is silent; managers see all, reps their own."""
    filter_form = CustomerFilterForm(request.GET or None, user=request.user)
    customers = selectors.customers_at_risk(user=request.user, **(filter_form.filters() if request.GET else {}))
    if request.GET.get("format") == "csv":
        export_recorded(by=request.user, export="at_risk", filters=filter_form.filters(), rows=customers.count())
        return _at_risk_csv(customers)
    page = Paginator(customers, settings.PEYGIR_CUSTOMERS_PER_PAGE).get_page(request.GET.get("page"))
    rule, adoption = selectors.silence_rule_in_force()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "customers/at_risk.html",
        {
            "filter_form": filter_form,
            "page": page,
            "customers": page.object_list,
            "query": query.urlencode(),
            "rule_text": rhythm.rule_sentence(rule),
            "adoption": adoption,
        },
    )


def _at_risk_csv(customers) -> HttpResponse:
    day = timezone.localdate()
    return csv_download(
        filename=f"at-risk-{day.isoformat()}.csv",
        header=csv_io.AT_RISK_COLUMNS,
        rows=csv_io.at_risk_rows(customers.iterator(chunk_size=2000), day=day),
    )


@manager_required
def backtest(request):
    """The silence rule tried on past purchases; a manager puts the best one in force in one click."""
    rule, adoption = selectors.silence_rule_in_force()
    if request.method == "POST":
        choice = AdoptRuleForm(request.POST)
        if choice.is_valid():
            data = choice.cleaned_data
            services.silence_rule_adopt(
                k=data["k"], floor_days=data["floor_days"], by=request.user, backtest_as_of=data["as_of"]
            )
            enqueue_after_commit(refresh_rhythm_task, fallback="the nightly refresh will apply the rule")
            messages.success(request, _("The rule is in force; customers are being checked against it now."))
        else:
            messages.error(request, _("That rule could not be used."))
        return redirect(f"{reverse('customers:backtest')}?{request.GET.urlencode()}")
    form = BacktestForm(request.GET or None)
    result = None
    if form.is_valid():
        result = backtest_run(
            as_of=form.cleaned_data["as_of"], window_days=form.cleaned_data["window_days"], in_force=rule
        )
    return render(
        request,
        "customers/backtest.html",
        {
            "form": form,
            "result": result,
            "rule": rule,
            "rule_text": rhythm.rule_sentence(rule),
            "adoption": adoption,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def customer_detail(request, pk):
    customer = selectors.customer_get_for(user=request.user, pk=pk)
    return render(request, "customers/customer_detail.html", _detail_context(customer))


def _detail_context(customer, *, interaction_form=None, contract_form=None) -> dict:
    return {
        "customer": customer,
        "timeline": selectors.customer_timeline(customer=customer),
        "calendar": selectors.contact_calendar(customer=customer, day=timezone.localdate()),
        "contracts": customer.contracts.all()[:3],
        "contract_form": contract_form or ContractForm(customer=customer),
        "renewal_notice": selectors.renewal_notice_days(),
        "purchase_form": PurchaseForm(customer=customer),
        "interaction_form": interaction_form or InteractionForm(),
    }


@login_required
@require_POST
def contract_create(request, pk):
    customer = selectors.customer_get_for(user=request.user, pk=pk)
    form = ContractForm(request.POST, customer=customer)
    if form.is_valid() and _service_accepts(form, services.contract_add, contract=form.save(commit=False)):
        messages.success(request, _("Contract saved; the renewal call comes before it ends."))
        return redirect(reverse("customers:detail", args=[customer.pk]) + "#contracts")
    context = _detail_context(customer, contract_form=form)
    return render(request, "customers/customer_detail.html", context, status=400)


@login_required
def customer_create(request):
    form = CustomerForm(request.POST or None, user=request.user)
    if form.is_valid():
        customer = form.save(commit=False)
        if not is_manager(request.user):
            customer.owner = request.user
        services.customer_save(customer=customer)
        messages.success(request, _("Customer %(name)s added.") % {"name": isolate(customer.name)})
        return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/customer_form.html", {"form": form, "title": _("New customer")})


@login_required
def customer_edit(request, pk):
    customer = selectors.customer_get_for(user=request.user, pk=pk)
    form = CustomerForm(request.POST or None, instance=customer, user=request.user)
    if form.is_valid():
        customer = services.customer_save(customer=form.save(commit=False))
        messages.success(request, _("Changes saved."))
        return redirect("customers:detail", pk=customer.pk)
    return render(
        request, "customers/customer_form.html", {"form": form, "customer": customer, "title": _("Edit customer")}
    )


@login_required
def purchase_create(request, pk):
    customer = selectors.customer_get_for(user=request.user, pk=pk)
    form = PurchaseForm(request.POST or None, customer=customer)
    if form.is_valid() and _service_accepts(form, services.purchase_add, customer=customer, **_purchase_fields(form)):
        messages.success(request, _("Purchase added."))
        return redirect("customers:detail", pk=customer.pk)
    return render(
        request, "customers/purchase_form.html", {"form": form, "customer": customer, "title": _("Add a purchase")}
    )


@login_required
def purchase_edit(request, pk, purchase_pk):
    purchase = selectors.purchase_get_for(user=request.user, customer_pk=pk, pk=purchase_pk)
    form = PurchaseForm(request.POST or None, instance=purchase, customer=purchase.customer)
    if form.is_valid() and _service_accepts(form, services.purchase_update, purchase=form.save(commit=False)):
        messages.success(request, _("Purchase updated."))
        return redirect("customers:detail", pk=pk)
    return render(
        request,
        "customers/purchase_form.html",
        {"form": form, "customer": purchase.customer, "purchase": purchase, "title": _("Edit purchase")},
    )


@login_required
@require_POST
def purchase_delete(request, pk, purchase_pk):
    purchase = selectors.purchase_get_for(user=request.user, customer_pk=pk, pk=purchase_pk)
    services.purchase_delete(purchase=purchase)
    messages.success(request, _("Purchase deleted."))
    return redirect("customers:detail", pk=pk)


def _service_accepts(form, service, **kwargs) -> bool:
    """Run a service; a rule the form cannot check shows on the form instead of a 500.

    The form leaves out ``customer``, so Django skips the per-customer invoice-number
    constraint there and only the service's ``full_clean()`` sees a duplicate.
    """
    try:
        service(**kwargs)
    except ValidationError as error:
        form.add_error(None, error.messages)
        return False
    return True


def _purchase_fields(form: PurchaseForm) -> dict:
    return {name: form.cleaned_data[name] for name in ("purchased_on", "amount", "reference", "note")}


@login_required
@require_POST
def interaction_create(request, pk):
    customer = selectors.customer_get_for(user=request.user, pk=pk)
    form = InteractionForm(request.POST)
    if form.is_valid():
        services.interaction_log(
            customer=customer,
            kind=form.cleaned_data["kind"],
            summary=form.cleaned_data["summary"],
            occurred_at=_moment_on(form.cleaned_data["occurred_on"]),
            by=request.user,
        )
        messages.success(request, _("Added to the timeline."))
        return redirect("customers:detail", pk=customer.pk)
    context = _detail_context(customer, interaction_form=form)
    return render(request, "customers/customer_detail.html", context, status=400)


def _moment_on(day: datetime.date) -> datetime.datetime:
    """Now, if the day is today; otherwise midday of that day (the hour is unknown)."""
    now = timezone.localtime()
    if day == now.date():
        return now
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
