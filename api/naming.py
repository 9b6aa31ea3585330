"""Which customer each purchase a program sends is for: by id, or by the keys the shop knows.

One rule with the imports and the shop's webhook (``customers.matching``: the customer ID, then
the phone, then the email), and the pages' role rule: a rep names only their own customers; any
other customer is "no such customer", whether or not it exists.
"""

from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from customers.matching import AMBIGUOUS, CustomerKeys, customers_matching
from customers.models import Customer


def customers_named(
    items: Sequence[dict], *, user: AbstractBaseUser
) -> tuple[list[int | None], dict[int, dict[str, list[str]]]]:
    """For validated purchase items: each one's customer id (None where it has an error), and
    the errors by item index. A few queries for the whole batch, none per item."""
    by_id = [item.get("customer") for item in items]
    keys = [
        CustomerKeys(
            reference=item.get("customer_reference", ""),
            phone=item.get("customer_phone", ""),
            email=item.get("customer_email", ""),
        )
        for item in items
    ]
    wanted_keys = [index for index, key in enumerate(keys) if by_id[index] is None and key]
    matches = dict(zip(wanted_keys, customers_matching([keys[index] for index in wanted_keys]), strict=True))
    candidates = {pk for pk in by_id if pk} | {match.pk for match in matches.values() if match}
    visible = set(Customer.objects.visible_to(user).filter(pk__in=candidates).values_list("pk", flat=True))

    found: list[int | None] = []
    errors: dict[int, dict[str, list[str]]] = {}
    for index in range(len(items)):
        if by_id[index] is not None:
            pk = by_id[index] if by_id[index] in visible else None
            if pk is None:
                errors[index] = {"customer": [_("No customer has this id.")]}
        else:
            match = matches.get(index)
            pk = match.pk if match and match.pk in visible else None
            if match is AMBIGUOUS:
                message = _("Several customers have this email: name the customer by their id, customer ID or phone.")
                errors[index] = {"customer_email": [message]}
            elif pk is None:
                errors[index] = {"customer": [_("No customer has this customer ID, phone or email.")]}
        found.append(pk)
    return found, errors
