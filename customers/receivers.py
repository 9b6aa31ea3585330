from django.dispatch import receiver

from accounts.signals import member_leaving
from customers import services


@receiver(member_leaving)
def hand_over_customers(sender, member, successor, by, **kwargs):
    services.customers_hand_over(from_owner=member, to_owner=successor, by=by)
