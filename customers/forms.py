import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.forms import (
    ColleagueChoiceField,
    JalaliDateField,
    MoneyField,
    PhoneField,
    QuickSelect,
    RecordChoiceField,
    WholeNumberField,
)
from core.numbers import format_number
from core.roles import is_manager
from customers import csv_io
from customers.backtest import DEFAULT_WINDOW_DAYS
from customers.models import Contract, Customer, ImportRun, Interaction, Purchase, Segment
from customers.selectors import CUSTOMER_SORTS, sales_team


def _helper(submit_label) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", submit_label))
    return helper


class CustomerForm(forms.ModelForm):
    """Reps edit their own customers; only a manager picks (or changes) the owner."""

    mobile = PhoneField(
        label=capfirst(_("phone")), required=False, help_text=Customer._meta.get_field("mobile").help_text
    )

    class Meta:
        model = Customer
        fields = [
            "name",
            "mobile",
            "reference",
            "email",
            "company",
            "city",
            "segment",
            "owner",
            "preferred_language",
            "email_opt_out",
            "birth_date",
            "notes",
        ]
        field_classes = {"owner": ColleagueChoiceField, "segment": RecordChoiceField, "birth_date": JalaliDateField}
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "email": forms.EmailInput(attrs={"dir": "ltr"}),
            "reference": forms.TextInput(attrs={"dir": "ltr"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["birth_date"].allow_future = False
        if is_manager(user):
            self.fields["owner"].queryset = sales_team()
        else:
            del self.fields["owner"]
        self.helper = _helper(_("Save"))
        self.helper.layout = Layout(
            Row(Column("name"), Column("mobile")),
            Row(Column("email"), Column("reference")),
            Row(Column("company"), Column("city")),
            Row(*(Column(name) for name in ("segment", "owner") if name in self.fields)),
            Row(Column("preferred_language"), Column("birth_date")),
            "email_opt_out",
            "notes",
        )


class PurchaseForm(forms.ModelForm):
    purchased_on = JalaliDateField(label=capfirst(_("date")), initial=timezone.localdate, allow_future=False)
    amount = MoneyField(name=_("amount"))

    class Meta:
        model = Purchase
        fields = ["purchased_on", "amount", "reference", "note"]

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.customer = customer
        self.helper = _helper(_("Save purchase"))
        self.helper.layout = Layout(
            Row(Column("purchased_on"), Column("amount")), Row(Column("reference"), Column("note"))
        )


class ContractForm(forms.ModelForm):
    """A contract or subscription term; the renewal call comes before its end."""

    starts_on = JalaliDateField(label=capfirst(_("starts")), required=False)
    ends_on = JalaliDateField(label=capfirst(_("ends")))
    value = MoneyField(name=_("value"), required=False)

    class Meta:
        model = Contract
        fields = ["starts_on", "ends_on", "value", "offer"]

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.customer = customer
        self.helper = _helper(_("Save contract"))
        self.helper.layout = Layout(Row(Column("starts_on"), Column("ends_on")), Row(Column("value"), Column("offer")))


class InteractionForm(forms.ModelForm):
    occurred_on = JalaliDateField(label=capfirst(_("date")), initial=timezone.localdate, allow_future=False)

    class Meta:
        model = Interaction
        fields = ["kind", "occurred_on", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["summary"].required = True
        self.helper = _helper(_("Add to timeline"))
        self.helper.layout = Layout(Row(Column("kind"), Column("occurred_on")), "summary")


class CustomerFilterForm(forms.Form):
    """The search box, filters and sort of the customer list (GET)."""

    q = forms.CharField(label=_("Search"), required=False)
    owner = ColleagueChoiceField(
        label=capfirst(_("owner")),
        queryset=sales_team(),
        required=False,
        empty_label=_("All owners"),
        widget=QuickSelect,
    )
    segment = RecordChoiceField(
        label=capfirst(_("segment")),
        queryset=Segment.objects.all(),
        required=False,
        empty_label=_("All segments"),
        widget=QuickSelect,
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        widget=QuickSelect,
        choices=[
            ("name", _("Name")),
            ("-total_spent", _("Total spent (highest first)")),
            ("-yearly_value", _("Expected yearly value (highest first)")),
            ("-last_purchase_on", _("Last purchase (newest first)")),
            ("last_purchase_on", _("Last purchase (oldest first)")),
            ("-last_contact_on", _("Last contact (newest first)")),
            ("last_contact_on", _("Last contact (oldest first)")),
            ("next_call_on", _("Next call (soonest first)")),
            ("-next_call_on", _("Next call (latest first)")),
            ("-created_at", _("Newest customers")),
        ],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = sales_team()
        if not is_manager(user):
            del self.fields["owner"]
        self.fields["q"].widget.attrs.update({"placeholder": _("Name, mobile or company"), "type": "search"})
        for name, bound in self.fields.items():
            bound.widget.attrs.setdefault("class", "form-control" if name == "q" else "form-select")

    def filters(self) -> dict:
        """Keyword arguments for ``customer_list``; an invalid choice is ignored, the rest still applies."""
        self.is_valid()  # cleaned_data keeps every field that passed, so a stale ?segment= keeps the search
        data = getattr(self, "cleaned_data", {})
        owner, segment = data.get("owner"), data.get("segment")
        sort = data.get("sort") or "name"
        return {
            "search": data.get("q", ""),
            "owner_id": owner.pk if owner else None,
            "segment_id": segment.pk if segment else None,
            "sort": sort if sort in CUSTOMER_SORTS else "name",
        }


def _import_file_help() -> str:
    """The formats' names are codes: each kept whole, as written, left to right in a Persian sentence."""
    return format_html(
        str(
            _("A {csv} file ({encodings}) or an Excel workbook ({xlsx}), of any size; the first row names the columns.")
        ),
        csv=_CSV,
        encodings=_ENCODINGS,
        xlsx=_XLSX,
    )


_CSV = mark_safe('<bdi dir="ltr" translate="no">CSV</bdi>')
_ENCODINGS = mark_safe('<bdi dir="ltr" translate="no">UTF-8, UTF-16, Windows-1256</bdi>')
_XLSX = mark_safe('<bdi dir="ltr" translate="no">.xlsx</bdi>')
_IMPORT_FILE_HELP = lazy(_import_file_help, str)()


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"), choices=ImportRun.Kind.choices, widget=forms.RadioSelect, initial="customers"
    )
    file = forms.FileField(label=_("File"), help_text=_IMPORT_FILE_HELP)
    unit = forms.ChoiceField(
        label=_("Amounts in the file are in"),
        choices=ImportRun.Unit.choices,
        widget=forms.RadioSelect,
        initial=ImportRun.Unit.RIAL,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".csv,.txt,.xlsx,text/csv"
        self.helper = _helper(_("Upload"))


class ImportMappingForm(forms.Form):
    """One choice per column of the file: which Peygir field it holds, or none."""

    def __init__(self, *args, run: ImportRun, **kwargs):
        super().__init__(*args, **kwargs)
        self.run = run
        choices = [("", _("— leave out —"))] + [
            (name, capfirst(csv_io.field_label(name))) for name in csv_io.COLUMNS[run.kind]
        ]
        for index, (cell, chosen) in enumerate(zip(run.header, run.mapping, strict=False)):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=cell or _("column %(number)s") % {"number": format_number(index + 1)},
                choices=choices,
                required=False,
                initial=chosen,
            )
        self.fields["unit"] = forms.ChoiceField(
            label=_("Amounts in the file are in"),
            choices=ImportRun.Unit.choices,
            widget=forms.RadioSelect,
            initial=run.unit,
        )
        if run.kind == ImportRun.Kind.CUSTOMERS:
            self.fields["unit"].required = False

    def columns(self):
        """Each column's choice with the first rows' cells in it."""
        return [
            (self[f"column_{index}"], [row[index] for row in self.run.sample if index < len(row) and row[index]])
            for index in range(len(self.run.header))
        ]

    def clean(self):
        data = super().clean()
        data["mapping"] = [data.get(f"column_{index}", "") for index in range(len(self.run.header))]
        for problem in csv_io.mapping_problems(self.run.kind, data["mapping"]):
            self.add_error(None, problem)
        return data


class BacktestForm(forms.Form):
    """As of which past day to flag customers, and how long after it to wait for their next purchase."""

    as_of = JalaliDateField(label=_("Flag as of"))
    window_days = WholeNumberField(label=_("Wait for a purchase (days)"), min_value=30, max_value=730)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["window_days"].initial = DEFAULT_WINDOW_DAYS
        self.fields["as_of"].initial = timezone.localdate() - datetime.timedelta(days=DEFAULT_WINDOW_DAYS)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def clean(self):
        data = super().clean()
        as_of, window = data.get("as_of"), data.get("window_days")
        if as_of and window and as_of + datetime.timedelta(days=window) > timezone.localdate():
            self.add_error(
                "as_of",
                ngettext(
                    "Pick a day at least %(days)s day ago, so the wait for a purchase is over.",
                    "Pick a day at least %(days)s days ago, so the wait for a purchase is over.",
                    window,
                )
                % {"days": format_number(window)},
            )
        return data


class AdoptRuleForm(forms.Form):
    """One row of the backtest: the rule to put in force."""

    k = forms.FloatField(required=False, min_value=0.5, max_value=10)
    floor_days = forms.IntegerField(min_value=0, max_value=3650)
    as_of = forms.DateField(required=False)


class SegmentNameForm(forms.Form):
    """A new segment's name, or a segment's new name (the name is unique: the service checks)."""

    name = forms.CharField(label=_("Segment name"), max_length=100)


class SegmentMergeForm(forms.Form):
    into = RecordChoiceField(label=_("Merge into"), queryset=Segment.objects.all(), empty_label=None)
