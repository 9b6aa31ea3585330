"""What the audit trail says of API tokens (``audit.registry``): who made one for whom, who revoked it.

Tokens change only through ``api.services``, which write these entries themselves; the time a
token was last used is not a change anyone looks for.
"""

from auditlog.models import LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _

from audit.registry import CUSTOMER_KEY, Change, Fact, Shown, track

Action = LogEntry.Action


def register() -> None:
    from api.models import ApiToken

    track(
        ApiToken,
        signals=False,
        facts={
            "name": Fact(_("Name"), names_record=True),
            "user": Fact(_("Acts as"), Shown.PERSON),
            "revoked": Fact(_("Token"), names_record=True),
        },
        changes=[
            Change(
                "api_token_created",
                _("API token created"),
                _("%(who)s created the API token %(new)s"),
                Action.CREATE,
                field="name",
            ),
            Change(
                "api_token_revoked",
                _("API token revoked"),
                _("%(who)s revoked the API token %(new)s"),
                Action.UPDATE,
                field="revoked",
            ),
        ],
    )


def token_revoked_recorded(*, token, by: AbstractBaseUser) -> LogEntry:
    """The revocation, by ``by``, naming the token (its name is what the manager knows it by)."""
    return LogEntry.objects.log_create(
        token,
        action=Action.UPDATE,
        actor=by,
        changes={"revoked": ["", token.name]},
        additional_data={CUSTOMER_KEY: None},
    )
