from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from audit import registry
from core.forms import ColleagueChoiceField, DateRangeForm, JalaliDateField


class LogFilterForm(DateRangeForm):
    """The log page's filters (GET): what kind of change, who, and a range of days."""

    kind = forms.ChoiceField(label=_("What changed"), required=False)
    who = ColleagueChoiceField(
        label=_("Who"), queryset=get_user_model().objects.none(), required=False, empty_label=_("Anyone")
    )
    start = JalaliDateField(label=pgettext_lazy("date range", "From"), required=False)
    end = JalaliDateField(label=pgettext_lazy("date range", "To"), required=False)
    customer = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Every kind")), *registry.kinds()]
        self.fields["who"].queryset = get_user_model().objects.order_by("first_name", "last_name", "username")
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name in ("kind", "who") else "form-control"

    def filters(self) -> dict:
        """Keyword arguments for ``log_entries``; nothing is filtered while the form has an error."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "kind": data.get("kind") or "",
            "actor": data.get("who"),
            "start": data.get("start"),
            "end": data.get("end"),
            "customer_id": data.get("customer"),
        }
