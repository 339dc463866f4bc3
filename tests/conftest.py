"""Shared fixtures: small factories with no surprising defaults, the seed's panel, and the
panel the admin's tests (``tests/test_admin_*.py``) edit, with its moderator and speaker."""

import smtplib
import threading
from datetime import date, time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.db.models.signals import post_save
from django.test import Client
from django.utils import translation

from panels.models import (
    ConceptNoteSection,
    Meeting,
    Panel,
    Panellist,
    Person,
    Room,
    Segment,
    SegmentSpeaker,
)


@pytest.fixture(autouse=True)
def english_addresses():
    """Each test starts in the default language, whatever page an earlier test rendered in
    this thread (``LocaleMiddleware`` leaves the language of a page's address active), so that
    ``reverse`` gives ``/en/…`` addresses."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def page_cache_off(request, settings):
    """The public page cache and the programme's row cache are off, unless the test is
    marked ``page_cache``: a page stored by one request would be served again after a change
    the test makes, since a test's transaction never commits and the cache drops its pages at
    a commit. Tests of the cache
    itself use ``transactional_db`` and start with an empty one."""
    if request.node.get_closest_marker("page_cache"):
        from panels.caching import forget_process_tier

        caches["pages"].clear()
        forget_process_tier()
        yield
        caches["pages"].clear()
        forget_process_tier()
        return
    settings.PAGE_CACHE_SECONDS = 0
    # The pages' parts (panels/fragments.py) likewise outlive an uncommitted change.
    settings.FRAGMENT_CACHE_SECONDS = 0
    yield


@pytest.fixture(autouse=True)
def staff_on_every_team(request):
    """Every staff user a test makes is on the team of every meeting it makes (as staff were
    before meetings had teams), so that tests of other things need not build teams. Tests of
    the teams themselves opt out with ``@pytest.mark.own_teams`` and build their own."""
    if request.node.get_closest_marker("own_teams"):
        yield
        return
    user_model = get_user_model()

    def meeting_saved(sender, instance, created, **kwargs):
        if created:
            instance.team_users.add(*user_model.objects.filter(is_staff=True))

    def user_saved(sender, instance, **kwargs):
        if instance.is_staff:
            instance.meeting_teams.add(*Meeting.objects.all())

    post_save.connect(meeting_saved, sender=Meeting, weak=False)
    post_save.connect(user_saved, sender=user_model, weak=False)
    yield
    post_save.disconnect(meeting_saved, sender=Meeting)
    post_save.disconnect(user_saved, sender=user_model)


@pytest.fixture
def make_meeting(db):
    """Create a public meeting; keyword arguments override the fields."""

    def make(**fields):
        values = {
            "title": "Test meeting",
            "slug": f"test-meeting-{Meeting.objects.count() + 1}",
            "organiser": "Test organiser",
            "venue": "Test venue",
            "start_date": date(2017, 2, 16),
            "end_date": date(2017, 2, 17),
            "time_zone": "America/New_York",
            "status": Meeting.Status.PUBLIC,
        } | fields
        return Meeting.objects.create(**values)

    return make


@pytest.fixture
def make_panel(make_meeting):
    """Create a published panel, 15:00-16:30 on the meeting's first day by default, in the
    meeting's room "Conference Room 4"; a room given by name is the meeting's room of that
    name (made when new), "" none."""

    def make(meeting=None, **fields):
        meeting = meeting or make_meeting()
        values = {
            "meeting": meeting,
            "title": "Test panel",
            "date": meeting.start_date,
            "start_time": time(15, 0),
            "end_time": time(16, 30),
            "room": "Conference Room 4",
            "is_published": True,
        } | fields
        if isinstance(values["room"], str):
            name = values["room"]
            values["room"] = (
                Room.objects.get_or_create(meeting=meeting, name=name)[0] if name else None
            )
        return Panel.objects.create(**values)

    return make


@pytest.fixture
def make_person(db):
    def make(**fields):
        values = {"name": "Test Person", "organisation": "Test organisation"} | fields
        return Person.objects.create(**values)

    return make


# ``make_panellist``'s default person: a new one.
NEW = object()


@pytest.fixture
def make_panellist(make_person):
    """Create a panellist on ``panel``; a new person unless ``person`` is given (``None`` for a
    place without a person)."""

    def make(panel, person=NEW, **fields):
        values = {"role": Panellist.Role.PANELLIST, "order": panel.panellists.count()} | fields
        person = make_person() if person is NEW else person
        return Panellist.objects.create(panel=panel, person=person, **values)

    return make


@pytest.fixture
def make_segment():
    """Create an item of ``panel``'s running order; ``speaker`` (one ``Panellist``) or
    ``speakers`` (a list, in order) speak in it."""

    def make(panel, duration_minutes, *, speaker=None, speakers=(), **fields):
        values = {"kind": Segment.Kind.PRESENTATION, "order": panel.segments.count()} | fields
        segment = Segment.objects.create(panel=panel, duration_minutes=duration_minutes, **values)
        speakers = [speaker] if speaker is not None else list(speakers)
        for order, place in enumerate(speakers):
            SegmentSpeaker.objects.create(segment=segment, panellist=place, order=order)
        return segment

    return make


@pytest.fixture
def make_section():
    def make(panel, heading="Background", body="Text.", **fields):
        return ConceptNoteSection.objects.create(panel=panel, heading=heading, body=body, **fields)

    return make


@pytest.fixture
def staff_user(django_user_model):
    """A member of the secretariat: staff, with no model permissions of their own."""
    return django_user_model.objects.create_user("secretariat", is_staff=True)


@pytest.fixture
def staff_client(client, staff_user):
    """A client signed in as ``staff_user``."""
    client.force_login(staff_user)
    return client


@pytest.fixture
def first_editor(django_user_model):
    """A second member of the secretariat, Fatima Example, signed in on a browser of her own:
    the first to save when two officers have the same page open."""
    user = django_user_model.objects.create_superuser(
        "fatima", "fatima@example.org", "x", first_name="Fatima", last_name="Example"
    )
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def seed_panel(db):
    """The seed's panel, loaded by the demo-data loader (``panels.demo.load_demo``)."""
    from panels.demo import load_demo

    demo, _ = load_demo()
    return demo.panel


# The panel the admin's tests edit. A module with a ``panel`` (or ``moderator``, ``speaker``)
# fixture of its own uses that one instead.


@pytest.fixture
def panel(make_panel):
    """A 90-minute panel (15:00-16:30 in New York) with no one on it yet."""
    return make_panel(title="Migration and the 2030 Agenda")


@pytest.fixture
def moderator(panel, make_person, make_panellist):
    return make_panellist(
        panel, person=make_person(name="Amina Example"), role=Panellist.Role.MODERATOR
    )


@pytest.fixture
def speaker(panel, make_person, make_panellist):
    return make_panellist(panel, person=make_person(name="Jorge Example"))


@pytest.fixture
def full_panel(panel, moderator, speaker, make_segment, make_section):
    """The panel with a concept note, a moderator, a speaker and an 85-minute running order."""
    make_section(panel, heading="Background", order=0)
    make_section(panel, heading="Organization", order=1)
    make_segment(panel, 5, kind=Segment.Kind.OPENING, speaker=moderator)
    make_segment(panel, 20, speaker=speaker)
    make_segment(panel, 60, kind=Segment.Kind.DISCUSSION)
    return panel


# The public address that links in emails are built on (settings.SITE_URL) in tests.
SITE = "https://panels.example.org"


@pytest.fixture
def email_site(settings):
    """Links in emails on ``SITE``, a 3-day reminder interval, and no request counted by the
    answer page's rate limit (its counts live in the cache)."""
    settings.SITE_URL = SITE
    settings.REMINDER_INTERVAL_DAYS = 3
    cache.clear()
    yield
    cache.clear()


def run_in_parallel(function, times=4):
    """Call ``function()`` from ``times`` threads released at the same moment, each with its
    own database connection; returns their results (in no particular order)."""
    barrier = threading.Barrier(times)
    results = []

    def run():
        barrier.wait()
        try:
            results.append(function())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def refuse_amina(monkeypatch):
    """The mail server refuses every email to amina@example.org and takes the others."""
    take = EmailBackend.send_messages

    def send_messages(self, messages):
        if any("amina@example.org" in message.recipients() for message in messages):
            raise smtplib.SMTPException("mailbox unavailable")
        return take(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
