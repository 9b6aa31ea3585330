"""The audit trail's entry for a call a manager gives to another rep (written by ``followup_reassign``).

Calls are not signal-tracked: they are saved at every outcome and raised by the thousand, and
only a manager's reassignment matters; a call that follows its customer's new owner is the
customer's own entry.
"""

from auditlog.models import LogEntry
from django.utils.translation import gettext_lazy as _

from audit.registry import Change, Fact, Shown, track
from followups.models import FollowUp


def register() -> None:
    track(
        FollowUp,
        signals=False,
        facts={"assignee": Fact(_("Assignee"), Shown.PERSON)},
        changes=[
            Change(
                "call_reassigned",
                _("Call reassigned"),
                _("%(who)s gave the call with %(customer)s from %(old)s to %(new)s"),
                LogEntry.Action.UPDATE,
                field="assignee",
            )
        ],
    )
