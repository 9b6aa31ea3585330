import base64
import hashlib

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from surveys import nps


def hash_token(token: str) -> str:
    """Invitations store only this (for lookup), so a leaked database holds no working link."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_for(salt: str) -> str:
    """The link token: an HMAC (keyed by SECRET_KEY) of the invitation's random 128-bit salt.

    Without SECRET_KEY the stored salt and hash give nothing away; with it the same
    token can be written again into the reminder email.
    """
    digest = salted_hmac("peygir.survey-link", salt, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


class Survey(models.Model):
    """One of the two built-in surveys; managers edit the wording per language and switch questions."""

    class Kind(models.TextChoices):
        RELATIONSHIP = "relationship", _("Relationship survey")
        POST_CONTACT = "post_contact", _("After a call")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, unique=True)
    ask_reason = models.BooleanField(_("ask the reason for the score"), default=True)
    ask_intent = models.BooleanField(_("ask about buying again"), default=True)
    ask_improvements = models.BooleanField(_("ask what to improve"), default=True)
    ask_referral = models.BooleanField(_("ask for a referral"), default=True)
    # Calls closed with one of these outcomes send this survey by themselves (post-contact only).
    auto_send_outcomes = models.JSONField(_("send automatically after calls with outcome"), default=list, blank=True)

    email_subject_fa = models.CharField(_("email subject (Persian)"), max_length=200)
    email_subject_en = models.CharField(_("email subject (English)"), max_length=200)
    intro_fa = models.TextField(_("introduction (Persian)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    nps_question_fa = models.CharField(_("score question (Persian)"), max_length=300)
    nps_question_en = models.CharField(_("score question (English)"), max_length=300)
    reason_question_fa = models.CharField(_("reason question (Persian)"), max_length=300)
    reason_question_en = models.CharField(_("reason question (English)"), max_length=300)
    intent_question_fa = models.CharField(_("buy-again question (Persian)"), max_length=300)
    intent_question_en = models.CharField(_("buy-again question (English)"), max_length=300)
    improvements_question_fa = models.CharField(_("improvements question (Persian)"), max_length=300)
    improvements_question_en = models.CharField(_("improvements question (English)"), max_length=300)
    referral_question_fa = models.CharField(_("referral question (Persian)"), max_length=300)
    referral_question_en = models.CharField(_("referral question (English)"), max_length=300)
    thanks_fa = models.CharField(_("thank-you line (Persian)"), max_length=300)
    thanks_en = models.CharField(_("thank-you line (English)"), max_length=300)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self):
        return str(self.get_kind_display())

    def text(self, name: str, language: str) -> str:
        """A wording in ``language`` (fa or en), e.g. ``survey.text("nps_question", "fa")``."""
        return getattr(self, f"{name}_{'en' if language == 'en' else 'fa'}")


class SurveyInvitation(models.Model):
    """One emailed link for one customer; the token itself is never stored."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="invitations")
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="survey_invitations"
    )
    token_salt = models.CharField(max_length=32, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    language = models.CharField(_("language"), max_length=2, default="fa")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    # The score of a tapped email link, before the page confirmed it: never counted.
    provisional_score = models.PositiveSmallIntegerField(null=True, blank=True)
    class Occasion(models.TextChoices):
        ASKED = "asked", _("Sent by a colleague")
        AFTER_CALL = "after_call", _("After a call")
        ONBOARDING = "onboarding", _("A new customer's first month")

    occasion = models.CharField(_("occasion"), max_length=12, choices=Occasion.choices, default=Occasion.ASKED)
    followup = models.ForeignKey(
        "followups.FollowUp", on_delete=models.SET_NULL, null=True, blank=True, related_name="survey_invitations"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        indexes = [models.Index(fields=["customer", "-created_at"]), models.Index(fields=["sent_at", "answered_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(occasion="onboarding"),
                name="one_onboarding_survey_per_customer",
            )
        ]

    def __str__(self):
        return f"{self.survey} · {self.customer}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


class SurveyResponse(models.Model):
    """A customer's confirmed answer: one per invitation, edited in place until the link expires."""

    class Category(models.TextChoices):
        PROMOTER = nps.PROMOTER, _("Promoter")
        PASSIVE = nps.PASSIVE, _("Passive")
        DETRACTOR = nps.DETRACTOR, _("Detractor")

    class Intent(models.TextChoices):
        YES = "yes", _("Yes")
        MAYBE = "maybe", _("Maybe")
        NO = "no", _("No")

    invitation = models.OneToOneField(SurveyInvitation, on_delete=models.CASCADE, related_name="response")
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="survey_responses")
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(nps.LOWEST), MaxValueValidator(nps.HIGHEST)]
    )
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    intent = models.CharField(_("would buy again"), max_length=5, choices=Intent.choices, blank=True)
    improvement_1 = models.CharField(_("improvement 1"), max_length=200, blank=True)
    improvement_2 = models.CharField(_("improvement 2"), max_length=200, blank=True)
    improvement_3 = models.CharField(_("improvement 3"), max_length=200, blank=True)
    would_refer = models.CharField(_("would refer someone"), max_length=5, choices=Intent.choices, blank=True)
    referral_name = models.CharField(_("referral name"), max_length=200, blank=True)
    referral_mobile = models.CharField(_("referral mobile"), max_length=11, blank=True)
    answered_at = models.DateTimeField(_("answered"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The referred person, once per response (a detractor's call is found by its source key).
    referral_customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="referred_by_responses"
    )

    class Meta:
        ordering = ["-answered_at"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=nps.LOWEST, score__lte=nps.HIGHEST), name="survey_score_0_to_10"
            )
        ]
        indexes = [models.Index(fields=["answered_at"]), models.Index(fields=["customer", "-answered_at"])]

    def __str__(self):
        return f"{self.customer} · {self.score}"

    @property
    def improvements(self) -> list[str]:
        return [text for text in (self.improvement_1, self.improvement_2, self.improvement_3) if text]

    @staticmethod
    def category_for(score: int) -> str:
        return SurveyResponse.Category(nps.category_for(score))


class ShopIdentity(models.Model):
    """Who is asking: the shop's name and logo on the public survey pages and in survey emails.

    One row (pk 1). The logo's bytes live here, not on a disk: the web and worker containers
    share no media volume, and a few hundred KB travel with the database's backups.
    """

    name_fa = models.CharField(_("shop name (Persian)"), max_length=100, blank=True)
    name_en = models.CharField(_("shop name (English)"), max_length=100, blank=True)
    logo = models.BinaryField(_("logo"), blank=True, default=b"", editable=False)
    logo_type = models.CharField(max_length=20, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("shop identity")
        verbose_name_plural = _("shop identity")

    def __str__(self):
        return self.name_fa or self.name_en or "-"

    @property
    def logo_version(self) -> str:
        """Part of the logo's address, so a new logo is never hidden by a cached old one."""
        return hashlib.sha256(bytes(self.logo)).hexdigest()[:16] if self.logo else ""
