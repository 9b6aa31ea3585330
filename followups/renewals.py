"""Renewals: a call before each contract term ends, raised once per term through the pipeline.

``PEYGIR_RENEWAL_NOTICE_DAYS`` (30) before a term's end its owner gets a renewal call carrying the
term's renewal offer; a term followed by a later one needs no call. Entering the next term (a new
contract row) raises the next call, once, when its time comes.
"""

import datetime

from django.db.models import Exists, OuterRef

from customers.models import Contract
from customers.selectors import renewal_notice_days
from followups.models import FollowUp
from followups.services import RaisedCall, followups_raise_many, horizon_for


def source_key(contract: Contract) -> str:
    return f"renewal:contract:{contract.pk}:ends:{contract.ends_on.isoformat()}"


def renewals_raise(*, today: datetime.date) -> int:
    """A renewal call for each current term ending within the notice (and the horizon ahead)."""
    notice = datetime.timedelta(days=renewal_notice_days())
    later_term = Contract.objects.filter(customer=OuterRef("customer"), ends_on__gt=OuterRef("ends_on"))
    contracts = (
        Contract.objects.filter(ends_on__gte=today, ends_on__lte=horizon_for(today) + notice)
        .exclude(Exists(later_term))
        .select_related("customer")
    )
    return followups_raise_many(
        RaisedCall(
            customer_id=contract.customer_id,
            assignee_id=contract.customer.owner_id,
            reason=FollowUp.Reason.RENEWAL,
            source_key=source_key(contract),
            due_on=max(today, contract.ends_on - notice),
            facts={"ends_on": contract.ends_on.isoformat(), "contract": contract.pk},
            purpose=contract.offer,
        )
        for contract in contracts.iterator(chunk_size=2000)
    )
