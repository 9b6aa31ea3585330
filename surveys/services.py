"""Survey rules: who may be asked, sending through the outbox, answers, and the closed loop.

A link's token is derived (HMAC with SECRET_KEY) from 128 random bits from ``secrets``;
only the salt and the token's SHA-256 are stored. A GET
of a link records at most a provisional score (mail scanners fetch every link); an
answer counts only when the answer page POSTs it.
"""

import datetime
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.links import absolute_url
from core.numbers import format_number
from core.phones import normalize_mobile
from customers.models import Customer
from customers.services import customer_opt_out_of_email, customer_record_nps, customer_save
from followups import services as followup_services
from followups.models import FollowUp
from followups.onboarding import SURVEY_STEP, onboarding_steps
from outbox.services import email_queue
from surveys import nps, selectors
from surveys.defaults import defaults_for
from surveys.models import ShopIdentity, Survey, SurveyInvitation, SurveyResponse, hash_token, token_for
from surveys.signals import survey_answered

SALT_BYTES = 16  # 128 bits


class InvalidLink(Exception):
    """No invitation has this token (random, tampered or forged)."""


class ExpiredLink(Exception):
    """The invitation exists but its answer window has closed."""


@dataclass
class SendReport:
    sent: list[Customer] = field(default_factory=list)
    skipped: list[tuple[Customer, str]] = field(default_factory=list)


def survey_for(kind: str) -> Survey:
    """A built-in survey (re-created with its default wording if someone deleted it)."""
    return Survey.objects.get_or_create(kind=kind, defaults=defaults_for(kind))[0]


def throttle_days() -> int:
    """A customer is asked at most once in this many days."""
    return settings.PEYGIR_SURVEY_THROTTLE_DAYS


def _throttle_start() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=throttle_days())


def skip_reason(customer: Customer, *, recently_invited: bool) -> str:
    """Why ``customer`` cannot be asked now, or "" when they can."""
    if customer.email_opt_out:
        return _("opted out of email")
    if not customer.email:
        return _("no email address")
    if recently_invited:
        return _("already asked in the last %(days)s days") % {"days": format_number(throttle_days())}
    return ""


def recently_invited_ids(customers: QuerySet[Customer]) -> set[int]:
    return set(
        SurveyInvitation.objects.filter(customer__in=customers, created_at__gte=_throttle_start()).values_list(
            "customer_id", flat=True
        )
    )


@transaction.atomic
def invitations_send(
    *,
    survey: Survey,
    customers: QuerySet[Customer],
    by: AbstractBaseUser | None = None,
    followup: FollowUp | None = None,
    occasion: str | None = None,
) -> SendReport:
    """Invite every eligible customer; say who was skipped and why.

    Customer rows are locked so two managers sending at once cannot both invite someone.
    """
    locked = list(customers.select_for_update(of=("self",)).order_by("pk"))  # lock first, then check
    recent = recently_invited_ids(Customer.objects.filter(pk__in=[customer.pk for customer in locked]))
    report = SendReport()
    for customer in locked:
        reason = skip_reason(customer, recently_invited=customer.pk in recent)
        if reason:
            report.skipped.append((customer, reason))
            continue
        _invite(survey=survey, customer=customer, by=by, followup=followup, occasion=occasion)
        report.sent.append(customer)
    return report


def _invite(*, survey: Survey, customer: Customer, by, followup, occasion=None) -> tuple[SurveyInvitation, str]:
    salt = secrets.token_hex(SALT_BYTES)
    token = token_for(salt)
    invitation = SurveyInvitation.objects.create(
        survey=survey,
        customer=customer,
        token_salt=salt,
        token_hash=hash_token(token),
        language=customer.preferred_language,
        expires_at=timezone.now() + datetime.timedelta(days=settings.PEYGIR_SURVEY_LINK_DAYS),
        followup=followup,
        occasion=occasion or (SurveyInvitation.Occasion.AFTER_CALL if followup else SurveyInvitation.Occasion.ASKED),
        sent_by=by if by and by.is_authenticated else None,
        sent_at=timezone.now(),
    )
    _queue_email(invitation, token, reminder=False)
    return invitation, token


def survey_links(token: str) -> dict:
    answer = absolute_url(reverse("survey_links:answer", args=[token]))
    return {
        "answer_url": answer,
        "score_urls": [(score, f"{answer}?score={score}") for score in nps.SCORES],
        "unsubscribe_url": absolute_url(reverse("survey_links:unsubscribe", args=[token])),
    }


def _queue_email(invitation: SurveyInvitation, token: str, *, reminder: bool) -> None:
    survey, customer = invitation.survey, invitation.customer
    links = survey_links(token)
    with translation.override(invitation.language):
        context = {
            "survey": survey,
            "customer": customer,
            "question": survey.text("nps_question", invitation.language),
            "intro": survey.text("intro", invitation.language),
            "reminder": reminder,
            **links,
            **selectors.shop_branding(language=invitation.language, absolute=True),
        }
        subject = survey.text("email_subject", invitation.language)
        if reminder:
            subject = _("Reminder: %(subject)s") % {"subject": subject}
        text = render_to_string("surveys/email/invitation.txt", context)
        html = render_to_string("surveys/email/invitation.html", context)
    email_queue(
        key=f"survey-{'reminder' if reminder else 'invitation'}-{invitation.pk}",
        to=customer.email,
        subject=subject,
        text=text,
        html=html,
        headers={
            "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def invitation_for_token(token: str, *, allow_expired: bool = False) -> SurveyInvitation:
    """The invitation a link opens (with its survey, customer and response, one query); raises
    InvalidLink or ExpiredLink. Reveals nothing else.

    ``allow_expired``: unsubscribing keeps working after the answer window has closed.
    """
    if not token or len(token) > 100:
        raise InvalidLink
    invitation = selectors.invitation_by_token_hash(hash_token(token))
    if invitation is None:
        raise InvalidLink
    if invitation.is_expired and not allow_expired:
        raise ExpiredLink
    return invitation


def invitation_opened(*, invitation: SurveyInvitation, score: int | None) -> None:
    """A GET of the link: note that it was opened and a provisional score; nothing counts yet.

    A hint, not an answer: its commit does not wait for the disk (``db_commit_unflushed``), so a
    mail scanner fetching eleven links costs no disk flush, and a crash loses at most the last
    fraction of a second of these notes.
    """
    updates = {}
    if invitation.opened_at is None:
        updates["opened_at"] = timezone.now()
    if score is not None and not hasattr(invitation, "response") and score != invitation.provisional_score:
        updates["provisional_score"] = score
    if updates:
        with transaction.atomic():
            db_commit_unflushed()
            SurveyInvitation.objects.filter(pk=invitation.pk).update(**updates)
        for name, value in updates.items():
            setattr(invitation, name, value)


def db_commit_unflushed() -> None:
    """This transaction's commit returns before its WAL reaches the disk (PostgreSQL's
    ``synchronous_commit = off``, for this transaction only); elsewhere nothing changes.
    https://www.postgresql.org/docs/current/wal-async-commit.html"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


ANSWER_FIELDS = (
    "score",
    "reason",
    "intent",
    "improvement_1",
    "improvement_2",
    "improvement_3",
    "would_refer",
    "referral_name",
    "referral_mobile",
)


@transaction.atomic
def response_submit(*, invitation: SurveyInvitation, answers: dict) -> SurveyResponse:
    """Create or update the invitation's one response, then close the loop (once per response).

    ``answers`` holds cleaned values; keys left out keep what the customer said before,
    so the page's automatic score POST never wipes a fuller answer. The invitation's row is
    locked and read again with its response (one query), so two posts at once store one answer.
    """
    locked = (
        SurveyInvitation.objects.select_for_update(of=("self",))
        .select_related("customer", "response")
        .get(pk=invitation.pk)
    )
    if locked.is_expired:
        raise ExpiredLink
    invitation.customer = locked.customer
    response = getattr(locked, "response", None) or SurveyResponse(invitation=invitation)
    response.survey, response.customer = invitation.survey, locked.customer
    for name in ANSWER_FIELDS:
        if name in answers:
            setattr(response, name, answers[name])
    if response.referral_mobile:
        response.referral_mobile = normalize_mobile(response.referral_mobile)
    response.category = SurveyResponse.category_for(response.score)
    # The survey and customer rows were just read; the score's range is checked by the field's
    # validators here and by the table's CHECK constraint: validating needs no query.
    response.full_clean(exclude=["invitation", "survey", "customer", "referral_customer"], validate_constraints=False)
    response.save()
    now = timezone.now()
    if locked.answered_at is None:
        SurveyInvitation.objects.filter(pk=invitation.pk).update(answered_at=now)
        invitation.answered_at = now
    invitation.response = response
    customer_record_nps(customer_id=invitation.customer_id, score=response.score, at=now)
    _close_the_loop(response)
    survey_answered.send(sender=SurveyResponse, response=response)
    return response


def detractor_source_key(response: SurveyResponse) -> str:
    return f"detractor:response:{response.pk}"


def referral_source_key(response: SurveyResponse) -> str:
    return f"referral:response:{response.pk}"


def _close_the_loop(response: SurveyResponse) -> None:
    """A detractor gets one call from their rep; a referral becomes a customer with a call to make.

    Both go through the follow-ups pipeline with a key per response, so answering again (the
    one-tap score, then the reason) never makes a second call; the pending call shows the latest.
    """
    customer = response.customer
    if response.category == SurveyResponse.Category.DETRACTOR:
        followup_services.followup_raise(
            customer=customer,
            reason=FollowUp.Reason.DETRACTOR,
            source_key=detractor_source_key(response),
            due_on=followup_services.working_days().next_after(timezone.localdate()),
            facts={"score": response.score, "comment": response.reason[:500]},
        )
    if response.referral_name and response.referral_mobile and response.referral_customer_id is None:
        response.referral_customer = _referred_customer(response)
        response.save(update_fields=["referral_customer"])


def _referred_customer(response: SurveyResponse) -> Customer:
    """The referred person as a new customer of the referrer's owner, with a call to make."""
    existing = Customer.objects.filter(mobile=response.referral_mobile).first()
    if existing:
        return existing
    referrer = response.customer
    customer = customer_save(
        customer=Customer(
            name=response.referral_name,
            mobile=response.referral_mobile,
            owner=referrer.owner,
            city=referrer.city,
            preferred_language=referrer.preferred_language,
            source=Customer.Source.REFERRAL,
            referred_by=referrer,
        )
    )
    followup_services.followup_raise(
        customer=customer,
        reason=FollowUp.Reason.REFERRAL,
        source_key=referral_source_key(response),
        due_on=timezone.localdate(),
        facts={"referrer_name": referrer.name, "referrer_id": referrer.pk},
    )
    return customer


def customer_unsubscribe(*, invitation: SurveyInvitation) -> None:
    customer_opt_out_of_email(customer_id=invitation.customer_id)


def reminders_send(*, today: datetime.date | None = None) -> int:
    """Once, N days after the invitation, on a working morning, to those who have not answered."""
    today = today or timezone.localdate()
    if not followup_services.working_days().is_working_day(today):
        return 0
    due_before = timezone.now() - datetime.timedelta(days=settings.PEYGIR_SURVEY_REMINDER_DAYS)
    invitations = (
        SurveyInvitation.objects.filter(
            sent_at__lte=due_before,
            answered_at__isnull=True,
            reminded_at__isnull=True,
            expires_at__gt=timezone.now(),
            customer__email_opt_out=False,
        )
        .exclude(Q(customer__email=""))
        .select_related("survey", "customer")
    )
    sent = 0
    for invitation in invitations:
        with transaction.atomic():
            claimed = SurveyInvitation.objects.filter(pk=invitation.pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            )
            if not claimed:
                continue
            _queue_email(invitation, token_for(invitation.token_salt), reminder=True)
            sent += 1
    return sent


def onboarding_surveys_send(*, today: datetime.date | None = None) -> int:
    """The relationship survey to each new customer on the onboarding's survey day, once per customer.

    On a working morning; a customer who cannot be asked (opted out, no email, surveyed lately)
    is skipped, and stays skipped once the day is more than two weeks behind. Returns how many
    were invited.
    """
    today = today or timezone.localdate()
    step = next((step for step in onboarding_steps() if step.name == SURVEY_STEP), None)
    if step is None or not followup_services.working_days().is_working_day(today):
        return 0
    latest = today - datetime.timedelta(days=step.days)
    due = Customer.objects.filter(
        first_purchase_on__lte=latest, first_purchase_on__gt=latest - datetime.timedelta(days=14)
    ).exclude(survey_invitations__occasion=SurveyInvitation.Occasion.ONBOARDING)
    if not due.exists():
        return 0
    report = invitations_send(
        survey=survey_for(Survey.Kind.RELATIONSHIP), customers=due, occasion=SurveyInvitation.Occasion.ONBOARDING
    )
    return len(report.sent)


# --- the shop's identity on public pages and emails -------------------------------------

LOGO_MAX_BYTES = 256 * 1024
# Sniffed from the first bytes, never taken from the file's name or the browser's word. SVG is
# refused: it is a script-capable document, not a picture, and mail apps do not show it.
LOGO_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


class BadLogo(ValueError):
    """The uploaded file is not a PNG or JPEG picture within LOGO_MAX_BYTES."""


def logo_type_of(data: bytes) -> str:
    """The logo's content type from its magic bytes; raises BadLogo for anything else."""
    if len(data) > LOGO_MAX_BYTES:
        raise BadLogo(
            _("The logo is too large: at most %(size)s KB.") % {"size": format_number(LOGO_MAX_BYTES // 1024)}
        )
    for signature, content_type in LOGO_SIGNATURES.items():
        if data.startswith(signature):
            return content_type
    raise BadLogo(_("The logo must be a PNG or JPEG picture (email apps do not show SVG)."))


@transaction.atomic
def shop_identity_update(*, name_fa: str, name_en: str, logo: bytes | None = None, remove_logo: bool = False):
    """Save the shop's names; ``logo`` (raw bytes) replaces the logo, ``remove_logo`` drops it."""
    identity = ShopIdentity.objects.select_for_update().filter(pk=1).first() or ShopIdentity(pk=1)
    identity.name_fa, identity.name_en = name_fa.strip(), name_en.strip()
    if logo:
        identity.logo_type = logo_type_of(logo)
        identity.logo = logo
    elif remove_logo:
        identity.logo, identity.logo_type = b"", ""
    identity.full_clean()
    identity.save()
    return identity
