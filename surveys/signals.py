from django.dispatch import Signal

# Sent by surveys.services.response_submit with ``response`` once an answer is saved (the first
# time and after each change): loyalty gives its bonus, once per answer.
survey_answered = Signal()
