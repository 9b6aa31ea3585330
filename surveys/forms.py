import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import ColleagueChoiceField, DateRangeForm, JalaliDateField, MobileField, RecordChoiceField
from customers.models import Segment
from customers.selectors import sales_team
from followups.models import FollowUp
from surveys import nps, services
from surveys.models import Survey, SurveyResponse

SCORE_CHOICES = [(score, str(score)) for score in nps.SCORES]
# The wordings a manager edits, each in Persian (_fa) and English (_en).
TEXT_FIELDS = (
    "email_subject",
    "intro",
    "nps_question",
    "reason_question",
    "intent_question",
    "improvements_question",
    "referral_question",
    "thanks",
)


class AnswerForm(forms.Form):
    """The public answer page; only the questions the survey asks are fields."""

    score = forms.TypedChoiceField(label=_("Score"), choices=SCORE_CHOICES, coerce=int)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    intent = forms.ChoiceField(
        label=_("Will you buy again?"),
        required=False,
        choices=SurveyResponse.Intent.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    improvement_1 = forms.CharField(label=_("1"), required=False, max_length=200)
    improvement_2 = forms.CharField(label=_("2"), required=False, max_length=200)
    improvement_3 = forms.CharField(label=_("3"), required=False, max_length=200)
    would_refer = forms.ChoiceField(
        label=_("Would you refer someone?"),
        required=False,
        choices=SurveyResponse.Intent.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    referral_name = forms.CharField(label=_("Their name"), required=False, max_length=200)
    referral_mobile = MobileField(label=_("Their mobile"), required=False)

    QUESTION_FIELDS = {
        "ask_reason": ("reason",),
        "ask_intent": ("intent",),
        "ask_improvements": ("improvement_1", "improvement_2", "improvement_3"),
        "ask_referral": ("would_refer", "referral_name", "referral_mobile"),
    }

    def __init__(self, *args, survey: Survey, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        for switch, names in self.QUESTION_FIELDS.items():
            if not getattr(survey, switch):
                for name in names:
                    del self.fields[name]
        if "reason" in self.fields:
            self.fields["reason"].label = survey.text("reason_question", language)
        if "intent" in self.fields:
            self.fields["intent"].label = survey.text("intent_question", language)
        if "would_refer" in self.fields:
            self.fields["would_refer"].label = survey.text("referral_question", language)

    def clean(self):
        data = super().clean()
        if data.get("referral_mobile") and not data.get("referral_name"):
            self.add_error("referral_name", _("Please add their name too."))
        return data

    def answers(self, posted) -> dict:
        """Cleaned answers for the fields actually posted (the automatic score POST sends one)."""
        return {name: value for name, value in self.cleaned_data.items() if name in posted}


class SurveySettingsForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = [
            "ask_reason",
            "ask_intent",
            "ask_improvements",
            "ask_referral",
            "auto_send_outcomes",
            *(f"{name}_{language}" for name in TEXT_FIELDS for language in ("fa", "en")),
        ]
        widgets = {
            "intro_fa": forms.Textarea(attrs={"rows": 2, "dir": "rtl"}),
            "intro_en": forms.Textarea(attrs={"rows": 2, "dir": "ltr"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.kind == Survey.Kind.POST_CONTACT:
            self.fields["auto_send_outcomes"] = forms.MultipleChoiceField(
                label=_("Send automatically after calls with outcome"),
                required=False,
                choices=FollowUp.LOGGED_OUTCOME_CHOICES,
                widget=forms.CheckboxSelectMultiple,
            )
        else:
            del self.fields["auto_send_outcomes"]
        for name, field in self.fields.items():
            if name.endswith("_en"):
                field.widget.attrs.setdefault("dir", "ltr")
            elif name.endswith("_fa"):
                field.widget.attrs.setdefault("dir", "rtl")
        self.helper = FormHelper()
        switches = ["ask_reason", "ask_intent", "ask_improvements", "ask_referral"]
        self.helper.layout = Layout(
            Fieldset(
                _("Questions"), *switches, *(["auto_send_outcomes"] if "auto_send_outcomes" in self.fields else [])
            ),
            Fieldset(_("Wording"), *(Row(Column(f"{name}_fa"), Column(f"{name}_en")) for name in TEXT_FIELDS)),
        )
        self.helper.add_input(Submit("save", _("Save")))


class ResponseFilterForm(DateRangeForm):
    """Filters of the manager's survey page (GET)."""

    segment = RecordChoiceField(
        label=_("Segment"), queryset=Segment.objects.all(), required=False, empty_label=_("All segments")
    )
    rep = ColleagueChoiceField(label=_("Rep"), queryset=sales_team(), required=False, empty_label=_("All reps"))
    start = JalaliDateField(label=pgettext_lazy("date range", "From"), required=False)
    end = JalaliDateField(label=pgettext_lazy("date range", "To"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rep"].queryset = sales_team()
        self.fields["segment"].queryset = Segment.objects.all()
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name in ("segment", "rep") else "form-control"

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("end")
        return {
            "segment": data.get("segment"),
            "rep": data.get("rep"),
            "start": data.get("start"),
            "end": end + datetime.timedelta(days=1) if end else None,
        }


class ShopIdentityForm(forms.Form):
    """The shop's name per language and an optional logo, shown to customers on survey pages and emails."""

    name_fa = forms.CharField(label=_("Shop name (Persian)"), max_length=100, required=False)
    name_en = forms.CharField(label=_("Shop name (English)"), max_length=100, required=False)
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG or JPEG, at most 256 KB; shown about 40 pixels high."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    def __init__(self, *args, has_logo: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name_fa"].widget.attrs["dir"] = "rtl"
        self.fields["name_en"].widget.attrs["dir"] = "ltr"
        if not has_logo:
            del self.fields["remove_logo"]

    def clean_logo(self) -> bytes | None:
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        data = upload.read(services.LOGO_MAX_BYTES + 1)  # bounded: a huge file is refused unread
        try:
            services.logo_type_of(data)
        except services.BadLogo as error:
            raise forms.ValidationError(str(error)) from None
        return data
