"""WSGI entry point: ``meeting.wsgi.application``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meeting.settings")

application = get_wsgi_application()
