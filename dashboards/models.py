"""Snapshots of the heavy figures, written by the nightly job (and on demand) so a page over 100,000
customers reads a few hundred rows. Each row holds one period's (or cohort's) counts for one
owner and one segment: a page sums the rows of the customers it shows (everyone, a rep's book, a
segment). ``computed_at`` is the "as of" the page shows."""

from django.conf import settings
from django.db import models

from dashboards.periods import Calendar, Grain


class ScopedQuerySet(models.QuerySet):
    def of(self, *, owner=None, segment=None) -> "ScopedQuerySet":
        """The rows of one owner's book and/or one segment (None: every one)."""
        rows = self
        if owner is not None:
            rows = rows.filter(owner=owner)
        if segment is not None:
            rows = rows.filter(segment=segment)
        return rows


class _Scoped(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+")
    segment = models.ForeignKey("customers.Segment", on_delete=models.CASCADE, null=True, related_name="+")
    active_days = models.PositiveSmallIntegerField()
    computed_at = models.DateTimeField()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class FlowSnapshot(_Scoped):
    """One period's S, E, new, churned, reactivated and revenues (dashboards.flows)."""

    calendar = models.CharField(max_length=10, choices=Calendar.choices)
    grain = models.CharField(max_length=8, choices=Grain.choices)
    period_index = models.IntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    partial = models.BooleanField(default=False)
    start = models.IntegerField()
    end = models.IntegerField()
    new = models.IntegerField()
    new_kept = models.IntegerField()  # new customers still active at the end
    churned = models.IntegerField()
    reactivated = models.IntegerField()
    revenue = models.DecimalField(max_digits=22, decimal_places=0)
    revenue_at_start = models.DecimalField(max_digits=22, decimal_places=0)
    revenue_lost = models.DecimalField(max_digits=22, decimal_places=0)

    class Meta:
        indexes = [models.Index(fields=["active_days", "calendar", "grain", "period_index"])]

    def __str__(self):
        return f"{self.calendar} {self.grain} {self.period_index}: S={self.start} E={self.end}"


class CohortSnapshot(_Scoped):
    """How many of a first-purchase month's customers bought k months later, and for how much."""

    calendar = models.CharField(max_length=10, choices=Calendar.choices)
    cohort_index = models.IntegerField()  # the first purchase's month (dashboards.periods index)
    offset = models.PositiveSmallIntegerField()  # months after it
    customers = models.IntegerField()
    revenue = models.DecimalField(max_digits=22, decimal_places=0)

    class Meta:
        indexes = [models.Index(fields=["calendar", "cohort_index"])]

    def __str__(self):
        return f"{self.calendar} cohort {self.cohort_index} +{self.offset}: {self.customers}"


class ChurnEventSnapshot(_Scoped):
    """Churn events of one month (the day they stopped being active) by lifetime bucket."""

    calendar = models.CharField(max_length=10, choices=Calendar.choices)
    month_index = models.IntegerField()
    bucket = models.PositiveSmallIntegerField()  # dashboards.definitions.LIFETIME_BUCKETS
    one_and_done = models.BooleanField()
    events = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["active_days", "calendar", "month_index"])]

    def __str__(self):
        return f"{self.calendar} {self.month_index} bucket {self.bucket}: {self.events}"


class CalendarDay(models.Model):
    """Each day's month in both calendars, so SQL can group purchases by Jalali month (the
    database knows only the Gregorian calendar). Filled for the days purchases fall on."""

    day = models.DateField(primary_key=True)
    jalali_month = models.IntegerField()  # year * 12 + month - 1
    gregorian_month = models.IntegerField()

    def __str__(self):
        return self.day.isoformat()


class SnapshotRun(models.Model):
    """When the snapshots of one N (``active_days``) were last written: the pages' "as of"."""

    active_days = models.PositiveSmallIntegerField(primary_key=True)
    computed_on = models.DateField()  # the day the periods were counted up to
    computed_at = models.DateTimeField()
    seconds = models.FloatField()

    def __str__(self):
        return f"N={self.active_days} as of {self.computed_at}"


class CallsEffectSnapshot(models.Model):
    """ "Do the calls work?" for the default window (dashboards.calls_effect): the shop's figures
    (``owner`` empty) and each rep's, one row per horizon."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+")
    active_days = models.PositiveSmallIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    horizon = models.PositiveSmallIntegerField()
    treated_n = models.IntegerField()
    treated_buyers = models.IntegerField()
    treated_rate = models.FloatField(null=True)
    comparison_n = models.IntegerField()
    comparison_buyers = models.IntegerField()
    comparison_rate = models.FloatField(null=True)
    difference = models.FloatField(null=True)
    low = models.FloatField(null=True)
    high = models.FloatField(null=True)
    unmatched = models.IntegerField()
    verdict = models.CharField(max_length=24)
    computed_at = models.DateTimeField()

    def __str__(self):
        return f"{self.owner_id or 'shop'} {self.horizon}d: {self.verdict}"


class CustomerYearSnapshot(_Scoped):
    """What each customer spent in the year up to the snapshot's day, with their tier then: the
    value page's top tenth and revenue by tier for that year read these rows, not the purchases."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    tier_rank = models.PositiveSmallIntegerField()
    revenue = models.DecimalField(max_digits=22, decimal_places=0)

    class Meta:
        indexes = [models.Index(fields=["active_days", "owner", "segment"])]

    def __str__(self):
        return f"{self.customer_id}: {self.revenue}"
