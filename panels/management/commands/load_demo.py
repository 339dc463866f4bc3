"""``manage.py load_demo [--demo-login]``: the seed's meeting and panel, and an invented
two-day programme with every shape the app holds, for a local demo."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import CommandError

from panels import services
from panels.demo import load_demo
from panels.demo.programme import load_programme_demo
from panels.management.base import RecordedCommand

DEMO_USERNAME = "secretariat"


class Command(RecordedCommand):
    help = (
        "Load the 15th Coordination Meeting on International Migration and its panel from the "
        "seed concept note, and an invented two-day regional review with parallel sessions, "
        "agenda items and speakers to be announced. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Set the demo meeting and panel back to the seed's values.",
        )
        parser.add_argument(
            "--demo-login",
            action="store_true",
            help=(
                f"Also create (or reset) the staff login '{DEMO_USERNAME}' with a new random "
                "password, printed here. Refused unless DEBUG is on."
            ),
        )

    def handle(self, *args, demo_login=False, reset=False, **options):
        if demo_login and not settings.DEBUG:
            raise CommandError(
                "The demo login is for a local demo only and is refused when DEBUG is off."
            )
        demo, written = load_demo(reset=reset)
        state = "loaded from the seed" if written else "already there, left as last edited"
        self.stdout.write(self.style.SUCCESS(f"Demo data {state}: {demo.meeting} — {demo.panel}"))
        if not written:
            self.stdout.write("  (manage.py load_demo --reset sets it back to the seed's values)")
        site = settings.SITE_URL or "http://127.0.0.1:8000"
        self.stdout.write(f"  Panel page: {site}{demo.panel.get_absolute_url()}")
        programme, written = load_programme_demo(reset=reset)
        state = "loaded" if written else "already there, left as last edited"
        self.stdout.write(
            self.style.SUCCESS(f"Demo programme {state}: {programme.meeting} (invented)")
        )
        self.stdout.write(f"  Programme: {site}{programme.meeting.get_absolute_url()}")
        if demo_login:
            password = secrets.token_urlsafe(12)
            user, _ = get_user_model().objects.update_or_create(
                username=DEMO_USERNAME, defaults={"is_staff": True, "is_active": True}
            )
            user.set_password(password)
            user.save()
            user.user_permissions.set(Permission.objects.filter(content_type__app_label="panels"))
            for meeting in (demo.meeting, programme.meeting):
                services.join_team(meeting, user)
            self.stdout.write(
                self.style.WARNING(
                    "Demo secretariat login (demo only; a new password each run):\n"
                    f"  {site}/admin/  user: {DEMO_USERNAME}  "
                    f"password: {password}"
                )
            )
