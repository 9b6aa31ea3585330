from django.dispatch import Signal

# Sent by accounts.services.member_deactivate with ``member``, ``successor`` and ``by``, inside its
# transaction and before the member is switched off: whoever gives work to people (customers' owner,
# open calls and plans) hands the member's to the successor now; a failure undoes the deactivation.
member_leaving = Signal()
