"""The audit trail's entry for a manager's points adjustment (written by ``loyalty.services.points_adjust``).

Points entries are not signal-tracked: they are written by the hundred thousand, set-based, and
only a person's adjustment is a change a manager looks for.
"""

from auditlog.models import LogEntry
from django.utils.translation import gettext_lazy as _

from audit.registry import Change, Fact, track, track_export
from loyalty.models import PointsEntry, Redemption, Reward


def register() -> None:
    track(
        PointsEntry,
        signals=False,
        facts={"points": Fact(_("Points")), "note": Fact(_("Reason"))},
        changes=[
            Change(
                "points_adjusted",
                _("Points adjusted"),
                _("%(who)s adjusted the points of %(customer)s by %(new)s"),
                LogEntry.Action.CREATE,
                field="points",
            )
        ],
    )
    track(
        Redemption,
        signals=False,
        facts={
            "reward": Fact(_("Reward"), model=Reward),
            "points": Fact(_("Points")),
            "status": Fact(_("Status"), choices=dict(Redemption.Status.choices)),
        },
        changes=[
            Change(
                "points_redeemed",
                _("Points redeemed"),
                _("%(who)s redeemed %(new)s points of %(customer)s"),
                LogEntry.Action.CREATE,
                field="points",
            ),
            Change(
                "redemption_cancelled",
                _("Redemption cancelled"),
                _("%(who)s cancelled a redemption of %(customer)s"),
                LogEntry.Action.UPDATE,
                field="status",
            ),
        ],
    )
    track_export(key="loyalty_months", label=_("the loyalty points by month"), model=PointsEntry)
