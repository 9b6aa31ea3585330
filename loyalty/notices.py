"""Before points expire: a warning email to the customer, and a call for their owner when the
points are worth a lot.

Both follow the rule of ``services.next_expiry`` (what expires next, first in first out). The
nightly job narrows in SQL to the few customers who have a lot expiring within the warning window
(of 100,000 customers, those whose points are due in the next two weeks), then works out each
candidate's next expiry. Each is done once per expiry batch (the customer and the day): the
warning by its ``LoyaltyEmail`` key, the call by its source key. A customer gets at most one
warning in ``WARNING_GAP_DAYS``.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dates import format_date
from core.numbers import format_money, format_number
from customers.models import Customer
from followups.models import FollowUp
from followups.services import followup_raise
from loyalty import services
from loyalty.models import LoyaltyEmail, PointsEntry
from loyalty.statement import email_links
from outbox.services import email_queue
from surveys.selectors import shop_branding

WARNING_GAP_DAYS = 7  # never more than one loyalty warning per customer in this many days
TOMAN = 10  # Rial


def warning_days() -> int:
    """A customer is warned when their next expiry is at most this many days away."""
    return settings.PEYGIR_LOYALTY_WARNING_DAYS


def call_threshold_rial() -> int:
    """Expiring points worth more than this (set in Toman) earn the customer a call from their owner."""
    return settings.PEYGIR_LOYALTY_CALL_THRESHOLD_TOMAN * TOMAN


def warning_key(customer_id: int, expires_on: datetime.date) -> str:
    return f"expiry-warning:{customer_id}:{expires_on.isoformat()}"


def call_source_key(customer_id: int, expires_on: datetime.date) -> str:
    return f"points_expiring:{customer_id}:{expires_on.isoformat()}"


# --- who may be concerned (SQL) ----------------------------------------------------------------------


def _candidates(today: datetime.date) -> QuerySet[Customer]:
    """Customers who may have points expiring within the window, narrowed in SQL: a lot that is
    still available expires in it (or, by the inactivity rule, their silence ends in it). Only a
    necessary condition: each candidate's next expiry is then worked out by the ledger's rule."""
    until = today + datetime.timedelta(days=warning_days())
    customers = Customer.objects.filter(loyalty__available__gt=0)
    if services.expiry_rule() == "inactivity":
        months = relativedelta(months=services.expiry_months())
        # A few days either side: month ends clip differently; the exact day is checked per candidate.
        slack = datetime.timedelta(days=3)
        return customers.filter(last_purchase_on__range=(today - months - slack, until - months + slack))
    lots = PointsEntry.objects.filter(
        state=PointsEntry.State.AVAILABLE, points__gt=0, expires_on__range=(today, until)
    ).values("customer_id")
    return customers.filter(pk__in=lots)


def _may_be_warned(customers, today: datetime.date):
    recent = LoyaltyEmail.objects.filter(
        kind=LoyaltyEmail.Kind.EXPIRY_WARNING, sent_on__gt=today - datetime.timedelta(days=WARNING_GAP_DAYS)
    ).values("customer_id")
    return customers.exclude(email="").filter(email_opt_out=False).exclude(pk__in=recent)


def _may_be_called(customers):
    """Only customers whose whole balance is worth more than the threshold can have expiring points that are."""
    return customers.filter(loyalty__available__gt=call_threshold_rial() // services.point_value_rial())


# --- the nightly pass ----------------------------------------------------------------------------------


def expiry_warnings_send(*, today: datetime.date | None = None) -> int:
    """Queue a warning email to every customer whose next expiry is within ``warning_days()``, once
    per expiry batch, in the customer's language; returns how many were queued."""
    today = today or timezone.localdate()
    until = today + datetime.timedelta(days=warning_days())
    warned = 0
    customers = list(_may_be_warned(_candidates(today), today).order_by("pk"))
    expiries = services.next_expiries(customers, today=today)
    for customer in customers:
        expiry = expiries[customer.pk]
        if expiry is not None and today <= expiry.on <= until:
            warned += _warn(customer, expiry, today=today)
    return warned


def expiry_calls_raise(*, today: datetime.date | None = None) -> int:
    """A call for the owner of every customer whose points expiring within the window are worth more
    than the threshold, once per expiry batch; returns how many calls were new."""
    today = today or timezone.localdate()
    until = today + datetime.timedelta(days=warning_days())
    called = 0
    customers = list(_may_be_called(_candidates(today)).select_related("owner").order_by("pk"))
    expiries = services.next_expiries(customers, today=today)
    for customer in customers:
        expiry = expiries[customer.pk]
        if expiry is not None and today <= expiry.on <= until:
            called += _call(customer, expiry, today=today)
    return called


# --- one customer ----------------------------------------------------------------------------------------


def _value_rial(points: int) -> int:
    return points * services.point_value_rial()


def _call(customer: Customer, expiry: services.Expiry, *, today: datetime.date) -> bool:
    value = _value_rial(expiry.points)
    if value <= call_threshold_rial():
        return False
    _followup, created = followup_raise(
        customer=customer,
        reason=FollowUp.Reason.POINTS_EXPIRING,
        source_key=call_source_key(customer.pk, expiry.on),
        due_on=today,
        facts={"points": expiry.points, "expires_on": expiry.on.isoformat(), "value_rial": value},
    )
    return created


def warning_sentence(points: int, expires_on: datetime.date, *, today: datetime.date) -> str:
    """The warning: "1,200 points worth 600,000 Toman expire on 15 Jun 2026 (in 14 days)", in the active language."""
    days = (expires_on - today).days
    when = _("today") if days == 0 else ngettext("in %(n)s day", "in %(n)s days", days) % {"n": format_number(days)}
    sentence = ngettext(
        "%(points)s point worth %(value)s expires on %(day)s (%(when)s)",
        "%(points)s points worth %(value)s expire on %(day)s (%(when)s)",
        points,
    )
    return sentence % {
        "points": format_number(points),
        "value": format_money(_value_rial(points)),
        "day": format_date(expires_on),
        "when": when,
    }


def warning_render(customer: Customer, expiry: services.Expiry, *, today: datetime.date) -> dict:
    """The warning's subject, text and HTML, in the customer's language."""
    language = customer.preferred_language
    with translation.override(language):
        links = email_links(customer)
        context = {
            "customer": customer,
            "sentence": warning_sentence(expiry.points, expiry.on, today=today),
            "points": expiry.points,
            **links,
            **shop_branding(language=language, absolute=True),
        }
        subject = _("Your points expire on %(day)s") % {"day": format_date(expiry.on)}
        return {
            "subject": subject,
            "text": render_to_string("loyalty/email/expiry_warning.txt", context),
            "html": render_to_string("loyalty/email/expiry_warning.html", context),
            "headers": links["headers"],
        }


def _warn(customer: Customer, expiry: services.Expiry, *, today: datetime.date) -> bool:
    """One warning for this batch, unless the customer had one in the last week (the row is locked,
    so two workers at once cannot both write one)."""
    key = warning_key(customer.pk, expiry.on)
    since = today - datetime.timedelta(days=WARNING_GAP_DAYS)
    with transaction.atomic():
        locked = Customer.objects.select_for_update().filter(pk=customer.pk, email_opt_out=False).exclude(email="")
        if not locked.exists():
            return False
        sent = LoyaltyEmail.objects.filter(customer=customer, kind=LoyaltyEmail.Kind.EXPIRY_WARNING)
        if sent.filter(Q(key=key) | Q(sent_on__gt=since)).exists():
            return False
        try:
            with transaction.atomic():
                row = LoyaltyEmail.objects.create(
                    customer=customer, kind=LoyaltyEmail.Kind.EXPIRY_WARNING, key=key, sent_on=today
                )
        except IntegrityError:
            return False
        email = email_queue(key=f"loyalty:{key}", to=customer.email, **warning_render(customer, expiry, today=today))
        LoyaltyEmail.objects.filter(pk=row.pk).update(email=email)
    return True
