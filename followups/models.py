from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.numbers import format_number
from customers.models import Customer, Interaction
from followups import cadence

# A follow-up happens over one of the timeline's contact kinds; completing it logs that kind.
Channel = Interaction.Kind
CHANNEL_CHOICES = [(kind.value, kind.label) for kind in Interaction.CONTACT_KINDS]


class FollowUpPlan(models.Model):
    """A recurring contact with one customer: every N days, weeks or months."""

    class Unit(models.TextChoices):
        DAYS = cadence.DAYS, _("days")
        WEEKS = cadence.WEEKS, _("weeks")
        MONTHS = cadence.MONTHS, _("months")

    class Calendar(models.TextChoices):
        JALALI = cadence.JALALI, _("Jalali")
        GREGORIAN = cadence.GREGORIAN, _("Gregorian")

    class CountFrom(models.TextChoices):
        SCHEDULE = "schedule", _("the scheduled date (fixed rhythm)")
        COMPLETION = "completion", _("the day the last one was done")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="followup_plans"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followup_plans",
    )
    every = models.PositiveSmallIntegerField(_("every"), default=1)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.MONTHS)
    calendar = models.CharField(_("calendar"), max_length=10, choices=Calendar.choices, default=Calendar.JALALI)
    starts_on = models.DateField(_("first due date"))
    channel = models.CharField(_("channel"), max_length=8, choices=CHANNEL_CHOICES, default=Channel.CALL)
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    count_from = models.CharField(
        _("count the next one from"), max_length=12, choices=CountFrom.choices, default=CountFrom.SCHEDULE
    )
    active = models.BooleanField(_("active"), default=True)
    # Given by the shop's default cadence to a customer who had no plan (PEYGIR_DEFAULT_CADENCE_MONTHS).
    is_default = models.BooleanField(_("the shop's default cadence"), default=False, editable=False)

    # The rhythm: occurrence n falls on anchor_on + n x interval. Kept by followups.services.
    anchor_on = models.DateField(editable=False)
    next_index = models.PositiveIntegerField(default=0, editable=False)
    next_due_on = models.DateField(editable=False, db_index=True)

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        ordering = ["customer", "id"]
        verbose_name = _("follow-up plan")
        verbose_name_plural = _("follow-up plans")
        constraints = [
            models.CheckConstraint(condition=Q(every__gte=1), name="followup_plan_every_positive"),
            models.UniqueConstraint(
                fields=["customer", "every", "unit", "channel"],
                condition=Q(active=True),
                name="followup_plan_one_active_per_cadence",
                violation_error_message=_("This customer already has an active plan with this cadence and channel."),
            ),
        ]
        indexes = [models.Index(fields=["active", "next_due_on"])]

    def __str__(self):
        return f"{self.customer} · {self.cadence_label}"

    @property
    def cadence_label(self) -> str:
        """"every month", "every 3 months", "every 2 weeks", in the reader's language and digits."""
        return cadence_label(self.every, self.unit)


def cadence_label(every: int, unit: str) -> str:
    forms = {
        cadence.MONTHS: ngettext("every month", "every %(n)s months", every),
        cadence.WEEKS: ngettext("every week", "every %(n)s weeks", every),
        cadence.DAYS: ngettext("every day", "every %(n)s days", every),
    }
    return forms[unit] % {"n": format_number(every)}


class FollowUp(models.Model):
    """One call due on a day, for a reason: a plan's rhythm, or a cause raised through
    ``followups.services.followup_raise`` (a detractor, a referral, silence...).

    ``facts`` hold what the cause knew when it raised the call; the row's "why" sentence is
    written from them at display time, in the reader's language (``followups.reasons``).
    """

    class Reason(models.TextChoices):
        PERIODIC = "periodic", _("Periodic")
        ONE_OFF = "one_off", _("One-off")
        DETRACTOR = "detractor", _("Detractor")
        REFERRAL = "referral", _("Referral")
        WIN_BACK = "win_back", _("Win-back")
        POINTS_EXPIRING = "points_expiring", _("Points expiring")
        RENEWAL = "renewal", _("Renewal")
        ONBOARDING = "onboarding", _("Onboarding")
        NO_CONTACT = "no_contact", _("Not contacted")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESCHEDULED = "rescheduled", _("Rescheduled")
        DONE = "done", _("Done")
        SKIPPED = "skipped", _("Skipped")

    class Outcome(models.TextChoices):
        REACHED = "reached", _("Reached")
        NO_ANSWER = "no_answer", _("No answer")
        CALL_BACK_LATER = "call_back_later", _("Call back later")
        WRONG_NUMBER = "wrong_number", _("Wrong number")
        NOT_INTERESTED = "not_interested", _("Not interested")
        BOUGHT_AGAIN = "bought_again", _("Bought again")

    PENDING = (Status.OPEN, Status.RESCHEDULED)
    RETRY_OUTCOMES = (Outcome.NO_ANSWER, Outcome.CALL_BACK_LATER)
    # What a rep can log; "bought again" is written by the system when a purchase ends a silence.
    LOGGED_OUTCOMES = (
        Outcome.REACHED,
        Outcome.NO_ANSWER,
        Outcome.CALL_BACK_LATER,
        Outcome.WRONG_NUMBER,
        Outcome.NOT_INTERESTED,
    )
    LOGGED_OUTCOME_CHOICES = [(outcome.value, outcome.label) for outcome in LOGGED_OUTCOMES]
    # The customer was not actually spoken to: not a contact.
    UNREACHED_OUTCOMES = (Outcome.NO_ANSWER, Outcome.WRONG_NUMBER)

    # The three foreign keys below need no index of their own: the unique (plan, scheduled_on)
    # and the (customer, status) / (assignee, status, due_on) indexes start with them.
    plan = models.ForeignKey(
        FollowUpPlan,
        verbose_name=_("plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followups",
        db_index=False,
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="followups", db_index=False
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followups",
        db_index=False,
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices, default=Reason.PERIODIC)
    # "<cause>:<thing>:<id>", unique: each cause raises at most one call (periodic calls have none).
    source_key = models.CharField(max_length=120, unique=True, null=True, blank=True, editable=False)
    facts = models.JSONField(default=dict, blank=True, editable=False)
    channel = models.CharField(_("channel"), max_length=8, choices=CHANNEL_CHOICES, default=Channel.CALL)
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    scheduled_on = models.DateField(_("scheduled for"))
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    snooze_count = models.PositiveSmallIntegerField(_("times snoozed"), default=0)
    snooze_reason = models.CharField(_("snooze reason"), max_length=200, blank=True)
    interaction = models.OneToOneField(
        Interaction, on_delete=models.SET_NULL, null=True, blank=True, related_name="followup", editable=False
    )
    # When an attempt on this call first reached the customer, and whether a purchase then made it a save.
    reached_at = models.DateTimeField(_("reached the customer"), null=True, blank=True, editable=False)
    saved_on = models.DateField(_("saved (bought again)"), null=True, blank=True, editable=False)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="saves", editable=False
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            # Materialisation inserts with ON CONFLICT DO NOTHING against this: never a duplicate.
            models.UniqueConstraint(fields=["plan", "scheduled_on"], name="followup_once_per_plan_occurrence"),
        ]
        indexes = [
            models.Index(fields=["assignee", "status", "due_on"]),
            models.Index(fields=["customer", "status"]),
            models.Index(fields=["status", "due_on"]),
            # "Closed on this day" per rep: a range on completed_at, served by this index.
            models.Index(
                fields=["assignee", "completed_at"],
                condition=Q(completed_at__isnull=False),
                name="followup_closed_by_assignee",
            ),
            models.Index(fields=["saved_by", "saved_on"], condition=Q(saved_on__isnull=False), name="followup_saves"),
        ]

    def __str__(self):
        return f"{self.customer} · {self.due_on}"

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING

