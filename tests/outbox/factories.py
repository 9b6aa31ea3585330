"""Outbox factories: an email row in any state, as the outbox service leaves it."""

import datetime

import factory
from django.utils import timezone

from outbox.models import OutgoingEmail


class OutgoingEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutgoingEmail

    key = factory.Sequence(lambda n: f"test-email-{n}")
    to = factory.Sequence(lambda n: f"someone{n}@example.com")
    subject = factory.Sequence(lambda n: f"موضوع {n}")
    text_body = "متن ساده"
    html_body = '<html dir="rtl"><body><p>متن</p></body></html>'
    status = OutgoingEmail.Status.PENDING
    message_id = factory.Sequence(lambda n: f"<peygir.test.{n}@peygir.example>")
    retry_until = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(hours=48))
