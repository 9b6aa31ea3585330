"""Loyalty pages: a customer's points and ledger, a manager's adjustment, the earning rules."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.numbers import format_number
from core.roles import is_manager, manager_required
from core.text import isolate
from customers.selectors import customer_get_for
from loyalty import selectors, services, tiers
from loyalty.forms import AdjustmentForm, EarningRulesForm, TierFormSet
from loyalty.models import Tier

LEDGER_PAGE = 50


def _helper(label: str) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


def adjustment_form(data=None) -> AdjustmentForm:
    form = AdjustmentForm(data)
    form.helper = _helper(_("Adjust points"))
    return form


@login_required
def customer_points(request, pk):
    customer = customer_get_for(user=request.user, pk=pk)
    return _points_page(request, customer, form=adjustment_form() if is_manager(request.user) else None)


def _points_page(request, customer, *, form, status=200):
    page = Paginator(selectors.ledger_of(customer), LEDGER_PAGE).get_page(request.GET.get("page"))
    context = {
        "customer": customer,
        "balance": selectors.balance_of(customer),
        "page": page,
        "entries": selectors.entry_sentences(list(page.object_list)),
        "form": form,
    }
    return render(request, "loyalty/customer_points.html", context, status=status)


@manager_required
@require_POST
def points_adjust(request, pk):
    customer = customer_get_for(user=request.user, pk=pk)
    form = adjustment_form(request.POST)
    if form.is_valid():
        try:
            points, reason = form.cleaned_data["points"], form.cleaned_data["reason"]
            entry = services.points_adjust(customer=customer, points=points, reason=reason, by=request.user)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(
                request,
                _("%(points)s points for %(name)s: %(reason)s")
                % {"points": format_number(f"{entry.points:+d}"), "name": isolate(customer.name), "reason": entry.note},
            )
            return redirect(reverse("customers:detail", args=[customer.pk]) + "#loyalty")
    return _points_page(request, customer, form=form, status=400)


@manager_required
def earning_rules(request):
    """The program's settings: how points are earned, and the tiers' names and thresholds."""
    rules = services.earning_rules()
    posted = request.method == "POST"
    editing_tiers = posted and "tiers" in request.POST
    form = EarningRulesForm(request.POST if posted and not editing_tiers else None, instance=rules)
    form.helper = _helper(_("Save"))
    tiers.tiers()  # the defaults, for a shop that has none yet
    ladder = TierFormSet(request.POST if editing_tiers else None, queryset=Tier.objects.order_by("rank"))
    if posted and not editing_tiers and form.is_valid():
        saved = form.save(commit=False)
        saved.updated_by = request.user
        saved.save()
        messages.success(request, _("Earning rules saved: purchases from now on earn by them."))
        return redirect("loyalty:rules")
    if editing_tiers and ladder.is_valid():
        ladder.save()
        messages.success(request, _("Tiers saved: tonight's review places every customer by them."))
        return redirect("loyalty:rules")
    context = {
        "form": form,
        "rules": rules,
        "ladder": ladder,
        "grace_days": tiers.grace_days(),
        "tiers_by_points": tiers.by_points(),
        "returns_window": services.returns_window_days(),
    }
    return render(request, "loyalty/earning_rules.html", context, status=400 if posted else 200)
