from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import AmountField, MoneyField, WholeNumberField
from core.numbers import format_number
from loyalty import tiers
from loyalty.models import EarningRules, Tier


class AdjustmentForm(forms.Form):
    """A manager gives (+) or takes (-) points, with the reason."""

    points = WholeNumberField(label=_("Points (+ to give, - to take)"), min_value=-1_000_000, max_value=1_000_000)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class EarningRulesForm(forms.ModelForm):
    step = MoneyField(name=_("for every"))
    points_per_step = WholeNumberField(label=_("Points"), min_value=1, max_value=100_000)
    survey_bonus = WholeNumberField(label=_("Points for answering a survey"), min_value=0, max_value=100_000)
    referral_bonus = WholeNumberField(
        label=_("Points for a referred customer's first purchase"), min_value=0, max_value=100_000
    )
    birthday_bonus = WholeNumberField(label=_("Points on a customer's birthday"), min_value=0, max_value=100_000)

    class Meta:
        model = EarningRules
        fields = ["points_per_step", "step", "survey_bonus", "referral_bonus", "birthday_bonus"]

    def clean_step(self):
        step = self.cleaned_data["step"]
        if not step:
            raise forms.ValidationError(_("Enter an amount above zero."), code="zero")
        return step


class _PointsField(AmountField):
    """A number of points, grouped and in the reader's digits like an amount (``۱٬۵۰۰`` is 1500)."""

    def prepare_value(self, value):
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            return format_number(value)
        return value


class TierForm(forms.ModelForm):
    """A tier's names and threshold: an amount of 12-month spend, or the points earned in 12 months
    when the tiers go by points."""

    threshold = MoneyField(name=_("from a 12-month spend of"))

    class Meta:
        model = Tier
        fields = ["name_fa", "name_en", "threshold"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if tiers.by_points():
            self.fields["threshold"] = _PointsField(
                label=_("from points earned in 12 months"), min_value=0, max_value=1_000_000_000
            )


class _TierLadder(forms.BaseModelFormSet):
    def clean(self):
        super().clean()
        thresholds = [form.cleaned_data.get("threshold") for form in self.forms if form.cleaned_data]
        if None not in thresholds and thresholds != sorted(thresholds):
            raise forms.ValidationError(_("Each tier must start higher than the one below it."))


TierFormSet = forms.modelformset_factory(Tier, form=TierForm, formset=_TierLadder, extra=0, can_delete=False)
