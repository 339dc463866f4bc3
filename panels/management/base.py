"""What the app's management commands share."""

from django.core.management.base import BaseCommand

from ..services.history import by_command


class RecordedCommand(BaseCommand):
    """A command whose changes are recorded in history as made by it ("command
    send_reminders"; ``services.history.by_command``), named by its module."""

    def execute(self, *args, **options):
        with by_command(self.__module__.rpartition(".")[2]):
            return super().execute(*args, **options)
