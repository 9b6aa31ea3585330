"""What the audit trail records of customers and purchases, and how each entry reads (``audit.registry``).

Only the fields that matter are tracked: a customer's name and owner (a deleted customer stays
identifiable), a purchase's amount and date. The figures the services recalculate are not.
"""

from auditlog.models import LogEntry
from django.utils.translation import gettext_lazy as _

from audit.registry import Change, Fact, Shown, track, track_export
from customers.models import Customer, Purchase, Segment

Action = LogEntry.Action


def register() -> None:
    track(
        Customer,
        is_customer=True,
        facts={"name": Fact(_("Name"), names_record=True), "owner": Fact(_("Owner"), Shown.PERSON)},
        changes=[
            Change(
                "owner_reassigned",
                _("Owner reassigned"),
                _("%(who)s moved %(customer)s from %(old)s to %(new)s"),
                Action.UPDATE,
                field="owner",
            ),
            Change(
                "customer_renamed",
                _("Customer renamed"),
                _("%(who)s renamed the customer %(old)s to %(new)s"),
                Action.UPDATE,
                field="name",
            ),
            Change("customer_added", _("Customer added"), _("%(who)s added the customer %(customer)s"), Action.CREATE),
            Change(
                "customer_deleted", _("Customer deleted"), _("%(who)s deleted the customer %(customer)s"), Action.DELETE
            ),
        ],
    )
    track(
        Purchase,
        facts={"amount": Fact(_("Amount"), Shown.MONEY), "purchased_on": Fact(_("Date"), Shown.DATE)},
        changes=[
            Change(
                "purchase_added", _("Purchase added"), _("%(who)s added a purchase for %(customer)s"), Action.CREATE
            ),
            Change(
                "purchase_edited", _("Purchase edited"), _("%(who)s edited a purchase of %(customer)s"), Action.UPDATE
            ),
            Change(
                "purchase_deleted",
                _("Purchase deleted"),
                _("%(who)s deleted a purchase of %(customer)s"),
                Action.DELETE,
            ),
        ],
    )
    from customers.forms import CustomerFilterForm  # the forms read the models: loaded once apps are ready

    filters = {
        "search": Fact(_("Search")),
        "owner_id": Fact(_("Owner"), Shown.PERSON),
        "segment_id": Fact(_("Segment"), model=Segment),
        "sort": Fact(_("Sort by"), choices=dict(CustomerFilterForm.base_fields["sort"].choices)),
    }
    track_export(key="customers", label=_("the customer list"), model=Customer, filters=filters)
    track_export(key="at_risk", label=_("the at-risk list"), model=Customer, filters=filters)
