"""What the API reads and writes, field by field. Amounts are whole Rials; dates and times are ISO 8601.

Input serializers only check the shape of what was sent (types, lengths, choices, a phone that
is a number); the rules live in the business apps' services, whose ``ValidationError`` comes
back through ``as_api_errors`` under the API's field names.
"""

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

from api.base import MAX_ID
from core.numbers import format_number
from core.phones import normalize_phone
from customers.models import Customer, Purchase
from customers.selectors import CUSTOMER_SORTS
from followups import reasons
from followups.models import FollowUp
from followups.ranking import RankExplanation
from followups.selectors import row_facts
from surveys.models import SurveyResponse

# A Rial amount fits the database's 18 digits.
MAX_AMOUNT = 10**18 - 1
# Purchases older than this are a typo (the year 1043 for 1403), not history.
EARLIEST_PURCHASE = datetime.date(1900, 1, 1)


def _format_numbered(message, numbers: dict) -> str:
    return str(message).format(**{name: format_number(value) for name, value in numbers.items()})


# A DRF message whose ``{placeholders}`` are numbers in the reader's digits (Persian in Persian),
# worded when the message is shown (in the request's language).
_numbered = lazy(_format_numbered, str)


class Text(serializers.CharField):
    """A CharField whose length limit is said in the reader's digits."""

    def __init__(self, **kwargs):
        max_length = kwargs.get("max_length")
        if max_length is not None:
            messages = kwargs.setdefault("error_messages", {})
            messages.setdefault(
                "max_length",
                _numbered(_("Ensure this field has no more than {max_length} characters."), {"max_length": max_length}),
            )
        super().__init__(**kwargs)


class Whole(serializers.IntegerField):
    """An IntegerField whose bounds are said in the reader's digits."""

    def __init__(self, **kwargs):
        messages = kwargs.setdefault("error_messages", {})
        for bound, message in (
            ("min_value", _("Ensure this value is greater than or equal to {min_value}.")),
            ("max_value", _("Ensure this value is less than or equal to {max_value}.")),
        ):
            if kwargs.get(bound) is not None:
                messages.setdefault(bound, _numbered(message, {bound: kwargs[bound]}))
        super().__init__(**kwargs)


def record_id(**kwargs) -> serializers.IntegerField:
    """A record's id: a positive whole number of at most 18 digits (longer is no record)."""
    return Whole(min_value=1, max_value=MAX_ID, **kwargs)


def as_api_errors(error: DjangoValidationError, renames: dict[str, str] | None = None) -> serializers.ValidationError:
    """A service's ValidationError under the API's names: the model's ``mobile`` is ``phone``,
    its form-wide errors are ``non_field_errors``."""
    renames = {"__all__": api_settings.NON_FIELD_ERRORS_KEY, **(renames or {})}
    if not hasattr(error, "error_dict"):
        return serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: error.messages})
    errors: dict[str, list[str]] = {}
    for field, messages in error.message_dict.items():
        errors.setdefault(renames.get(field, field), []).extend(messages)
    return serializers.ValidationError(errors)


def _phone(value: str) -> str:
    """The stored form of a phone (09XXXXXXXXX, or E.164), or the reason it is not a number."""
    if not value.strip():
        return ""
    try:
        return normalize_phone(value)
    except DjangoValidationError as error:
        raise serializers.ValidationError(error.messages) from error


# --- customers ------------------------------------------------------------------------------


class SegmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class CustomerSerializer(serializers.ModelSerializer):
    """A customer as the API shows them; the purchase figures are kept by Peygir (read only)."""

    phone = serializers.CharField(source="mobile", read_only=True, help_text="09XXXXXXXXX, or E.164 (+49...).")
    email = serializers.CharField(read_only=True, help_text="Empty when not known.")
    source = serializers.ChoiceField(choices=Customer.Source.choices, allow_blank=True, read_only=True)
    owner = serializers.IntegerField(source="owner_id", read_only=True, allow_null=True)
    segment = SegmentSerializer(read_only=True, allow_null=True)
    total_spent = serializers.IntegerField(read_only=True, help_text="Rial.")
    silent_since = serializers.DateField(
        source="purchase_rhythm.silent_since",
        read_only=True,
        allow_null=True,
        help_text="Empty unless silent past the rhythm.",
    )

    class Meta:
        model = Customer
        fields = [
            "id",
            "name",
            "reference",
            "phone",
            "email",
            "company",
            "city",
            "segment",
            "owner",
            "notes",
            "birth_date",
            "preferred_language",
            "email_opt_out",
            "source",
            "created_at",
            "first_purchase_on",
            "last_purchase_on",
            "purchase_count",
            "total_spent",
            "last_contact_on",
            "next_call_on",
            "silent_since",
            "last_nps_score",
        ]
        read_only_fields = fields


class CustomerWriteSerializer(serializers.Serializer):
    """What a program may set on a customer. ``owner`` is a manager's to choose; a rep's customers are theirs."""

    name = Text(max_length=200)
    reference = Text(max_length=64, required=False, allow_blank=True, help_text="The shop's own customer ID.")
    phone = Text(
        max_length=32,
        required=False,
        allow_blank=True,
        help_text="Any form (+98 912 ..., 0912..., Persian digits); stored as 09XXXXXXXXX, or E.164 abroad.",
    )
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    company = Text(max_length=200, required=False, allow_blank=True)
    city = Text(max_length=100, required=False, allow_blank=True)
    segment = record_id(required=False, allow_null=True, help_text="A segment's id.")
    owner = record_id(required=False, allow_null=True, help_text="A colleague's id (managers only).")
    notes = Text(max_length=10_000, required=False, allow_blank=True)
    birth_date = serializers.DateField(required=False, allow_null=True)
    preferred_language = serializers.ChoiceField(choices=Customer.Language.choices, required=False)
    email_opt_out = serializers.BooleanField(required=False)

    def validate_phone(self, value: str) -> str:
        return _phone(value)

    def validate_reference(self, value: str) -> str:
        return value.strip()

    def validate_birth_date(self, value):
        if value and value > timezone.localdate():
            raise serializers.ValidationError(_("This date is in the future."))
        return value


class CustomerFilterSerializer(serializers.Serializer):
    q = Text(max_length=200, required=False, allow_blank=True, help_text="Name, phone, company, email or customer ID.")
    owner = record_id(required=False, help_text="The owner's id.")
    segment = record_id(required=False, help_text="The segment's id.")
    reference = Text(max_length=64, required=False, allow_blank=True, help_text="The shop's customer ID, exactly.")
    phone = Text(max_length=32, required=False, allow_blank=True, help_text="A phone in any form.")
    email = Text(max_length=254, required=False, allow_blank=True, help_text="An email, in any case.")
    silent = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="true: silent past their rhythm only."
    )
    created_since = serializers.DateTimeField(required=False, help_text="Added to Peygir at or after this moment.")
    sort = serializers.ChoiceField(choices=list(CUSTOMER_SORTS), required=False, default="name")

    def validate_phone(self, value: str) -> str:
        return _phone(value)


# --- purchases ------------------------------------------------------------------------------


class PurchaseSerializer(serializers.ModelSerializer):
    customer = serializers.IntegerField(source="customer_id", read_only=True)
    amount = serializers.IntegerField(read_only=True, help_text="Rial.")
    invoice_number = serializers.CharField(source="reference", read_only=True)

    class Meta:
        model = Purchase
        fields = ["id", "customer", "purchased_on", "amount", "invoice_number", "note", "created_at"]
        read_only_fields = fields


CUSTOMER_KEYS = ("customer", "customer_reference", "customer_phone", "customer_email")


class PurchaseItemSerializer(serializers.Serializer):
    """One purchase to add. Its customer is named by ``customer`` (their id) or by the keys the shop
    knows them by, tried in this order: the customer ID, the phone, the email."""

    customer = record_id(required=False, help_text="The customer's id in Peygir.")
    customer_reference = Text(max_length=64, required=False, allow_blank=True, help_text="The shop's customer ID.")
    customer_phone = Text(max_length=32, required=False, allow_blank=True)
    customer_email = Text(max_length=254, required=False, allow_blank=True)
    purchased_on = serializers.DateField()
    amount = Whole(min_value=0, max_value=MAX_AMOUNT, help_text="Rial, a whole number.")
    invoice_number = Text(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="With one, a purchase sent twice is written once.",
    )
    note = Text(max_length=500, required=False, allow_blank=True, default="")

    def validate_customer_phone(self, value: str) -> str:
        return _phone(value)

    def validate_customer_reference(self, value: str) -> str:
        return value.strip()

    def validate_customer_email(self, value: str) -> str:
        return value.strip().lower()

    def validate_invoice_number(self, value: str) -> str:
        return value.strip()

    def validate_purchased_on(self, value: datetime.date) -> datetime.date:
        if value > (self.context.get("today") or timezone.localdate()):  # a batch passes its day once
            raise serializers.ValidationError(_("This date is in the future."))
        if value < EARLIEST_PURCHASE:
            raise serializers.ValidationError(_("This date is too far in the past."))
        return value

    def to_internal_value(self, data):
        """Every field's error at once, with "name the customer" among them when no key was sent."""
        errors, values = {}, None
        try:
            values = super().to_internal_value(data)
        except serializers.ValidationError as error:
            errors = dict(error.detail)
        if isinstance(data, dict) and not any(data.get(key) not in (None, "") for key in CUSTOMER_KEYS):
            errors.setdefault(
                "customer", [_("Name the customer: by their id, or by their customer ID, phone or email.")]
            )
        if errors:
            raise serializers.ValidationError(errors)
        return values


class PurchaseBatchResultSerializer(serializers.Serializer):
    received = serializers.IntegerField(help_text="Purchases in the request.")
    created = serializers.IntegerField(help_text="Purchases written now.")
    already_there = serializers.IntegerField(help_text="Purchases whose invoice number the customer already had.")


# --- follow-ups -----------------------------------------------------------------------------


class CallCustomerSerializer(serializers.ModelSerializer):
    phone = serializers.CharField(source="mobile", read_only=True)
    email = serializers.CharField(read_only=True)
    total_spent = serializers.IntegerField(read_only=True, help_text="Rial.")

    class Meta:
        model = Customer
        fields = [
            "id",
            "name",
            "phone",
            "email",
            "reference",
            "company",
            "last_contact_on",
            "last_purchase_on",
            "purchase_count",
            "total_spent",
            "last_nps_score",
        ]
        read_only_fields = fields


class RankSerializer(serializers.Serializer):
    """How the call got its place in the list: score = value × risk × urgency."""

    score = serializers.FloatField(help_text="Higher is called first.")
    value = serializers.FloatField(help_text="The customer's expected yearly value, Rial.")
    risk = serializers.FloatField(help_text="The share of that value the reason puts at stake (0 to 1).")
    at_stake = serializers.FloatField(help_text="value × risk, Rial.")
    overdue_days = serializers.IntegerField(help_text="Days overdue, counted up to 28.")
    urgency = serializers.FloatField(help_text="1 + overdue days / 7.")


class LastContactSerializer(serializers.Serializer):
    at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField(allow_blank=True, allow_null=True)
    summary = serializers.CharField(allow_blank=True, allow_null=True)


class CallSerializer(serializers.ModelSerializer):
    """A call on the calls-due list, with what the page shows: who, why it is due, and its rank."""

    # Serializes the rows of ``followups.selectors.followups_due_for`` (ranked, with the call's context);
    # ``day`` in the context is the day the reasons and the rank are told for.

    customer = CallCustomerSerializer(read_only=True)
    assignee = serializers.IntegerField(source="assignee_id", read_only=True, allow_null=True)
    reason_label = serializers.CharField(source="get_reason_display", read_only=True)
    outcome = serializers.ChoiceField(
        choices=FollowUp.Outcome.choices, allow_blank=True, read_only=True, help_text="Empty while the call is open."
    )
    why = serializers.SerializerMethodField(help_text="Why the call is due, in the request's language.")
    more = serializers.SerializerMethodField(help_text="What other apps add to the row (points, tier...).")
    overdue = serializers.SerializerMethodField()
    escalated = serializers.SerializerMethodField(help_text="Overdue for more working days than allowed.")
    rank = serializers.SerializerMethodField()
    last_contact = serializers.SerializerMethodField()

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "customer",
            "assignee",
            "reason",
            "reason_label",
            "why",
            "more",
            "facts",
            "purpose",
            "channel",
            "scheduled_on",
            "due_on",
            "status",
            "outcome",
            "note",
            "completed_at",
            "overdue",
            "escalated",
            "rank",
            "last_contact",
        ]
        read_only_fields = fields

    def get_why(self, followup: FollowUp) -> str:
        return reasons.explain(followup, day=self.context["day"])

    def get_more(self, followup: FollowUp) -> list[str]:
        return row_facts(followup)

    def get_overdue(self, followup: FollowUp) -> bool:
        return followup.is_pending and followup.due_on < self.context["day"]

    def get_escalated(self, followup: FollowUp) -> bool:
        return followup.is_pending and followup.due_on < self.context["escalate_before"]

    @extend_schema_field(RankSerializer)
    def get_rank(self, followup: FollowUp) -> dict:
        rank = RankExplanation.of(followup)
        return {
            "score": rank.score,
            "value": rank.value,
            "risk": rank.risk,
            "at_stake": rank.at_stake,
            "overdue_days": rank.overdue_days,
            "urgency": rank.urgency,
        }

    @extend_schema_field(LastContactSerializer)
    def get_last_contact(self, followup: FollowUp) -> dict:
        contact = {
            "at": followup.last_contact_at,
            "outcome": followup.last_contact_outcome,
            "summary": followup.last_contact_summary,
        }
        return LastContactSerializer(contact).data  # the time in Tehran, as every other time


class CallsFilterSerializer(serializers.Serializer):
    day = serializers.DateField(required=False, help_text="The day (ISO); today in Tehran when not given.")
    rep = Text(
        max_length=20,
        required=False,
        help_text="Managers: a colleague's id, or `all` for the whole team; their own calls when not given.",
    )

    def validate_day(self, value: datetime.date) -> datetime.date:
        if abs((value - timezone.localdate()).days) > 366:
            raise serializers.ValidationError(_("Choose a day within a year of today."))
        return value


class CallCompleteSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=FollowUp.LOGGED_OUTCOME_CHOICES)
    note = Text(max_length=2000, required=False, allow_blank=True, default="")


# --- survey responses -----------------------------------------------------------------------


class SurveyResponseSerializer(serializers.ModelSerializer):
    customer = serializers.IntegerField(source="customer_id", read_only=True)
    survey = serializers.CharField(source="survey.kind", read_only=True, help_text="relationship or post_contact.")
    improvements = serializers.ListField(child=serializers.CharField(), read_only=True)
    intent = serializers.ChoiceField(
        choices=SurveyResponse.Intent.choices, allow_blank=True, read_only=True, help_text="Empty when not asked."
    )
    # The same choices as ``intent``: one enum in the schema (two fields naming one enum make drf-spectacular warn).
    would_refer = serializers.CharField(read_only=True, help_text="`yes`, `maybe`, `no`, or empty when not asked.")

    class Meta:
        model = SurveyResponse
        fields = [
            "id",
            "customer",
            "survey",
            "score",
            "category",
            "reason",
            "intent",
            "improvements",
            "would_refer",
            "referral_name",
            "referral_mobile",
            "answered_at",
            "updated_at",
        ]
        read_only_fields = fields


class SurveyResponseFilterSerializer(serializers.Serializer):
    customer = record_id(required=False, help_text="The customer's id.")
    since = serializers.DateTimeField(required=False, help_text="Answered at or after this moment.")
