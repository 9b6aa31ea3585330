from django.dispatch import receiver

from accounts.signals import member_leaving
from customers.signals import (
    customer_reassigned,
    customers_bought,
    customers_reassigned_many,
    customers_rhythm_refreshed,
)
from followups import services, win_backs


@receiver(customer_reassigned)
def move_followups_to_new_owner(sender, customer, **kwargs):
    services.followups_move_to_owner(customer=customer)


@receiver(customers_reassigned_many)
def move_followups_of_many_to_new_owner(sender, customer_ids, owner, **kwargs):
    services.followups_move_to_owner_many(customer_ids=customer_ids, owner=owner)


@receiver(member_leaving)
def hand_over_followups(sender, member, successor, **kwargs):
    services.followups_hand_over(from_assignee=member, to_assignee=successor)


@receiver(customers_rhythm_refreshed)
def raise_win_backs(sender, as_of, **kwargs):
    win_backs.win_backs_raise(as_of=as_of)


@receiver(customers_bought)
def end_silences(sender, purchases, **kwargs):
    win_backs.win_backs_end_on_purchase(purchases=purchases)
