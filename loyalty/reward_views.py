"""Rewards pages: the manager's catalogue, and redeeming or cancelling from the customer page.

Redeeming and cancelling answer an htmx request with the loyalty panel itself (its balance, the
rewards the customer can now afford, the code just given), swapped in place; without htmx they
redirect back to the customer page with a message. Reps redeem for their own customers; another
rep's customer is a 404 (its existence is not leaked); the catalogue is managers' only.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.forms import WholeNumberField
from core.numbers import format_number
from core.roles import manager_required
from core.text import isolate
from customers.selectors import customer_get_for
from followups.selectors import row_facts_for
from loyalty import rewards
from loyalty.models import Redemption, Reward


class RewardForm(forms.ModelForm):
    cost = WholeNumberField(label=gettext_lazy("Cost in points"), min_value=1, max_value=1_000_000)
    stock = WholeNumberField(
        label=gettext_lazy("In stock"),
        min_value=0,
        max_value=1_000_000,
        required=False,
        help_text=gettext_lazy("Leave empty for no limit."),
    )

    class Meta:
        model = Reward
        fields = ["name_fa", "name_en", "kind", "cost", "stock", "active"]
        widgets = {"name_fa": forms.TextInput(attrs={"dir": "rtl"}), "name_en": forms.TextInput(attrs={"dir": "ltr"})}


# --- the catalogue (managers) ---------------------------------------------------------------------


@manager_required
def reward_list(request):
    catalogue = Reward.objects.order_by("-active", "cost", "id")
    return render(request, "loyalty/rewards.html", {"rewards": catalogue})


@manager_required
def reward_add(request):
    return _reward_form(request, Reward(), _("Reward added: %(reward)s"))


@manager_required
def reward_edit(request, pk):
    return _reward_form(request, get_object_or_404(Reward, pk=pk), _("Reward saved: %(reward)s"))


def _reward_form(request, reward: Reward, saved_message: str):
    posted = request.method == "POST"
    form = RewardForm(request.POST if posted else None, instance=reward)
    if posted and form.is_valid():
        reward = form.save()
        messages.success(request, saved_message % {"reward": isolate(reward.name())})
        return redirect("loyalty:rewards")
    context = {"form": form, "reward": reward if reward.pk else None}
    return render(request, "loyalty/rewards_form.html", context, status=400 if posted else 200)


@manager_required
@require_POST
def reward_active(request, pk):
    """Stop offering a reward (redemptions made stay as they were), or offer it again."""
    reward = get_object_or_404(Reward, pk=pk)
    reward.active = request.POST.get("active") == "1"
    reward.save(update_fields=["active"])
    if reward.active:
        messages.success(request, _("%(reward)s is offered again.") % {"reward": isolate(reward.name())})
    else:
        messages.success(request, _("%(reward)s is no longer offered.") % {"reward": isolate(reward.name())})
    return redirect("loyalty:rewards")


# --- redeeming on the customer page ---------------------------------------------------------------


def _panel(request, customer, *, done=None, cancelled=None, error: str = ""):
    """The loyalty panel, for htmx to swap in place of the one on the page."""
    # Read by the redeem section inside the panel (templatetags/loyalty_rewards.py).
    request.loyalty_redeemed, request.loyalty_cancelled, request.loyalty_redeem_error = done, cancelled, error
    row = request.POST.get("row", "")
    if row.isdigit():  # redeemed from a calls-due row: that row's section comes back, and its facts line
        pk = int(row)
        context = {
            "followup": {"pk": pk, "customer": customer},
            "pk": pk,
            "facts": row_facts_for(user=request.user, pk=pk),
            "refresh_facts": True,
        }
        return render(request, "loyalty/_row_redeem.html", context)
    return render(request, "loyalty/_redeem_panel.html", {"customer": customer})


def _back(customer):
    return redirect(reverse("customers:detail", args=[customer.pk]) + "#loyalty")


def _first_message(error: ValidationError) -> str:
    return next(iter(error.messages), "")


def _act(request, customer, act, said, outcome: str):
    """Run ``act`` (a redemption service): htmx gets the panel back with the result or the refusal,
    a plain POST a message and the customer page."""
    try:
        result = act()
    except ValidationError as error:
        if request.htmx:
            return _panel(request, customer, error=_first_message(error))
        messages.error(request, _first_message(error))
        return _back(customer)
    if request.htmx:
        return _panel(request, customer, **{outcome: result})
    messages.success(request, said(result))
    return _back(customer)


def _spent(redemption) -> str:
    text = _("%(points)s points spent on %(reward)s for %(name)s.") % {
        "points": format_number(redemption.points),
        "reward": isolate(redemption.reward.name()),
        "name": isolate(redemption.customer.name),
    }
    if redemption.code:
        text += " " + _("Discount code: %(code)s") % {"code": redemption.code}
    return text


def _given_back(redemption) -> str:
    return _("Redemption cancelled: %(points)s points back to %(name)s.") % {
        "points": format_number(redemption.points),
        "name": isolate(redemption.customer.name),
    }


@login_required
@require_POST
def redeem(request, pk, reward_pk):
    customer = customer_get_for(user=request.user, pk=pk)
    reward = get_object_or_404(Reward, pk=reward_pk)
    return _act(
        request, customer, lambda: rewards.redeem(customer=customer, reward=reward, by=request.user), _spent, "done"
    )


@login_required
@require_POST
def redemption_cancel(request, pk):
    found = get_object_or_404(Redemption, pk=pk)
    customer = customer_get_for(user=request.user, pk=found.customer_id)  # another rep's: 404

    def cancel():
        return rewards.redemption_cancel(redemption=found, by=request.user)

    return _act(request, customer, cancel, _given_back, "cancelled")
