import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.phones import PHONE_MAX_LENGTH
from core.roles import is_manager
from core.text import normalize_search_text


class Segment(models.Model):
    """A group of customers a manager thinks of together (wholesale, retail, VIP...)."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")

    def __str__(self):
        return self.name


class CustomerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Reps see their own customers only; managers see everyone."""
        return self if is_manager(user) else self.filter(owner=user)


class Customer(models.Model):
    class Language(models.TextChoices):
        PERSIAN = "fa", _("Persian")
        ENGLISH = "en", _("English")

    name = models.CharField(_("name"), max_length=200)
    # An Iranian mobile as 09XXXXXXXXX, any other number in E.164 (core.phones); optional, unique when given.
    mobile = models.CharField(
        _("phone"),
        max_length=PHONE_MAX_LENGTH,
        blank=True,
        default="",
        db_default="",
        help_text=_("A mobile, a landline, or a number abroad with its country code."),
    )
    # The shop's own customer ID (from its till or web shop): imports match a customer by it first.
    reference = models.CharField(
        _("customer ID in your shop"),
        max_length=64,
        blank=True,
        default="",
        db_default="",  # rows written by SQL that does not name it (older migrations' models, bulk loads)
        help_text=_("Optional; unique: imports find the customer by it first."),
    )
    email = models.EmailField(_("email"), blank=True)
    company = models.CharField(_("company"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    segment = models.ForeignKey(
        Segment, verbose_name=_("segment"), on_delete=models.SET_NULL, null=True, blank=True, related_name="customers"
    )
    notes = models.TextField(_("notes"), blank=True)
    birth_date = models.DateField(
        _("birthday"), null=True, blank=True, db_index=True, help_text=_("optional: a birthday bonus")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="customers",
        db_index=False,  # the (owner, name) index below finds a rep's customers
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.PERSIAN
    )
    email_opt_out = models.BooleanField(_("opted out of email"), default=False)

    class Source(models.TextChoices):
        """How the customer came to be in Peygir: a fact, shown in the reader's language."""

        ADDED = "added", _("added in Peygir")
        IMPORT = "import", _("imported from a file")
        REFERRAL = "referral", _("referred by a customer")
        API = "api", _("added through the API")
        SHOP = "shop", _("from an order in the shop")
        DEMO = "demo", _("demo data")

    source = models.CharField(_("source"), max_length=200, choices=Source.choices, default=Source.ADDED, blank=True)
    referred_by = models.ForeignKey(
        "self",
        verbose_name=_("referred by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="referrals",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    # Kept by customers.services so lists sort and filter without aggregating.
    first_purchase_on = models.DateField(_("first purchase"), null=True, blank=True, editable=False)
    last_purchase_on = models.DateField(_("last purchase"), null=True, blank=True, editable=False)
    purchase_count = models.PositiveIntegerField(_("purchases"), default=0, editable=False)
    total_spent = models.DecimalField(
        _("total spent"), max_digits=20, decimal_places=0, default=Decimal(0), editable=False
    )
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True, editable=False)
    # Kept by followups.services wherever a call or a plan changes (customers cannot see calls).
    next_call_on = models.DateField(_("next call"), null=True, blank=True, editable=False)
    last_nps_score = models.PositiveSmallIntegerField(_("last NPS score"), null=True, blank=True, editable=False)
    last_nps_at = models.DateTimeField(_("last NPS answer"), null=True, blank=True, editable=False)

    search_text = models.TextField(editable=False, default="")

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [
            # The list's sorts (by last purchase, total spent, next call ...) have their indexes on
            # PostgreSQL in migration 0014; a write of the row keeps each index up to date.
            models.Index(fields=["owner", "name"]),
            # Imports, the API and the webhook find a customer by email in any case.
            models.Index(Lower("email"), name="customer_email_lower"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["reference"],
                condition=~Q(reference=""),
                name="customer_reference_unique",
                violation_error_message=_("Another customer has this customer ID."),
                violation_error_code="unique",  # said beside the field, not above the form
            ),
            models.UniqueConstraint(
                fields=["mobile"],
                condition=~Q(mobile=""),
                name="customer_mobile_unique",
                violation_error_message=_("Another customer has this phone number."),
                violation_error_code="unique",
            ),
            # A customer is found again (by imports, the API, the shop's webhook) by one of these.
            models.CheckConstraint(
                condition=~Q(reference="") | ~Q(mobile="") | ~Q(email=""),
                name="customer_has_a_key",
                violation_error_message=_("Give at least one of the customer ID, the phone and the email."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = customer_search_text(self.name, self.company, self.mobile, self.email, self.reference)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    @property
    def customer_since(self) -> datetime.date:
        """The earlier of the first purchase and the day the record was made: a shop that imports
        years of customers today has known them since their first purchase, not since the import."""
        created = timezone.localdate(self.created_at)
        return min(created, self.first_purchase_on) if self.first_purchase_on else created

    @property
    def purchase_rhythm(self) -> "PurchaseRhythm":
        """The stored rhythm, or an empty one (no gap, never silent, not saved) for a customer the
        nightly refresh has not given one: readers need no check of their own."""
        try:
            return self.rhythm
        except PurchaseRhythm.DoesNotExist:
            return PurchaseRhythm(basis="")

    def get_additional_data(self):
        """Written beside this customer's audit entries (django-auditlog asks): see audit.registry."""
        return {"customer_id": self.pk}


class PurchaseRhythm(models.Model):
    """A customer's purchase rhythm, kept by customers.services (customers.rhythm explains each
    figure). A narrow table of its own: the nightly refresh rewrites it for every buyer, and on the
    wide customer row each rewrite cost a new entry in every one of that table's indexes."""

    class Basis(models.TextChoices):
        OWN = "own", _("their own purchases")
        FIRST_RETURN = "first_return", _("how soon customers come back after a first purchase")

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, primary_key=True, related_name="rhythm", editable=False
    )
    gap_days = models.PositiveIntegerField(_("typical gap (days)"), null=True, blank=True, editable=False)
    basis = models.CharField(max_length=12, choices=Basis.choices, editable=False)
    expected_purchase_on = models.DateField(_("next purchase expected"), null=True, blank=True, editable=False)
    silent_since = models.DateField(_("silent since"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("purchase rhythm")
        verbose_name_plural = _("purchase rhythms")
        indexes = [
            models.Index(fields=["silent_since"], condition=Q(silent_since__isnull=False), name="rhythm_silent"),
        ]

    def __str__(self):
        return str(self.customer_id)


def customer_search_text(*parts: str) -> str:
    return normalize_search_text(" ".join(part for part in parts if part))


class Contract(models.Model):
    """One term of a customer's contract or subscription; the next term is a new row."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contracts"
    )
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"))
    value = models.DecimalField(_("value (Rial)"), max_digits=18, decimal_places=0, null=True, blank=True)
    offer = models.CharField(_("renewal offer"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-ends_on", "-id"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        indexes = [models.Index(fields=["ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__gt=F("starts_on")), name="contract_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.customer} · {self.ends_on}"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            raise ValidationError({"ends_on": _("The contract must end after it starts.")}, code="order")


class RhythmPrior(models.Model):
    """What the nightly refresh learned from every customer, for refreshing a few in between.

    One row per segment (its median gap) and one for the whole shop (``segment`` empty: the
    median gap, the first-return day and the median first-to-second gap).
    """

    segment = models.OneToOneField(Segment, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    prior_gap = models.FloatField(null=True)
    first_return_days = models.PositiveIntegerField(null=True)
    first_return_median = models.FloatField(null=True)
    computed_on = models.DateField()

    def __str__(self):
        return f"{self.segment or '*'}: {self.prior_gap}"


class SilenceRuleAdoption(models.Model):
    """A manager chose the rule that flags silent customers (from the backtest); the newest is in force."""

    k = models.FloatField(_("times the typical gap"), null=True, blank=True)
    floor_days = models.PositiveIntegerField(_("at least this many days"))
    adopted_at = models.DateTimeField(_("chosen"), default=timezone.now)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    backtest_as_of = models.DateField(_("backtest as of"), null=True, blank=True)

    class Meta:
        ordering = ["-adopted_at", "-id"]
        verbose_name = _("silence rule")
        verbose_name_plural = _("silence rules")

    def __str__(self):
        return f"k={self.k} floor={self.floor_days}"


class Purchase(models.Model):
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="purchases"
    )
    purchased_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount (Rial)"), max_digits=18, decimal_places=0)
    reference = models.CharField(_("invoice number"), max_length=64, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-purchased_on", "-id"]
        verbose_name = _("purchase")
        verbose_name_plural = _("purchases")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "reference"],
                condition=~Q(reference=""),
                name="purchase_reference_unique_per_customer",
                violation_error_message=_("This customer already has a purchase with this invoice number."),
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="purchase_amount_not_negative"),
        ]
        indexes = [models.Index(fields=["customer", "purchased_on"])]

    def __str__(self):
        return f"{self.customer} {self.purchased_on} {self.amount}"

    def get_additional_data(self):
        """Its customer, beside its audit entries: a deleted purchase stays in the customer's history."""
        return {"customer_id": self.customer_id}

    def clean(self):
        if self.purchased_on and self.purchased_on > timezone.localdate():
            raise ValidationError({"purchased_on": _("This date is in the future.")}, code="future")


class Interaction(models.Model):
    """Something that happened between us and the customer, for the timeline."""

    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        VISIT = "visit", _("Visit")
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")
        NOTE = "note", _("Note")

    # A note is written about the customer, not to them: it is not a contact.
    CONTACT_KINDS = (Kind.CALL, Kind.VISIT, Kind.EMAIL, Kind.SMS)

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="interactions"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CALL)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    summary = models.TextField(_("what happened"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        indexes = [models.Index(fields=["customer", "-occurred_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.customer}"


class ImportRun(models.Model):
    """One file a manager brings in: its shape, the columns' meaning, where the work has got to.

    The file is read again from ``stored_path`` by each pass (the check, then the import), in
    chunks; ``next_line`` is the first line not yet imported, so a killed worker's run resumes
    there and a rerun writes nothing twice.
    """

    class Kind(models.TextChoices):
        CUSTOMERS = "customers", _("Customers")
        PURCHASES = "purchases", _("Purchases")

    class Unit(models.TextChoices):
        RIAL = "rial", _("Rial")
        TOMAN = "toman", _("Toman")

    class Phase(models.TextChoices):
        MAPPING = "mapping", _("choosing the columns")
        CHECKING = "checking", _("checking the file")
        CHECKED = "checked", _("checked, waiting for you")
        IMPORTING = "importing", _("importing")
        DONE = "done", _("done")
        FAILED = "failed", _("stopped by an error")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    unit = models.CharField(_("amounts in"), max_length=5, choices=Unit.choices, default=Unit.RIAL)
    file_name = models.CharField(_("file"), max_length=255)
    stored_path = models.CharField(max_length=500, editable=False)
    file_size = models.PositiveBigIntegerField(default=0)
    format = models.CharField(max_length=8)
    encoding = models.CharField(max_length=16, blank=True)
    delimiter = models.CharField(max_length=1, blank=True)
    header = models.JSONField(default=list)
    sample = models.JSONField(default=list)
    # The file's column position -> Peygir's field ("" for a column left out).
    mapping = models.JSONField(default=list)
    # The columns came from an earlier file with the same header (the columns page says so).
    mapping_remembered = models.BooleanField(default=False, editable=False)
    language = models.CharField(max_length=8, default="fa")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)
    phase = models.CharField(_("state"), max_length=10, choices=Phase.choices, default=Phase.MAPPING)
    failure = models.TextField(blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # The pass now allowed to write: a resumed or restarted pass takes over from an older one.
    pass_token = models.UUIDField(default=uuid.uuid4, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Progress of the pass under way: rows read of rows_total (known once the check has counted).
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    next_line = models.PositiveIntegerField(default=0)
    # The check's forecast, then the import's outcome.
    will_create = models.PositiveIntegerField(default=0)
    will_update = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return self.file_name


class ImportMapping(models.Model):
    """The columns a manager chose for files with this header, offered again for the next such file."""

    kind = models.CharField(max_length=10, choices=ImportRun.Kind.choices)
    header_key = models.CharField(max_length=64)
    mapping = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "header_key"], name="import_mapping_per_header")]

    def __str__(self):
        return f"{self.kind}:{self.header_key[:8]}"


class ImportRejection(models.Model):
    """A row the import left out, with why (in the language of the manager who ran it)."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="rejections")
    line = models.PositiveIntegerField()
    last_line = models.PositiveIntegerField()
    cells = models.JSONField(default=list)
    reasons = models.JSONField(default=list)
    # Written by the check; the import's own rejections replace them.
    during_import = models.BooleanField(default=False)

    class Meta:
        ordering = ["run", "during_import", "line"]
        indexes = [models.Index(fields=["run", "during_import", "line"])]

    def __str__(self):
        return f"{self.run_id}:{self.line}"
