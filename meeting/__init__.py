"""The project: settings, addresses, and the Celery application, loaded with Django so that
``shared_task`` tasks use it."""

from .celery import app as celery_app

__all__ = ["celery_app"]
