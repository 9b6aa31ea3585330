"""The Celery app: Redis in production, in-process (eager) in the embedded default.

Tasks are discovered in each app's tasks.py; the beat schedule lives in settings.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "retention_crm.settings")

app = Celery("retention_crm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
