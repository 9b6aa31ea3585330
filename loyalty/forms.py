from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import MoneyField, WholeNumberField
from loyalty.models import EarningRules


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

    class Meta:
        model = EarningRules
        fields = ["points_per_step", "step", "survey_bonus", "referral_bonus"]

    def clean_step(self):
        step = self.cleaned_data["step"]
        if not step:
            raise forms.ValidationError(_("Enter an amount above zero."), code="zero")
        return step
