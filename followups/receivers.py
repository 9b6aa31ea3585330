from django.dispatch import receiver

from customers.signals import customer_reassigned, customers_bought, customers_rhythm_refreshed
from followups import services, win_backs


@receiver(customer_reassigned)
def move_followups_to_new_owner(sender, customer, **kwargs):
    services.followups_move_to_owner(customer=customer)


@receiver(customers_rhythm_refreshed)
def raise_win_backs(sender, as_of, **kwargs):
    win_backs.win_backs_raise(as_of=as_of)


@receiver(customers_bought)
def end_silences(sender, purchases, **kwargs):
    win_backs.win_backs_end_on_purchase(purchases=purchases)
