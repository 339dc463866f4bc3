"""iCalendar exports of a meeting and of a panel: every file is read back with ``icalendar``."""

import re
import unicodedata
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from panels import ical, services
from panels.models import Meeting, Panel, Panellist, Room

CALENDAR_TYPE = "text/calendar; charset=utf-8"


def panel_calendar_url(panel):
    return reverse(
        "panels:panel-calendar", kwargs={"meeting_slug": panel.meeting.slug, "pk": panel.pk}
    )


def meeting_calendar_url(meeting):
    return reverse("panels:meeting-calendar", kwargs={"slug": meeting.slug})


def download(client, url):
    """GET ``url``; return the raw bytes and the parsed calendar (``icalendar.Calendar``)."""
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == CALENDAR_TYPE
    return response.content, Calendar.from_ical(response.content)


def only_event(calendar):
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]


def tzids(raw):
    """Every TZID in a serialised calendar: the parameters and the VTIMEZONE names."""
    lines = raw.decode().split("\r\n")
    return {
        match
        for line in lines
        for match in re.findall(r";TZID=([^:;]+)", line) + re.findall(r"^TZID:(.*)$", line)
    }


# The response


def test_panel_calendar_is_a_download_of_one_event(client, make_panel):
    panel = make_panel(title="Regional dimensions")

    response = client.get(panel_calendar_url(panel))

    assert response.status_code == 200
    assert response["Content-Type"] == CALENDAR_TYPE
    assert response["Content-Disposition"] == (
        f'attachment; filename="{panel.meeting.slug}-panel-{panel.pk}.ics"'
    )
    calendar = Calendar.from_ical(response.content)
    assert [str(calendar[name]) for name in ("PRODID", "VERSION", "CALSCALE")] == [
        ical.PRODID,
        "2.0",
        "GREGORIAN",
    ]
    # A feed, not a scheduling message: DTSTAMP is then the revision time (RFC 5545 §3.8.7.2).
    assert "METHOD" not in calendar
    assert str(calendar["X-WR-CALNAME"]) == "Regional dimensions"
    assert str(only_event(calendar)["UID"]) == str(panel.uid)


def test_meeting_calendar_is_a_download_of_the_programme_in_order(
    client, make_meeting, make_panel
):
    meeting = make_meeting(slug="cm15", title="15th Coordination Meeting")
    later = make_panel(meeting, title="Later", start_time=time(15), end_time=time(16))
    earlier = make_panel(meeting, title="Earlier", start_time=time(10), end_time=time(11))
    next_day = make_panel(meeting, title="Next day", date=date(2017, 2, 17))

    response = client.get(meeting_calendar_url(meeting))

    assert response["Content-Disposition"] == 'attachment; filename="cm15.ics"'
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "15th Coordination Meeting"
    assert [str(event["UID"]) for event in calendar.walk("VEVENT")] == [
        str(earlier.uid),
        str(later.uid),
        str(next_day.uid),
    ]


def test_meeting_calendar_without_panels_is_still_a_valid_calendar(client, make_meeting):
    meeting = make_meeting(time_zone="Europe/Zurich")

    _, calendar = download(client, meeting_calendar_url(meeting))

    # RFC 5545 §3.6: a calendar holds at least one component.
    assert [component.name for component in calendar.subcomponents] == ["VTIMEZONE"]
    assert calendar.timezones[0].tz_name == "Europe/Zurich"


# Times: New York, Geneva and Bangkok, in winter and in summer


@pytest.mark.parametrize(
    ("zone", "day", "start_utc", "end_utc"),
    [
        ("America/New_York", date(2017, 2, 16), "20:00", "21:30"),
        ("America/New_York", date(2017, 7, 16), "19:00", "20:30"),
        ("Europe/Zurich", date(2017, 2, 16), "14:00", "15:30"),
        ("Europe/Zurich", date(2017, 7, 16), "13:00", "14:30"),
        ("Asia/Bangkok", date(2017, 2, 16), "08:00", "09:30"),
        ("Asia/Bangkok", date(2017, 7, 16), "08:00", "09:30"),
        # The day the clocks go forward in Geneva: 15:00 is already summer time.
        ("Europe/Zurich", date(2017, 3, 26), "13:00", "14:30"),
    ],
)
def test_times_are_the_databases_instants_in_the_meetings_zone(
    client, make_meeting, make_panel, zone, day, start_utc, end_utc
):
    meeting = make_meeting(time_zone=zone, start_date=day, end_date=day)
    panel = make_panel(meeting, start_time=time(15), end_time=time(16, 30))

    raw, calendar = download(client, panel_calendar_url(panel))

    event = only_event(calendar)
    start, end = event["DTSTART"], event["DTEND"]
    assert (start.dt.astimezone(UTC), end.dt.astimezone(UTC)) == (
        panel.starts_at.astimezone(UTC),
        panel.ends_at.astimezone(UTC),
    )
    assert (f"{start.dt.astimezone(UTC):%H:%M}", f"{end.dt.astimezone(UTC):%H:%M}") == (
        start_utc,
        end_utc,
    )
    assert (start.params["TZID"], end.params["TZID"]) == (zone, zone)
    assert f"DTSTART;TZID={zone}:{day:%Y%m%d}T150000\r\n".encode() in raw
    # Only the IANA name, never an abbreviation such as EST or CET.
    assert tzids(raw) == {zone}
    assert [timezone.tz_name for timezone in calendar.timezones] == [zone]


@pytest.mark.parametrize(
    ("zone", "day"),
    [
        ("America/New_York", date(2017, 2, 16)),
        ("Europe/Zurich", date(2017, 7, 16)),
        ("Europe/Zurich", date(2017, 3, 26)),
        ("Asia/Bangkok", date(2017, 2, 16)),
        # Outside the 1970-2038 that the library covers by default.
        ("Europe/Zurich", date(2060, 7, 16)),
    ],
)
def test_vtimezone_alone_gives_the_right_offset(client, make_meeting, make_panel, zone, day):
    """A calendar that does not know the IANA name reads the offset from the VTIMEZONE."""
    meeting = make_meeting(time_zone=zone, start_date=day, end_date=day)
    panel = make_panel(meeting, start_time=time(15), end_time=time(16, 30))

    _, calendar = download(client, panel_calendar_url(panel))

    own_zone = calendar.timezones[0].to_tz(lookup_tzid=False)
    wall_clock = only_event(calendar)["DTSTART"].dt.replace(tzinfo=None)
    assert wall_clock.replace(tzinfo=own_zone).astimezone(UTC) == panel.starts_at.astimezone(UTC)


def test_meeting_in_utc_has_utc_times_and_no_vtimezone(client, make_meeting, make_panel):
    meeting = make_meeting(time_zone="UTC")
    panel = make_panel(meeting)

    raw, calendar = download(client, meeting_calendar_url(meeting))

    assert b"DTSTART:20170216T150000Z\r\n" in raw
    assert only_event(calendar)["DTSTART"].dt == panel.starts_at
    assert calendar.timezones == []


def test_seed_panel_is_at_3pm_new_york_time(client, seed_panel):
    raw, calendar = download(client, panel_calendar_url(seed_panel))

    event = only_event(calendar)
    new_york = ZoneInfo("America/New_York")
    assert (event["DTSTART"].dt, event["DTEND"].dt) == (
        datetime(2017, 2, 16, 15, 0, tzinfo=new_york),
        datetime(2017, 2, 16, 16, 30, tzinfo=new_york),
    )
    assert (event["DTSTART"].dt.astimezone(UTC), event["DTEND"].dt.astimezone(UTC)) == (
        datetime(2017, 2, 16, 20, 0, tzinfo=UTC),
        datetime(2017, 2, 16, 21, 30, tzinfo=UTC),
    )
    assert b"DTSTART;TZID=America/New_York:20170216T150000\r\n" in raw
    assert b"DTEND;TZID=America/New_York:20170216T163000\r\n" in raw


# Identity: UID, SEQUENCE, DTSTAMP


def test_uid_is_stable_across_exports_and_edits(client, make_panel):
    panel = make_panel()
    url = panel_calendar_url(panel)
    _, first = download(client, url)
    _, second = download(client, url)

    panel.refresh_from_db()
    panel.title = "A new title"
    panel.start_time, panel.end_time = time(10), time(11)
    panel.save()
    _, edited = download(client, url)

    uids = [str(only_event(calendar)["UID"]) for calendar in (first, second, edited)]
    assert uids == [str(panel.uid)] * 3
    assert str(only_event(edited)["SUMMARY"]) == "A new title"


def test_sequence_grows_after_a_time_change_and_after_cancelling(client, make_panel):
    panel = make_panel()
    url = panel_calendar_url(panel)
    _, before = download(client, url)

    panel.refresh_from_db()
    panel.start_time = time(14)
    services.save_panel(panel)
    _, moved = download(client, url)
    services.cancel([panel])
    _, cancelled = download(client, url)

    events = [only_event(calendar) for calendar in (before, moved, cancelled)]
    assert [event["SEQUENCE"] for event in events] == [0, 1, 2]
    assert [str(event["STATUS"]) for event in events] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]


def test_dtstamp_and_last_modified_are_the_panels_last_change_in_utc(client, make_panel):
    panel = make_panel()
    changed = datetime(2017, 1, 10, 9, 30, 15, tzinfo=UTC)
    Panel.objects.filter(pk=panel.pk).update(modified_at=changed)

    raw, calendar = download(client, panel_calendar_url(panel))

    event = only_event(calendar)
    assert (event["DTSTAMP"].dt, event["LAST-MODIFIED"].dt) == (changed, changed)
    assert b"DTSTAMP:20170110T093015Z\r\n" in raw
    assert raw == download(client, panel_calendar_url(panel))[0]


def test_dtstamp_moves_when_a_panellist_answers(client, make_panel, make_panellist):
    """Who speaks is in the description: an answer revises the entry."""
    panel = make_panel()
    place = make_panellist(panel)
    long_ago = datetime(2017, 1, 10, 9, 30, tzinfo=UTC)
    Panel.objects.filter(pk=panel.pk).update(modified_at=long_ago)

    services.record_answer(place, Panellist.Status.CONFIRMED)

    _, calendar = download(client, panel_calendar_url(panel))
    assert only_event(calendar)["DTSTAMP"].dt > long_ago


def test_cancelled_panel_stays_in_the_meeting_feed(client, make_meeting, make_panel):
    meeting = make_meeting()
    held = make_panel(meeting, title="Held", start_time=time(10), end_time=time(11))
    cancelled = make_panel(meeting, title="Called off")
    cancelled.status = Panel.Status.CANCELLED
    cancelled.save()

    raw, calendar = download(client, meeting_calendar_url(meeting))

    events = calendar.walk("VEVENT")
    assert [(str(event["UID"]), str(event["STATUS"])) for event in events] == [
        (str(held.uid), "CONFIRMED"),
        (str(cancelled.uid), "CANCELLED"),
    ]
    assert b"STATUS:CANCELLED\r\n" in raw
    # For calendars that ignore STATUS, the description says it first.
    assert str(events[1]["DESCRIPTION"]).startswith("This panel has been cancelled.\n\n")


# Text: escaping, folding, control characters


def test_title_with_comma_semicolon_backslash_and_line_break_round_trips(client, make_panel):
    panel = make_panel()
    title = "Rights, duties; the law \\ its limits\nand a second line"
    Panel.objects.filter(pk=panel.pk).update(title=title)
    Room.objects.filter(pk=panel.room_id).update(name="Room 4, Floor 2; North")

    raw, calendar = download(client, panel_calendar_url(panel))

    event = only_event(calendar)
    assert str(event["SUMMARY"]) == title
    assert b"SUMMARY:Rights\\, duties\\; the law \\\\ its limits\\nand a second line\r\n" in raw
    assert str(event["LOCATION"]) == "Room 4, Floor 2; North, Test venue"
    # The calendar's name is one line, escaped as TEXT.
    assert b"X-WR-CALNAME:Rights\\, duties\\; the law \\\\ its limits and a second line\r\n" in raw


def test_backslash_before_capital_n_round_trips(client, make_panel):
    panel = make_panel()
    Panel.objects.filter(pk=panel.pk).update(title="Orientation\\New members")

    _, calendar = download(client, panel_calendar_url(panel))

    assert str(only_event(calendar)["SUMMARY"]) == "Orientation\\New members"


def test_clean_text_drops_nul_and_other_controls_and_keeps_line_breaks():
    assert ical.clean_text("a\x00b\x07c\r\nd\re\u2028f\tg") == "abc\nd\ne\nf g"


def test_control_characters_are_removed_and_line_breaks_kept(client, make_panel, make_section):
    panel = make_panel()
    Panel.objects.filter(pk=panel.pk).update(
        # No NUL here: PostgreSQL cannot store it (clean_text drops it: the next test).
        title="Bell\x07 and escape\x1b\x7f\x9b end\r\nnext\tline"
    )
    make_section(panel, body="Bell\x07 in\x1b the\x9b note.")

    raw, calendar = download(client, panel_calendar_url(panel))

    event = only_event(calendar)
    assert str(event["SUMMARY"]) == "Bell and escape end\nnext line"
    assert str(event["DESCRIPTION"]).startswith("Bell in the note.\n\n")
    controls = [c for c in raw.decode() if unicodedata.category(c) == "Cc" and c not in "\r\n"]
    assert controls == []


@pytest.mark.parametrize(
    "name",
    [
        "الميثاق العالمي من أجل الهجرة الآمنة والمنظمة والنظامية: الأبعاد الإقليمية وحقوق الإنسان",
        "安全、有序和正常移民全球契约：区域层面和人权层面的讨论，以及国家人权机构的作用",
    ],
)
def test_multibyte_text_is_folded_between_characters(
    client, make_panel, make_panellist, make_person, name
):
    panel = make_panel(title=name)
    make_panellist(panel, person=make_person(name=name), status=Panellist.Status.CONFIRMED)

    raw, calendar = download(client, panel_calendar_url(panel))

    lines = raw.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    # Folded, in the middle of the multi-byte text.
    assert any(line.startswith(b" ") and max(line) >= 0x80 for line in lines)
    for line in lines:
        line.decode("utf-8")  # each line on its own: no character is split between two
    event = only_event(calendar)
    assert str(event["SUMMARY"]) == name
    assert f"{name}, Panellist" in str(event["DESCRIPTION"]).split("\n")


# DESCRIPTION and the other texts


def test_description_has_summary_public_speakers_and_address(
    client, make_panel, make_panellist, make_person, make_section
):
    panel = make_panel()
    make_section(
        panel,
        body="The **New York** Declaration ([A/71/1](#)) &amp; *more*.\n\nSecond paragraph.",
    )
    make_section(panel, heading="Organization", body="Not in the summary.")
    make_panellist(
        panel,
        person=make_person(honorific="Ms.", name="Ana Moderator", email="ana@example.org"),
        role=Panellist.Role.MODERATOR,
        status=Panellist.Status.CONFIRMED,
    )
    make_panellist(panel, person=make_person(name="Ivo Invited"))
    make_panellist(
        panel, person=make_person(name="Dee Declined"), status=Panellist.Status.DECLINED
    )

    raw, calendar = download(client, panel_calendar_url(panel))

    address = f"http://testserver{panel.get_absolute_url()}"
    event = only_event(calendar)
    assert str(event["DESCRIPTION"]) == (
        "The New York Declaration (A/71/1) & more.\n\n"
        "Second paragraph.\n\n"
        "Speakers:\n"
        "Ms. Ana Moderator, Moderator\n"
        "Ivo Invited, Panellist (to be confirmed)\n\n"
        f"{address}"
    )
    assert str(event["URL"]) == address
    assert b"ana@example.org" not in raw


def test_description_follows_the_panels_display_choice(client, make_panel, make_panellist):
    panel = make_panel(panellist_display=Panel.Display.CONFIRMED)
    make_panellist(panel, status=Panellist.Status.INVITED)

    _, calendar = download(client, panel_calendar_url(panel))

    assert "Speakers:" not in str(only_event(calendar)["DESCRIPTION"])


def test_long_concept_note_is_shortened_at_a_word(client, make_panel, make_section):
    panel = make_panel()
    make_section(panel, body=("word " * 200).strip() + "\n\nSecond paragraph.")

    _, calendar = download(client, panel_calendar_url(panel))

    summary = str(only_event(calendar)["DESCRIPTION"]).split("\n\n")[0]
    assert summary == ("word " * 100).strip() + "…"


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("one two three", 9, "one two…"),
        ("一二三四五六七八九十", 4, "一二三四…"),
        # "e" and a combining acute accent stay together.
        ("cafe\u0301 au lait", 4, "caf…"),
    ],
)
def test_shorten(text, limit, expected):
    assert ical.shorten(text, limit) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("a\r\nb\rc\u2028d", "a\nb\nc\nd"),
        ("tab\there", "tab here"),
        ("null\x00 bell\x07 del\x7f csi\x9b", "null bell del csi"),
        # Marks that scripts need are not control characters.
        ("\u200fمرحبا\u200c", "\u200fمرحبا\u200c"),
    ],
)
def test_clean_text(value, expected):
    assert ical.clean_text(value) == expected


# Who may download what


def test_drafts_and_unpublished_panels_are_not_found(client, make_meeting, make_panel):
    draft = make_meeting(status=Meeting.Status.DRAFT)
    in_draft = make_panel(draft)
    meeting = make_meeting()
    unpublished = make_panel(meeting, is_published=False)
    published = make_panel(meeting)
    wrong_meeting = reverse(
        "panels:panel-calendar", kwargs={"meeting_slug": draft.slug, "pk": published.pk}
    )

    statuses = [
        client.get(url).status_code
        for url in (
            meeting_calendar_url(draft),
            panel_calendar_url(in_draft),
            panel_calendar_url(unpublished),
            wrong_meeting,
        )
    ]

    assert statuses == [404, 404, 404, 404]
    _, calendar = download(client, meeting_calendar_url(meeting))
    assert [str(event["UID"]) for event in calendar.walk("VEVENT")] == [str(published.uid)]


def test_drafts_never_leave_the_site_not_even_for_staff(staff_client, make_meeting, make_panel):
    draft = make_meeting(status=Meeting.Status.DRAFT)
    panel = make_panel(draft, is_published=False)
    unpublished = make_panel(make_meeting(), is_published=False)

    assert [
        staff_client.get(url).status_code
        for url in (
            meeting_calendar_url(draft),
            panel_calendar_url(panel),
            panel_calendar_url(unpublished),
        )
    ] == [404, 404, 404]


def test_calendars_refuse_post(client, make_panel):
    panel = make_panel()

    assert client.post(panel_calendar_url(panel)).status_code == 405
    assert client.post(meeting_calendar_url(panel.meeting)).status_code == 405


@pytest.mark.parametrize("size", [1, 6])
def test_query_count_is_constant(
    client,
    make_meeting,
    make_panel,
    make_panellist,
    make_section,
    make_segment,
    django_assert_num_queries,
    size,
):
    meeting = make_meeting()
    for number in range(size):
        panel = make_panel(meeting, title=f"Panel {number}")
        make_section(panel)
        speaker = make_panellist(panel)
        moderator = make_panellist(panel, role=Panellist.Role.MODERATOR)
        make_segment(panel, 30, speakers=[moderator, speaker])

    # meeting, panels with their rooms, their panellists with people, their running orders,
    # the items' speakers, their sections
    with django_assert_num_queries(6):
        _, calendar = download(client, meeting_calendar_url(meeting))
    # panel with meeting and room, panellists, running order, speakers, sections
    with django_assert_num_queries(5):
        client.get(panel_calendar_url(panel))

    assert len(calendar.walk("VEVENT")) == size


# Links on the public pages


def test_panel_page_links_to_its_calendar(client, make_panel):
    panel = make_panel()

    page = client.get(panel.get_absolute_url()).content.decode()

    assert (
        f'<a href="{panel_calendar_url(panel)}?lang=en" type="text/calendar" download>'
        "Add to calendar (.ics)</a>"
    ) in page


def test_calendar_links_only_where_the_calendar_is_public(
    client, staff_client, make_meeting, make_panel
):
    """Even an empty public programme can be subscribed to; a preview links no calendar."""
    public, draft = make_meeting(), make_meeting(status=Meeting.Status.DRAFT)
    unpublished = make_panel(public, is_published=False)

    def links(browser, url):
        page = browser.get(url).content.decode()
        return [
            label in page for label in ("Add the programme to your calendar", "Add to calendar")
        ]

    assert links(client, public.get_absolute_url()) == [True, False]
    assert links(staff_client, draft.get_absolute_url()) == [False, False]
    assert links(staff_client, unpublished.get_absolute_url()) == [False, False]
    assert links(client, make_panel(public).get_absolute_url()) == [False, True]
