from django.dispatch import receiver

from customers.signals import customer_reassigned
from followups import services


@receiver(customer_reassigned)
def move_followups_to_new_owner(sender, customer, **kwargs):
    services.followups_move_to_owner(customer=customer)
