"""Loyalty points as a ledger: every change of a balance is an entry, never an edit.

A balance is a sum of entries (``available``: the entries whose points may be spent, ``pending``:
points from purchases still inside the returns window). ``LoyaltyAccount`` keeps those sums per
customer for lists and rows; loyalty.services writes it with every entry and a nightly check
recomputes it from the ledger and reports any drift.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import reads_persian
from customers.models import Customer, Purchase


class EarningRules(models.Model):
    """How points are earned: one row, edited by managers on the loyalty settings page."""

    points_per_step = models.PositiveIntegerField(_("points"), default=1)
    step = models.DecimalField(
        _("for every (Rial)"), max_digits=18, decimal_places=0, default=100_000, help_text=_("stored in Rial")
    )
    survey_bonus = models.PositiveIntegerField(_("points for answering a survey"), default=20)
    referral_bonus = models.PositiveIntegerField(_("points for a referral's first purchase"), default=100)
    birthday_bonus = models.PositiveIntegerField(_("points on a customer's birthday"), default=50)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("earning rules")
        verbose_name_plural = _("earning rules")
        constraints = [models.CheckConstraint(condition=Q(step__gt=0), name="earning_step_positive")]

    def __str__(self):
        return str(_("earning rules"))


class PointsEntry(models.Model):
    class Kind(models.TextChoices):
        PURCHASE = "purchase", _("Purchase")
        SURVEY = "survey", _("Survey answer")
        REFERRAL = "referral", _("Referral")
        BIRTHDAY = "birthday", _("Birthday")
        ADJUSTMENT = "adjustment", _("Adjustment")
        REDEMPTION = "redemption", _("Redemption")
        EXPIRY = "expiry", _("Expiry")
        REVERSAL = "reversal", _("Reversal")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        AVAILABLE = "available", _("Available")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="points_entries"
    )
    points = models.IntegerField(_("points"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # What the entry is for, once: "purchase:42", "survey:7", "adjustment:<uuid>" ... The database
    # keeps it unique, so a rerun, a re-import or two workers at once never count anything twice.
    source_key = models.CharField(max_length=120, unique=True, editable=False)
    purchase = models.ForeignKey(
        Purchase, on_delete=models.SET_NULL, null=True, blank=True, related_name="points_entries", editable=False
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.AVAILABLE)
    available_on = models.DateField(_("available from"), null=True, blank=True)
    expires_on = models.DateField(_("expires"), null=True, blank=True)
    # Facts a sentence is written from when the entry is shown (the amount earned on, a capped
    # reversal's wanted points); ``note`` is only what a manager typed.
    facts = models.JSONField(default=dict, blank=True)
    note = models.CharField(_("reason"), max_length=300, blank=True)
    # The day the entry counts on: a purchase's points on the purchase's day (also when a backfill or
    # an import writes them years later), everything else on the day it happened. The monthly
    # figures, the tier's 12-month points and the ledger's order read it; ``created_at`` is when
    # the row was written.
    effective_on = models.DateField(_("day"), default=timezone.localdate)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-effective_on", "-id"]
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        indexes = [
            models.Index(fields=["customer", "-effective_on", "-id"], name="points_ledger_by_day"),
            models.Index(fields=["effective_on"], name="points_by_day"),
            models.Index(fields=["available_on"], condition=Q(state="pending"), name="points_pending_by_day"),
        ]

    def __str__(self):
        return f"{self.customer_id}: {self.points:+d} {self.kind}"


class _NamedInBothLanguages:
    """A record with ``name_fa`` and ``name_en``: ``name()`` is the reader's."""

    def name(self, language: str | None = None) -> str:
        return self.name_fa if reads_persian(language) else self.name_en


class Tier(_NamedInBothLanguages, models.Model):
    """A level of the program (bronze, silver, gold): reached by rolling 12-month spend, or by the
    points earned in 12 months (``PEYGIR_LOYALTY_TIER_BASIS``; the threshold is in that unit)."""

    rank = models.PositiveSmallIntegerField(_("rank"), unique=True)  # 1 is the first tier
    name_fa = models.CharField(_("name (Persian)"), max_length=50)
    name_en = models.CharField(_("name (English)"), max_length=50)
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=18,
        decimal_places=0,
        help_text=_("Rial of 12-month spend, or points earned in 12 months"),
    )

    class Meta:
        ordering = ["rank"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")

    def __str__(self):
        return self.name()


class TierChange(models.Model):
    """A customer's move between tiers, on the day of the review that made it (once a day)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="tier_changes")
    from_rank = models.PositiveSmallIntegerField()
    to_rank = models.PositiveSmallIntegerField()
    changed_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["customer", "changed_on"], name="one_tier_change_a_day")]

    def __str__(self):
        return f"{self.customer_id}: {self.from_rank} -> {self.to_rank} on {self.changed_on}"


class LoyaltyAccount(models.Model):
    """A customer's balances, kept by loyalty.services from the ledger (never typed)."""

    customer = models.OneToOneField(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, primary_key=True, related_name="loyalty"
    )
    available = models.IntegerField(_("available points"), default=0)
    pending = models.IntegerField(_("pending points"), default=0)
    # Kept by the nightly tier review (loyalty.tiers): 0 = below every tier.
    tier_rank = models.PositiveSmallIntegerField(_("tier"), default=0)
    tier_since = models.DateField(null=True, blank=True)
    below_tier_since = models.DateField(null=True, blank=True)  # under the tier's threshold since
    # The figures of the last 12 months the review read; only the tier basis's one is kept fresh.
    spend_12m = models.DecimalField(max_digits=20, decimal_places=0, default=0)
    points_12m = models.IntegerField(default=0, db_default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("loyalty account")
        verbose_name_plural = _("loyalty accounts")

    def __str__(self):
        return f"{self.customer_id}: {self.available} (+{self.pending})"


class Reward(_NamedInBothLanguages, models.Model):
    """What points buy: the catalogue a rep redeems from during a call."""

    class Kind(models.TextChoices):
        DISCOUNT_CODE = "discount_code", _("Discount code")
        GIFT = "gift", _("Gift")
        SERVICE = "service", _("Free service")

    name_fa = models.CharField(_("name (Persian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    cost = models.PositiveIntegerField(_("cost in points"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.GIFT)
    active = models.BooleanField(_("offered"), default=True)
    stock = models.PositiveIntegerField(_("in stock"), null=True, blank=True, help_text=_("empty: no limit"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["cost", "id"]
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        constraints = [models.CheckConstraint(condition=Q(cost__gt=0), name="reward_cost_positive")]

    def __str__(self):
        return self.name()


class Redemption(models.Model):
    """Points spent on a reward: the debit is a ledger entry; cancelling writes the entry that gives them back."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Redeemed")
        CANCELLED = "cancelled", _("Cancelled")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="redemptions")
    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="redemptions")
    points = models.PositiveIntegerField(_("points"))
    code = models.CharField(_("code"), max_length=32, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    entry = models.OneToOneField(PointsEntry, on_delete=models.PROTECT, related_name="redemption")
    refund_entry = models.OneToOneField(
        PointsEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="refunded_redemption"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")

    def __str__(self):
        return f"{self.customer_id}: {self.reward_id} ({self.points})"


class LoyaltyEmail(models.Model):
    """A loyalty email written to a customer (an expiry warning, a redemption's confirmation), once per
    ``key``: the limit of one marketing email a week per customer reads these."""

    class Kind(models.TextChoices):
        EXPIRY_WARNING = "expiry_warning", _("Points expiry warning")
        REDEMPTION = "redemption", _("Redemption confirmation")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="loyalty_emails")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    key = models.CharField(max_length=120, unique=True)
    email = models.ForeignKey(
        "outbox.OutgoingEmail", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_on = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["customer", "kind", "sent_on"])]

    def __str__(self):
        return self.key
