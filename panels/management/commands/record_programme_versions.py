"""``manage.py record_programme_versions``: record a version of each public meeting's
programme that differs from its latest one (``services.record_programme_version``).

Versions are recorded by themselves whenever a programme changes; run this once after
deploying the changelog, so that the programmes published before it get their first version,
or after changing rows outside the app (a database console). Running it again records
nothing new.
"""

from django.core.management.base import BaseCommand

from panels import services
from panels.models import Meeting


class Command(BaseCommand):
    help = (
        "Record a new version of each public meeting's programme that differs from its latest "
        "recorded version (the first version of a programme published before the changelog)."
    )

    def handle(self, *args, **options):
        for meeting in Meeting.objects.public().order_by("pk"):
            result = services.record_programme_version(meeting)
            if result.recorded:
                self.stdout.write(f"{meeting.slug}: version {result.version.number} recorded.")
            elif not meeting.has_valid_time_zone():
                self.stdout.write(
                    f"{meeting.slug}: nothing recorded: its time zone ({meeting.time_zone!r}) "
                    "is not a valid IANA name; correct it on the meeting's page."
                )
