"""Form fields that read what Persian users type: Jalali dates, Persian digits, mobiles."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core import dates, numbers
from core.numbers import format_number
from core.phones import PHONE_MAX_LENGTH, normalize_mobile, normalize_phone
from core.roles import display_name
from core.text import to_latin_digits, to_persian_digits


def date_box_attrs() -> dict[str, str]:
    """What makes a text box a date box in the reader's language (``static/js/peygir.js`` adds the
    calendar): forms' ``JalaliDateInput`` and the calls-due rows' hand-written boxes both use it."""
    if dates.uses_jalali():
        return {"dir": "ltr", "data-jdp": "", "placeholder": dates.JALALI_INPUT_HINT, "inputmode": "numeric"}
    return {"dir": "ltr", "data-gdp": str(_("Pick on a calendar")), "placeholder": dates.GREGORIAN_INPUT_HINT}


class OneQueryChoices(ModelChoiceIterator):
    """A select's records read in one plain query. Django reads them with ``.iterator()``, which on
    PostgreSQL opens a server-side cursor: four round trips (declare, fetch, describe, close) for a
    dozen colleagues, and two such selects cost a list page a tenth of its time."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for record in self.queryset.all():
            yield self.choice(record)


class RecordChoiceField(forms.ModelChoiceField):
    """A choice of one record among a few (a segment, a colleague), read in one query."""

    iterator = OneQueryChoices


class ColleagueChoiceField(RecordChoiceField):
    """Colleagues by their full name, as the team knows them."""

    def label_from_instance(self, obj):
        return display_name(obj)


class QuickSelect(forms.Select):
    """A select drawn in Python, with the same markup as Django's: Django draws each option
    through two templates, which cost a list page's filter form (three selects, two with a
    colleague or segment per option) more than a dozen of its rows. Grouped choices are drawn
    as Django draws them."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            drawn = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((option["value"], _attributes(option["attrs"]), option["label"]) for option in options),
            )
            groups.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, drawn) if group_name else drawn)
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            _attributes(widget["attrs"]),
            format_html_join("", "{}", ((g,) for g in groups)),
        )


def _attributes(attrs: dict) -> str:
    """HTML attributes in their order, as ``django/forms/widgets/attrs.html`` writes them."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class JalaliDateInput(forms.TextInput):
    """A text box holding the date's typing form (۱۴۰۳/۰۲/۱۵; 2024-05-04) with a calendar: the
    vendored Jalali picker in Persian, the browser's own calendar behind a button in English
    (a native date box would show the browser's format, 05/04/2024, beside Peygir's)."""

    def get_context(self, name, value, attrs):
        return super().get_context(name, value, {**(attrs or {}), **date_box_attrs()})

    def format_value(self, value):
        text = dates.input_value(value)
        return (to_persian_digits(text) if dates.uses_jalali() else text) or None


class JalaliDateField(forms.DateField):
    """Accepts Jalali (1403/02/15, Persian or Latin digits) and Gregorian (2024-05-04)."""

    widget = JalaliDateInput

    def __init__(self, *, allow_future: bool = True, **kwargs):
        self.allow_future = allow_future
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value and not self.allow_future and value > timezone.localdate():
            raise ValidationError(_("This date is in the future."), code="future")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if hasattr(value, "year"):
            return super().to_python(value)
        try:
            return dates.parse_date(str(value))
        except dates.InvalidDate as error:
            raise ValidationError(error.message, code="invalid") from None


class DateRangeForm(forms.Form):
    """A filter form with ``start`` and ``end`` days: the end may not come before the start."""

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end is before the start."))
        return data


class DigitsInput(forms.TextInput):
    """A number box that shows Persian digits on Persian pages (a browser's number box cannot)."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "dir": "ltr", **(attrs or {})})

    def format_value(self, value):
        text = super().format_value(value)
        return to_persian_digits(text) if text and dates.uses_jalali() else text


class _LimitValidator:
    def __init__(self, limit: int, *, below: bool):
        self.limit, self.below = limit, below

    def __call__(self, value):
        if (value < self.limit) if self.below else (value > self.limit):
            message = _("Enter %(limit)s or more.") if self.below else _("Enter %(limit)s or less.")
            raise ValidationError(message % {"limit": format_number(self.limit)}, code="limit")

    def __eq__(self, other):
        return isinstance(other, _LimitValidator) and (self.limit, self.below) == (other.limit, other.below)


def _limit(field: forms.Field, min_value, max_value) -> None:
    """Django's own limits would say them in Latin digits: these messages use the reader's."""
    field.min_value, field.max_value = min_value, max_value
    if min_value is not None:
        field.validators.append(_LimitValidator(min_value, below=True))
    if max_value is not None:
        field.validators.append(_LimitValidator(max_value, below=False))


class WholeNumberField(forms.IntegerField):
    """A whole number typed in Persian, Arabic or Latin digits (``۳`` is 3)."""

    widget = DigitsInput
    default_error_messages = {"invalid": _("Enter a whole number.")}

    def __init__(self, *, min_value=None, max_value=None, **kwargs):
        super().__init__(**kwargs)
        _limit(self, min_value, max_value)

    def widget_attrs(self, widget):
        return {}  # no min/max attributes: the box is text, the limits are checked on the server

    def to_python(self, value):
        if isinstance(value, str):
            value = to_latin_digits(value).strip()
        return super().to_python(value)


class _ShownInt(int):
    """A whole number that picks a plural form as itself and prints in the reader's digits."""

    def __str__(self):
        return format_number(int(self))


def _in_readers_digits(error: ValidationError) -> ValidationError:
    params = {
        key: _ShownInt(value) if isinstance(value, int) and not isinstance(value, bool) else value
        for key, value in (error.params or {}).items()
    }
    return ValidationError(error.message, code=error.code, params=params)


class AmountField(forms.DecimalField):
    """Whole Rials; Persian digits and thousands separators (, ٬ ،) are fine."""

    def __init__(self, *, min_value=0, max_value=None, **kwargs):
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 0)
        super().__init__(**kwargs)
        _limit(self, min_value, max_value)
        self.widget = forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"})

    def run_validators(self, value):
        """Django's own messages (too many digits) carry their figures in Latin digits: re-told here."""
        try:
            super().run_validators(value)
        except ValidationError as error:
            raise ValidationError([_in_readers_digits(each) for each in error.error_list]) from None

    def to_python(self, value):
        if isinstance(value, str):
            value = parse_amount_text(value)
        return super().to_python(value)


def _unit_label(name) -> str:
    return capfirst(_("%(name)s (%(unit)s)") % {"name": name, "unit": numbers.currency_unit()})


_money_label = lazy(_unit_label, str)  # the setting and the language are read when the form is shown


class MoneyField(AmountField):
    """An amount typed in the unit every page shows (Toman or Rial, ``core.numbers``), cleaned to Rial.

    The label names the unit; an edit is prefilled in that unit too. A Toman amount may have one
    decimal (a stored Rial amount that is not a multiple of ten); anything finer is refused.
    """

    def __init__(self, *, name, **kwargs):
        kwargs["decimal_places"] = None
        super().__init__(label=_money_label(name), **kwargs)

    def prepare_value(self, value):
        """An amount shown for editing as the pages show it: grouped, in the reader's digits."""
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            return numbers.format_number(numbers.from_rials(value))
        return value

    def clean(self, value):
        amount = super().clean(value)
        if amount is None:
            return None
        rials = numbers.to_rials(amount)
        if rials != rials.to_integral_value():
            raise forms.ValidationError(
                _("Amounts are kept in whole Rials: type at most one decimal in %(unit)s.")
                % {"unit": numbers.currency_unit()},
                code="fraction",
            )
        return rials.quantize(Decimal(1))


def parse_amount_text(value: str) -> str:
    text = to_latin_digits(value).replace(",", "").replace("٬", "").replace("،", "").replace(" ", "")
    return text.replace("٫", ".").strip()  # ٫ is the Persian decimal separator


def parse_amount(value: str) -> Decimal:
    """An amount from a CSV cell; raises ValueError with a user-facing message."""
    try:
        amount = Decimal(parse_amount_text(value))
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not an amount.") % {"value": numbers.quote_typed(value)}) from None
    # is_finite first: comparing NaN raises InvalidOperation, which is not a ValueError.
    if not amount.is_finite() or amount < 0 or amount != amount.to_integral_value():
        raise ValueError(_("“%(value)s” is not an amount.") % {"value": numbers.quote_typed(value)})
    return amount


class MobileField(forms.CharField):
    """An Iranian mobile (a text message must reach it), stored as 09XXXXXXXXX."""

    normalize = staticmethod(normalize_mobile)

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "tel", "dir": "ltr", "placeholder": "0912 123 4567"})

    def clean(self, value):
        value = super().clean(value)
        return self.normalize(value) if value else value


class PhoneField(MobileField):
    """Any phone: an Iranian mobile as 09XXXXXXXXX, a landline or a number abroad in E.164."""

    normalize = staticmethod(normalize_phone)

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", PHONE_MAX_LENGTH * 2)
        super().__init__(**kwargs)
