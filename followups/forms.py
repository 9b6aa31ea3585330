import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.forms import ColleagueChoiceField, JalaliDateField, QuickSelect, WholeNumberField
from core.roles import display_name, is_manager
from customers.selectors import sales_team
from followups.models import FollowUp, FollowUpPlan

TOMORROW, IN_3_DAYS, NEXT_WEEK, ON_DATE = "tomorrow", "in_3_days", "next_week", "on_date"
_WHEN_OFFSETS = {TOMORROW: 1, IN_3_DAYS: 3, NEXT_WEEK: 7}


def _chosen_day(when: str, on: datetime.date | None) -> datetime.date | None:
    if when in _WHEN_OFFSETS:
        return timezone.localdate() + datetime.timedelta(days=_WHEN_OFFSETS[when])
    return on


class OutcomeForm(forms.Form):
    """What happened on the call; no answer / call back later may be tried again on another day."""

    outcome = forms.ChoiceField(label=_("Outcome"), choices=FollowUp.LOGGED_OUTCOME_CHOICES)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)
    retry = forms.ChoiceField(
        label=_("Try again"),
        required=False,
        choices=[("", _("No, close it")), (TOMORROW, _("Tomorrow")), (IN_3_DAYS, _("In 3 days")), (ON_DATE, _("On…"))],
    )
    retry_on = JalaliDateField(label=_("On"), required=False)

    def clean(self):
        data = super().clean()
        retry = data.get("retry")
        if retry and data.get("outcome") not in FollowUp.RETRY_OUTCOMES:
            raise ValidationError(_("Only “no answer” and “call back later” can be tried again."))
        if retry == ON_DATE and not data.get("retry_on"):
            self.add_error("retry_on", _("Pick the day to try again."))
        data["retry_day"] = _chosen_day(retry, data.get("retry_on")) if retry else None
        return data


class SnoozeForm(forms.Form):
    when = forms.ChoiceField(
        label=_("Snooze until"),
        choices=[(TOMORROW, _("Tomorrow")), (NEXT_WEEK, _("Next week")), (ON_DATE, _("On…"))],
    )
    on = JalaliDateField(label=_("On"), required=False)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if data.get("when") == ON_DATE and not data.get("on"):
            self.add_error("on", _("Pick the day."))
        data["day"] = _chosen_day(data.get("when"), data.get("on"))
        return data


class PlanForm(forms.ModelForm):
    """A custom cadence from the customer page (the presets post the same fields)."""

    every = WholeNumberField(label=capfirst(_("every")), min_value=1, max_value=365, initial=1)
    starts_on = JalaliDateField(label=capfirst(_("first due date")), initial=timezone.localdate)

    class Meta:
        model = FollowUpPlan
        fields = ["every", "unit", "calendar", "starts_on", "channel", "purpose", "count_from", "assignee"]
        field_classes = {"assignee": ColleagueChoiceField}

    def __init__(self, *args, user, customer=None, **kwargs):
        super().__init__(*args, **kwargs)
        if customer is not None:
            self.instance.customer = customer
        if is_manager(user):
            self.fields["assignee"].queryset = sales_team()
            self.fields["assignee"].help_text = _("Empty: the customer's owner.")
        else:
            del self.fields["assignee"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("every"), Column("unit"), Column("calendar")),
            Row(Column("starts_on"), Column("channel")),
            "purpose",
            "count_from",
            *(["assignee"] if "assignee" in self.fields else []),
        )


WHOLE_TEAM = "all"


def _team_choices() -> list[tuple[str, str]]:
    """Whose calls a manager's page shows: their own (the default), the whole team, or one colleague's."""
    people = [(str(person.pk), display_name(person)) for person in sales_team()]
    return [("", _("My calls")), (WHOLE_TEAM, _("Whole team")), *people]


class DayForm(forms.Form):
    """The calls-due page's date navigator (and, for managers, whose calls it shows)."""

    day = JalaliDateField(label=_("Day"), required=False)
    rep = forms.ChoiceField(label=_("Rep"), choices=_team_choices, required=False, widget=QuickSelect)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if is_manager(user):
            self.fields["rep"].widget.attrs["class"] = "form-select"
        else:
            del self.fields["rep"]
        self.fields["day"].widget.attrs["class"] = "form-control"

    def clean_rep(self):
        """The rep picked, ``None`` for the whole team, or the manager themselves when nobody is picked."""
        value = self.cleaned_data.get("rep")
        if value == WHOLE_TEAM:
            return None
        return sales_team().filter(pk=value).first() if value else self.user

    @staticmethod
    def rep_value(rep, user) -> str:
        """The ``rep`` query value that shows ``rep``'s calls to ``user`` ("" for their own)."""
        if rep is None:
            return WHOLE_TEAM
        return "" if rep.pk == user.pk else str(rep.pk)


class ReassignForm(forms.Form):
    assignee = ColleagueChoiceField(label=_("Assign to"), queryset=sales_team())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = sales_team()


class BulkCadenceForm(forms.Form):
    """Apply one cadence to every customer in the filtered list (manager); previewed, then confirmed."""

    SPREAD, SAME_DAY = "spread", "same_day"

    every = WholeNumberField(label=_("Every"), min_value=1, max_value=365, initial=1)
    unit = forms.ChoiceField(label=_("Unit"), choices=FollowUpPlan.Unit.choices, initial=FollowUpPlan.Unit.MONTHS)
    starts_on = JalaliDateField(label=capfirst(_("first due date")), initial=timezone.localdate)
    channel = forms.ChoiceField(label=_("Channel"), choices=FollowUpPlan._meta.get_field("channel").choices)
    purpose = forms.CharField(label=_("Purpose"), required=False, max_length=300)
    first_calls = forms.ChoiceField(
        label=_("First calls"),
        choices=[
            (SPREAD, _("Spread over the first cycle, evenly across its working days")),
            (SAME_DAY, _("All on the first due date")),
        ],
        initial=SPREAD,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("every"), Column("unit")), Row(Column("starts_on"), Column("channel")), "purpose", "first_calls"
        )

    def clean(self):
        data = super().clean()
        starts_on = data.get("starts_on")
        if data.get("first_calls") == self.SPREAD and starts_on and starts_on < timezone.localdate():
            self.add_error("starts_on", _("Spread calls start today or later."))
        return data

    def plan_fields(self) -> dict:
        """What ``followups.services.plans_apply_cadence`` takes, from the cleaned form."""
        data = dict(self.cleaned_data)
        data["spread"] = data.pop("first_calls") == self.SPREAD
        return data
