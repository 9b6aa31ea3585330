from django.dispatch import Signal

# Sent by customers.services.customer_reassign with ``customer`` (its new owner already set).
customer_reassigned = Signal()

# Sent by customers.services.customers_hand_over with ``customer_ids`` and their new ``owner``, once
# per chunk of a bulk move (a colleague who left): the same news as ``customer_reassigned``, set-based.
customers_reassigned_many = Signal()

# Sent by customers.services after the nightly rhythm refresh of every customer, with ``as_of``:
# whoever acts on silent customers (follow-ups raise win-back calls) reads them now.
customers_rhythm_refreshed = Signal()

# Sent by customers.services with ``purchases``: (customer_id, purchased_on) of new purchases, once a
# batch is saved and the figures are current; a purchase ends a silence (win-back calls close).
customers_bought = Signal()

# Sent by customers.services with ``purchases`` (a list) after edited purchases are saved (one, or an
# import's corrected batch), and with ``purchase`` just before one is deleted (a return): what was
# earned on them is settled then.
purchases_changed = Signal()
purchase_removed = Signal()
