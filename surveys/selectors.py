"""Reads for the survey page, the CSV export and the timeline."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.links import absolute_url
from customers.models import Segment
from surveys.models import ShopIdentity, SurveyInvitation, SurveyResponse


@dataclass(frozen=True)
class NpsSummary:
    responses: int
    promoters: int
    passives: int
    detractors: int
    invitations: int
    answered: int

    def _percent(self, part: int, whole: int) -> float:
        return round(100 * part / whole, 1) if whole else 0.0

    @property
    def score(self) -> int | None:
        """NPS = % promoters - % detractors, from -100 to 100; None without responses."""
        if not self.responses:
            return None
        return round(100 * (self.promoters - self.detractors) / self.responses)

    @property
    def promoter_percent(self) -> float:
        return self._percent(self.promoters, self.responses)

    @property
    def passive_percent(self) -> float:
        return self._percent(self.passives, self.responses)

    @property
    def detractor_percent(self) -> float:
        return self._percent(self.detractors, self.responses)

    @property
    def response_rate(self) -> float:
        return self._percent(self.answered, self.invitations)


def _scoped(queryset: QuerySet, customer_path: str, *, segment, rep) -> QuerySet:
    if segment:
        queryset = queryset.filter(**{f"{customer_path}__segment": segment})
    if rep:
        queryset = queryset.filter(**{f"{customer_path}__owner": rep})
    return queryset


def responses_filtered(
    *,
    segment: Segment | None = None,
    rep=None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> QuerySet[SurveyResponse]:
    """Confirmed responses answered in [start, end), newest first."""
    responses = _scoped(SurveyResponse.objects.all(), "customer", segment=segment, rep=rep)
    if start:
        responses = responses.filter(answered_at__date__gte=start)
    if end:
        responses = responses.filter(answered_at__date__lt=end)
    return responses.select_related("customer", "customer__owner", "survey").order_by("-answered_at")


def nps_summary(*, segment=None, rep=None, start=None, end=None) -> NpsSummary:
    """Two aggregate queries: responses by category, and invitations sent vs answered."""
    responses = responses_filtered(segment=segment, rep=rep, start=start, end=end).order_by()
    counts = responses.aggregate(
        total=Count("pk"),
        promoters=Count("pk", filter=Q(category=SurveyResponse.Category.PROMOTER)),
        passives=Count("pk", filter=Q(category=SurveyResponse.Category.PASSIVE)),
        detractors=Count("pk", filter=Q(category=SurveyResponse.Category.DETRACTOR)),
    )
    invitations = _scoped(SurveyInvitation.objects.filter(sent_at__isnull=False), "customer", segment=segment, rep=rep)
    if start:
        invitations = invitations.filter(sent_at__date__gte=start)
    if end:
        invitations = invitations.filter(sent_at__date__lt=end)
    sent = invitations.aggregate(total=Count("pk"), answered=Count("pk", filter=Q(response__isnull=False)))
    return NpsSummary(
        responses=counts["total"],
        promoters=counts["promoters"],
        passives=counts["passives"],
        detractors=counts["detractors"],
        invitations=sent["total"],
        answered=sent["answered"],
    )


def invitation_by_token_hash(token_hash: str) -> SurveyInvitation | None:
    """The invitation a link opens with what its page shows, in one query: its survey and response,
    and when the shop's identity last changed (``shop_changed_at``, for shop_branding). The
    customer is read when answering (surveys.services.response_submit), under the row's lock."""
    changed = ShopIdentity.objects.filter(pk=1).values("updated_at")
    invitations = SurveyInvitation.objects.select_related("survey", "response").annotate(
        shop_changed_at=Subquery(changed)
    )
    try:
        return invitations.order_by().get(token_hash=token_hash)
    except SurveyInvitation.DoesNotExist:
        return None


def shop_identity() -> ShopIdentity:
    """The shop's one identity row, or an unsaved empty one until a manager saves it."""
    return ShopIdentity.objects.filter(pk=1).first() or ShopIdentity(pk=1)


def shop_name(identity: ShopIdentity, language: str) -> str:
    """The name in ``language``, else in the other language, else PEYGIR_SHOP_NAME, else "Peygir"."""
    own, other = (identity.name_en, identity.name_fa) if language == "en" else (identity.name_fa, identity.name_en)
    if own or other:
        return own or other
    with translation.override(language):
        return settings.PEYGIR_SHOP_NAME or _("Peygir")


@dataclass(frozen=True)
class _Shown:
    """What the pages show of the shop's identity, without the logo's bytes."""

    changed_at: datetime.datetime | None
    name_fa: str
    name_en: str
    logo_version: str


_last_shown: _Shown | None = None  # this process's copy, valid while the row's updated_at is the same

_UNREAD = object()


def _shown(changed_at) -> _Shown:
    """The identity as saved at ``changed_at`` (None: never saved): a page whose main query read
    that time needs no query of its own, nor a hash of the logo, until a manager saves again."""
    if changed_at is None:
        return _Shown(None, "", "", "")
    if _last_shown is not None and _last_shown.changed_at == changed_at:
        return _last_shown
    return _shown_of(shop_identity())


def _shown_of(identity: ShopIdentity) -> _Shown:
    global _last_shown
    if identity.updated_at is None:
        return _Shown(None, identity.name_fa, identity.name_en, identity.logo_version)
    if _last_shown is None or _last_shown.changed_at != identity.updated_at:
        _last_shown = _Shown(identity.updated_at, identity.name_fa, identity.name_en, identity.logo_version)
    return _last_shown


def shop_branding(*, language: str, absolute: bool = False, changed_at=_UNREAD) -> dict:
    """What the public pages and survey emails show at the top: the name and the logo's address.

    Emails need ``absolute`` addresses (PEYGIR_SITE_URL); pages use the path. ``changed_at``: the
    identity's ``updated_at`` as a page's own query read it (``shop_changed_at``).
    """
    shown = _shown_of(shop_identity()) if changed_at is _UNREAD else _shown(changed_at)
    logo_url = ""
    if shown.logo_version:
        logo_url = reverse("survey_links:shop_logo", args=[shown.logo_version])
        if absolute:
            logo_url = absolute_url(logo_url)
    names = ShopIdentity(name_fa=shown.name_fa, name_en=shown.name_en)
    return {"shop_name": shop_name(names, language), "shop_logo_url": logo_url}
