"""``manage.py send_reminders [--meeting SLUG] [--dry-run]``: remind panellists who have not
answered, for a scheduler (cron, a systemd timer) to run, say, daily.

Who is reminded is decided by ``services.due_for_reminder``: invited and not answered,
panel's answer deadline not passed, no invitation or reminder within
``settings.REMINDER_INTERVAL_DAYS`` days; so running it often sends nothing twice.
"""

from django.conf import settings
from django.core.management.base import CommandError

from panels import services
from panels.management.base import RecordedCommand
from panels.models import Meeting, Panellist


class Command(RecordedCommand):
    help = (
        "Email a reminder, with a new personal link, to each panellist who was invited and has "
        "not answered, unless their panel's answer deadline has passed or they were emailed "
        "within REMINDER_INTERVAL_DAYS days. Exits non-zero when any reminder failed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--meeting",
            metavar="SLUG",
            help="Only the panels of the meeting with this short name (as in its address).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List who would be reminded, and send nothing.",
        )

    def handle(self, *args, meeting=None, dry_run=False, **options):
        if not settings.SITE_URL:
            raise CommandError(
                "SITE_URL is not set: reminders would carry links that do not work. Set it to "
                "the site's public address, e.g. SITE_URL=https://panels.example.org."
            )
        panellists = Panellist.objects.unanswered().in_programme_order()
        if meeting is not None:
            if not Meeting.objects.filter(slug=meeting).exists():
                raise CommandError(f"There is no meeting with the short name “{meeting}”.")
            panellists = panellists.filter(panel__meeting__slug=meeting)

        if dry_run:
            due = services.due_for_reminder(panellists)
            for panellist in due:
                self.stdout.write(f"Would remind {self._describe(panellist)}")
            self.stdout.write(f"{len(due)} reminder(s) would be sent (dry run: none sent).")
            return

        result = services.remind(panellists)
        failed = result.failed
        self.stdout.write(f"{len(result.sent)} reminder(s) sent.")
        for outcome in failed:
            self.stderr.write(f"Not sent to {self._describe(outcome.panellist)}: {outcome.error}")
        if failed:
            raise CommandError(f"{len(failed)} reminder(s) could not be sent.")

    @staticmethod
    def _describe(panellist):
        """Who a line is about, on one line: name, address, panel and meeting."""
        text = (
            f"{panellist.display_name} <{panellist.email}>, "
            f"{panellist.panel.title} ({panellist.panel.meeting.slug})"
        )
        return " ".join(text.split())
