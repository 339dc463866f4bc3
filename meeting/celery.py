"""The Celery application: the task queue that sends bulk email (``panels.tasks``).

Its configuration is Django's settings whose names start with ``CELERY_`` (the block "Task
queue (Celery)" in ``meeting/settings.py``). A worker runs with
``celery -A meeting worker -l info``, the schedule (reminders) with ``celery -A meeting beat``.
Without a broker configured, tasks run in the process that queues them.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meeting.settings")

app = Celery("meeting")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
