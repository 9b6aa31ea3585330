import datetime
from dataclasses import dataclass

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.dates import input_value
from core.forms import ColleagueChoiceField, DateRangeForm, JalaliDateField, RecordChoiceField, WholeNumberField
from core.roles import is_manager
from customers.models import Segment
from customers.selectors import sales_team
from dashboards import definitions
from dashboards.periods import Calendar, Grain, default_calendar


@dataclass(frozen=True)
class Scope:
    """Whose figures a dashboard shows and how it counts them (from the page's pickers)."""

    calendar: str
    grain: str
    active_days: int
    owner: object | None  # a rep: their book; None: everyone's
    segment: Segment | None
    start: datetime.date | None = None  # a range of days, on the pages that take one
    end: datetime.date | None = None

    def query(self) -> dict:
        """The pickers as a query string's values, for links to the list behind a figure and for the CSV."""
        values = {"calendar": self.calendar, "grain": self.grain, "n": self.active_days}
        if self.segment is not None:
            values["segment"] = self.segment.pk
        for name in ("start", "end"):
            if getattr(self, name):
                values[name] = input_value(getattr(self, name))
        return values

    def days(self, *, default_days: int, today: datetime.date) -> tuple[datetime.date, datetime.date]:
        """The range the reader chose, or the ``default_days`` up to today."""
        end = self.end or today
        return self.start or end - datetime.timedelta(days=default_days - 1), end


class ScopeForm(DateRangeForm):
    """The pickers every dashboard has (GET): the calendar, the grain, the N of "active", a segment,
    and for managers a rep. A rep's own pages are always their book. An invalid value falls back to
    its default, and the page says so beside the field."""

    calendar = forms.ChoiceField(label=_("Calendar"), choices=Calendar.choices, required=False)
    grain = forms.ChoiceField(label=_("Periods"), choices=Grain.choices, required=False)
    n = WholeNumberField(
        label=_("Active: bought within (days)"),
        required=False,
        min_value=definitions.MIN_ACTIVE_DAYS,
        max_value=definitions.MAX_ACTIVE_DAYS,
    )
    segment = RecordChoiceField(
        label=capfirst(_("segment")), queryset=Segment.objects.all(), required=False, empty_label=_("All segments")
    )
    rep = ColleagueChoiceField(label=_("Rep"), queryset=sales_team(), required=False, empty_label=_("Whole team"))
    start = JalaliDateField(label=pgettext_lazy("date range", "From"), required=False)
    end = JalaliDateField(label=pgettext_lazy("date range", "To"), required=False)

    def __init__(self, *args, user, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.language = user, language
        self.fields["rep"].queryset = sales_team()
        self.fields["n"].initial = definitions.active_days()
        self.fields["calendar"].initial = default_calendar(language)
        if not is_manager(user):
            del self.fields["rep"]
        for name, bound in self.fields.items():
            bound.widget.attrs.setdefault(
                "class", "form-control form-control-sm" if name == "n" else "form-select form-select-sm"
            )

    def scope(self) -> Scope:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        owner = data.get("rep") if is_manager(self.user) else self.user
        return Scope(
            calendar=data.get("calendar") or default_calendar(self.language),
            grain=data.get("grain") or Grain.MONTH,
            active_days=data.get("n") or definitions.active_days(),
            owner=owner,
            segment=data.get("segment"),
            start=data.get("start"),
            end=data.get("end"),
        )
