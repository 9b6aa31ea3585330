"""The audit log page: managers only, paged, filtered."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit import reading, selectors
from audit.forms import LogFilterForm
from core.roles import manager_required

PER_PAGE = 50


@manager_required
@require_GET
def log(request):
    form = LogFilterForm(request.GET or None)
    filters = form.filters()
    page = Paginator(selectors.log_entries(**filters), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    customer_id = filters["customer_id"]
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "page": page,
            "lines": reading.lines(page.object_list),
            "query": query.urlencode(),
            "customer_name": reading.customer_name(customer_id) if customer_id else "",
            "customer_id": customer_id,
        },
    )
