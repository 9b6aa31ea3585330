from django.dispatch import Signal

# Sent by followups.services.followup_complete with ``followup`` (done, outcome set) and ``by``.
followup_completed = Signal()
