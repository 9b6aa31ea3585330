from django.dispatch import Signal

# Sent by customers.services.customer_reassign with ``customer`` (its new owner already set).
customer_reassigned = Signal()
