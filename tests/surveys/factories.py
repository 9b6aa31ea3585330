"""Survey factories and helpers: invitations with a known token, responses, emailed links.

``InvitationFactory`` writes the row the way ``surveys.services`` does (salt and hash only);
``token_of(invitation)`` gives its link token back. ``send_survey`` goes through the real
service and reads the token out of the queued email, like the customer's mail client would.
"""

import datetime
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

import factory
from django.conf import settings
from django.utils import timezone

from customers.models import Customer
from outbox.models import OutgoingEmail
from surveys import services
from surveys.models import Survey, SurveyInvitation, SurveyResponse, hash_token, token_for
from tests.factories import CustomerFactory

_LINK = re.compile(r"https?://[^/\s\"]+/s/(?P<token>[^/\s\"?]+)/(?:\?score=(?P<score>\d+))?")


class SurveyCustomerFactory(CustomerFactory):
    """A customer who can be surveyed: has an email, prefers Persian."""

    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    preferred_language = "fa"


def token_of(invitation: SurveyInvitation) -> str:
    return token_for(invitation.token_salt)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyInvitation

    survey = factory.LazyFunction(lambda: services.survey_for(Survey.Kind.RELATIONSHIP))
    customer = factory.SubFactory(SurveyCustomerFactory)
    token_salt = factory.LazyFunction(lambda: secrets.token_hex(16))
    token_hash = factory.LazyAttribute(lambda invitation: hash_token(token_for(invitation.token_salt)))
    language = factory.LazyAttribute(lambda invitation: invitation.customer.preferred_language)
    sent_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(
        lambda: timezone.now() + datetime.timedelta(days=settings.PEYGIR_SURVEY_LINK_DAYS)
    )


class SurveyResponseFactory(factory.django.DjangoModelFactory):
    """A confirmed answer written directly (no closed loop): for results and timeline figures."""

    class Meta:
        model = SurveyResponse
        skip_postgeneration_save = True

    invitation = factory.SubFactory(InvitationFactory)
    survey = factory.LazyAttribute(lambda response: response.invitation.survey)
    customer = factory.LazyAttribute(lambda response: response.invitation.customer)
    score = 9
    category = factory.LazyAttribute(lambda response: SurveyResponse.category_for(response.score))
    reason = ""

    @factory.post_generation
    def mark_answered(obj, create, extracted, **kwargs):
        if create:
            SurveyInvitation.objects.filter(pk=obj.invitation_id).update(answered_at=obj.answered_at)


@dataclass
class SentSurvey:
    invitation: SurveyInvitation
    token: str
    email: OutgoingEmail

    @property
    def path(self) -> str:
        """The answer page's path, as the test client wants it."""
        return f"/s/{self.token}/"

    def score_path(self, score: int) -> str:
        return f"{self.path}?score={score}"

    @property
    def unsubscribe_path(self) -> str:
        return f"{self.path}unsubscribe/"


def email_links(body: str) -> list[tuple[str, str | None]]:
    """(token, score) of every survey link in an email body, in order."""
    return [(match["token"], match["score"]) for match in _LINK.finditer(body)]


def score_urls(body: str) -> list[str]:
    """The score links of an email body as path?query (what a mail scanner would fetch)."""
    urls = []
    for match in _LINK.finditer(body):
        if match["score"] is not None:
            parts = urlsplit(match.group(0))
            urls.append(f"{parts.path}?{parts.query}")
    return urls


def send_survey(customer: Customer, *, kind: str = Survey.Kind.RELATIONSHIP, by=None) -> SentSurvey:
    """Invite ``customer`` through the service; the token comes from the queued email."""
    report = services.invitations_send(
        survey=services.survey_for(kind), customers=Customer.objects.filter(pk=customer.pk), by=by
    )
    assert report.sent == [customer], report.skipped
    invitation = SurveyInvitation.objects.filter(customer=customer).latest("created_at")
    email = OutgoingEmail.objects.get(key=f"survey-invitation-{invitation.pk}")
    token = email_links(email.text_body)[0][0]
    return SentSurvey(invitation=invitation, token=token, email=email)


def tiny_png(width: int = 48, height: int = 24, rgb: tuple[int, int, int] = (13, 110, 253)) -> bytes:
    """A real, solid-colour PNG (built by hand: the project has no imaging library)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\0" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body
