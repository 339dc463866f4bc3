"""The QuerySet methods that speak the domain: answer counts and filters of panels, panellists
by answer, programme order and last email, who is due for a reminder, and running orders."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from panels.models import Panel, Panellist, Segment, Sending

Status = Panellist.Status
NOW = datetime(2099, 2, 1, 12, 0, tzinfo=UTC)
INTERVAL = timedelta(days=3)


@pytest.fixture
def place(make_panellist, make_person):
    """Create a panellist called ``name`` on ``panel``; keyword arguments override fields."""

    def make(panel, name, **fields):
        return make_panellist(panel, person=make_person(name=name), **fields)

    return make


def names(panellists):
    return [panellist.person.name for panellist in panellists]


def titles(panels):
    return [panel.title for panel in panels]


# PanelQuerySet.with_answer_counts ---------------------------------------------------------------


def test_answer_counts_count_each_answer_and_zero_for_a_panel_without_panellists(
    make_panel, place
):
    answered = make_panel(title="Answered")
    for name, status in [
        ("Amina", Status.INVITED),
        ("Kwame", Status.CONFIRMED),
        ("Marta", Status.CONFIRMED),
        ("Li", Status.DECLINED),
        ("Olga", Status.WITHDRAWN),
    ]:
        place(answered, name, status=status)
    make_panel(answered.meeting, title="Empty")

    counts = Panel.objects.with_answer_counts().order_by("pk")

    assert list(
        counts.values_list("title", "answers_expected", "answers_confirmed", "answers_declined")
    ) == [("Answered", 3, 2, 1), ("Empty", 0, 0, 0)]


def test_answer_counts_do_not_multiply_the_planned_minutes(make_panel, place, make_segment):
    panel = make_panel()
    for name in ["Amina", "Kwame", "Marta"]:
        place(panel, name, status=Status.CONFIRMED)
    for minutes in [10, 20, 30]:
        make_segment(panel, minutes)
    fields = ["planned_minutes", "answers_expected", "answers_confirmed", "answers_declined"]

    counted_last = Panel.objects.with_planned_minutes().with_answer_counts()
    counted_first = Panel.objects.with_answer_counts().with_planned_minutes()

    assert list(counted_last.values_list(*fields)) == [(60, 3, 3, 0)]
    assert list(counted_first.values_list(*fields)) == [(60, 3, 3, 0)]


# PanelQuerySet.by_answers -----------------------------------------------------------------------


@pytest.fixture
def panels_by_answer(make_meeting, make_panel, place):
    """Panels whose titles say their panellists' answers, created in this order."""
    meeting = make_meeting()
    answers = {
        "Confirmed, one withdrew": [Status.CONFIRMED, Status.CONFIRMED, Status.WITHDRAWN],
        "One waiting": [Status.CONFIRMED, Status.INVITED],
        "Declined and waiting": [Status.DECLINED, Status.INVITED],
        "Declined and confirmed": [Status.DECLINED, Status.CONFIRMED],
        "All declined or withdrew": [Status.DECLINED, Status.WITHDRAWN],
        "No panellists": [],
    }
    for title, statuses in answers.items():
        panel = make_panel(meeting, title=title)
        for number, status in enumerate(statuses):
            place(panel, f"{title} {number}", status=status)


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("confirmed", ["Confirmed, one withdrew", "Declined and confirmed"]),
        ("waiting", ["One waiting", "Declined and waiting"]),
        (
            "declined",
            ["Declined and waiting", "Declined and confirmed", "All declined or withdrew"],
        ),
        ("none", ["All declined or withdrew", "No panellists"]),
    ],
)
def test_by_answers_picks_the_panels_of_each_choice(panels_by_answer, choice, expected):
    assert titles(Panel.objects.by_answers(choice).order_by("pk")) == expected


@pytest.mark.parametrize("choice", [None, "", "everyone", "Confirmed"])
def test_by_answers_with_another_choice_returns_the_queryset_unchanged(panels_by_answer, choice):
    panels = Panel.objects.order_by("pk")

    assert panels.by_answers(choice) is panels


def test_by_answers_combines_with_the_counts_and_planned_minutes(panels_by_answer, make_segment):
    make_segment(Panel.objects.get(title="One waiting"), 25)
    make_segment(Panel.objects.get(title="One waiting"), 35)

    panels = (
        Panel.objects.with_planned_minutes()
        .with_answer_counts()
        .by_answers("waiting")
        .order_by("pk")
    )

    assert list(
        panels.values_list(
            "title", "planned_minutes", "answers_expected", "answers_confirmed", "answers_declined"
        )
    ) == [("One waiting", 60, 2, 1, 0), ("Declined and waiting", 0, 1, 0, 1)]


# PanellistQuerySet: answers ---------------------------------------------------------------------


@pytest.fixture
def one_of_each(make_panel, place):
    """A panel with a panellist of each answer, in order of appearance: Amina invited, Kwame
    confirmed, Li declined, Olga withdrawn."""
    panel = make_panel()
    for name, status in [
        ("Amina", Status.INVITED),
        ("Kwame", Status.CONFIRMED),
        ("Li", Status.DECLINED),
        ("Olga", Status.WITHDRAWN),
    ]:
        place(panel, name, status=status)
    return panel


def test_on_programme_unanswered_and_vacated_split_panellists_by_answer(one_of_each):
    places = Panellist.objects.order_by("order")

    assert names(places.on_programme()) == ["Amina", "Kwame"]
    assert names(places.unanswered()) == ["Amina"]
    assert names(places.vacated()) == ["Li", "Olga"]


def test_answer_filters_through_a_panels_panellists(one_of_each, make_panel):
    empty = make_panel(one_of_each.meeting, title="Empty")

    assert names(one_of_each.panellists.on_programme()) == ["Amina", "Kwame"]
    assert names(one_of_each.panellists.vacated()) == ["Li", "Olga"]
    assert list(empty.panellists.on_programme()) == []
    assert list(empty.panellists.unanswered()) == []
    assert list(empty.panellists.vacated()) == []


# PanellistQuerySet: programme order and panels --------------------------------------------------


@pytest.fixture
def two_days(make_meeting, make_panel, place):
    """Panels created out of programme order: "Friday" (17 February), then on Thursday "Thursday
    late" (17:00), "Thursday early" (15:00) and "Thursday early too" (15:00, created last), with
    panellists created out of their order of appearance; Early A and Early B share order 0."""
    meeting = make_meeting(start_date=date(2017, 2, 16), end_date=date(2017, 2, 17))
    friday = make_panel(meeting, title="Friday", date=date(2017, 2, 17))
    late = make_panel(meeting, title="Thursday late", start_time=time(17), end_time=time(18))
    early = make_panel(meeting, title="Thursday early")
    early_too = make_panel(meeting, title="Thursday early too")
    place(friday, "Friday second", order=2)
    place(friday, "Friday first", order=1)
    place(late, "Late", order=0)
    place(early, "Early second", order=1)
    place(early, "Early A", order=0)
    place(early_too, "Early too", order=0)
    place(early, "Early B", order=0)
    return {"friday": friday, "late": late, "early": early, "early_too": early_too}


def test_in_programme_order_follows_day_start_panel_then_order_of_appearance(two_days):
    assert names(Panellist.objects.in_programme_order()) == [
        "Early A",
        "Early B",
        "Early second",
        "Early too",
        "Late",
        "Friday first",
        "Friday second",
    ]


def test_in_programme_order_breaks_ties_by_panel_then_primary_key(two_days):
    early = two_days["early"]
    Panellist.objects.filter(panel=early).update(order=0)

    assert names(Panellist.objects.of_panels([early]).in_programme_order()) == [
        "Early second",
        "Early A",
        "Early B",
    ]


def test_of_panels_takes_a_queryset_panels_or_primary_keys(two_days):
    friday, late = two_days["friday"], two_days["late"]
    expected = ["Late", "Friday first", "Friday second"]

    panellists = Panellist.objects.in_programme_order()

    assert (
        names(panellists.of_panels(Panel.objects.filter(title__in=["Friday", "Thursday late"])))
        == expected
    )
    assert names(panellists.of_panels([friday, late])) == expected
    assert names(panellists.of_panels(iter([friday.pk, late.pk]))) == expected
    assert names(panellists.of_panels(Panel.objects.with_answer_counts().filter(pk=late.pk))) == [
        "Late"
    ]


def test_of_panels_of_none_or_of_a_panel_without_panellists_is_empty(two_days, make_panel):
    empty = make_panel(two_days["friday"].meeting, title="Empty")

    assert list(Panellist.objects.of_panels([])) == []
    assert list(Panellist.objects.of_panels(Panel.objects.none())) == []
    assert list(Panellist.objects.of_panels([empty])) == []


# PanellistQuerySet.with_last_email --------------------------------------------------------------


def send(panellist, kind, sent_at, error=""):
    return Sending.objects.create(
        panellist=panellist, kind=kind, to_address="x@example.org", sent_at=sent_at, error=error
    )


def test_with_last_email_annotates_the_latest_sending_or_none(make_panel, place):
    panel = make_panel()
    never, invited, failed = (place(panel, name) for name in ["Never", "Invited", "Failed"])
    send(invited, Sending.Kind.INVITATION, NOW - timedelta(days=2))
    send(failed, Sending.Kind.INVITATION, NOW - timedelta(days=2))
    send(failed, Sending.Kind.REMINDER, NOW, error="Refused by the server")
    send(failed, Sending.Kind.TIME_CHANGE, NOW - timedelta(days=1))

    annotated = Panellist.objects.with_last_email().order_by("pk")

    assert list(
        annotated.values_list(
            "person__name", "last_email_kind", "last_email_at", "last_email_error"
        )
    ) == [
        ("Never", None, None, None),
        ("Invited", "invitation", NOW - timedelta(days=2), ""),
        ("Failed", "reminder", NOW, "Refused by the server"),
    ]


def test_with_last_email_breaks_a_tie_by_the_last_recorded(make_panel, place):
    panellist = place(make_panel(), "Amina")
    send(panellist, Sending.Kind.INVITATION, NOW)
    send(panellist, Sending.Kind.ANSWER_NOTICE, NOW)

    annotated = Panellist.objects.with_last_email().get()

    assert (annotated.last_email_kind, annotated.last_email_at) == ("answer_notice", NOW)


# PanellistQuerySet.due_for_reminder -------------------------------------------------------------


@pytest.fixture
def invited(make_panel, place):
    """Create a panellist ``name`` holding a personal link, invited successfully ten days
    before ``NOW``; keyword arguments override fields."""
    panel = make_panel()

    def make(name, **fields):
        values = {"link_hash": f"{name:x<64}"[:64]} | fields
        panellist = place(panel, name, **values)
        send(panellist, Sending.Kind.INVITATION, NOW - timedelta(days=10))
        return panellist

    return make


def due(now=NOW, interval=INTERVAL):
    return names(Panellist.objects.due_for_reminder(now, interval).order_by("pk"))


def test_due_for_reminder_after_an_invitation_longer_ago_than_the_interval(invited):
    invited("Amina")
    invited("Kwame")

    assert due() == ["Amina", "Kwame"]
    assert due(interval=timedelta(days=11)) == []


def test_not_due_after_answering(invited):
    invited("Amina")
    for status in [Status.CONFIRMED, Status.DECLINED, Status.WITHDRAWN]:
        invited(f"Answered {status}", status=status)

    assert due() == ["Amina"]


def test_not_due_with_a_revoked_link(invited):
    invited("Amina")
    invited("Revoked", link_hash="")

    assert due() == ["Amina"]


def test_not_due_after_a_failed_invitation_only(invited, place):
    invited("Amina")
    failed = place(Panel.objects.get(), "Failed", link_hash="f" * 64)
    send(failed, Sending.Kind.INVITATION, NOW - timedelta(days=10), error="No such address")

    assert due() == ["Amina"]


def test_not_due_without_any_invitation(invited, place):
    invited("Amina")
    never = place(Panel.objects.get(), "Never invited", link_hash="n" * 64)
    send(never, Sending.Kind.TIME_CHANGE, NOW - timedelta(days=10))

    assert due() == ["Amina"]


def test_not_due_after_a_recent_reminder_or_invitation(invited):
    invited("Amina")
    reminded = invited("Reminded")
    send(reminded, Sending.Kind.REMINDER, NOW - timedelta(days=1))
    invited_again = invited("Invited again")
    send(invited_again, Sending.Kind.INVITATION, NOW - timedelta(days=1))

    assert due() == ["Amina"]


def test_due_after_a_recent_failed_reminder_or_another_kind_of_email(invited):
    failed = invited("Failed reminder")
    send(failed, Sending.Kind.REMINDER, NOW - timedelta(days=1), error="Refused")
    told = invited("Told the new time")
    send(told, Sending.Kind.TIME_CHANGE, NOW - timedelta(days=1))

    assert due() == ["Failed reminder", "Told the new time"]


def test_a_reminder_exactly_one_interval_ago_is_not_recent(invited):
    reminded = invited("Amina")
    send(reminded, Sending.Kind.REMINDER, NOW - INTERVAL)

    assert due() == ["Amina"]
    assert due(now=NOW - timedelta(seconds=1)) == []


# SegmentQuerySet --------------------------------------------------------------------------------


@pytest.fixture
def segments_of_each(make_panel, place, make_segment):
    """A running order created out of order, with a speaker of each answer and a break."""
    panel = make_panel()
    speakers = {
        name: place(panel, name, status=status)
        for name, status in [
            ("Amina", Status.INVITED),
            ("Kwame", Status.CONFIRMED),
            ("Li", Status.DECLINED),
            ("Olga", Status.WITHDRAWN),
        ]
    }
    make_segment(panel, 10, title="Kwame speaks", order=2, speaker=speakers["Kwame"])
    make_segment(panel, 10, title="Amina speaks", order=1, speaker=speakers["Amina"])
    make_segment(panel, 5, title="Break", order=3, kind=Segment.Kind.BREAK)
    make_segment(panel, 10, title="Li speaks", order=1, speaker=speakers["Li"])
    make_segment(panel, 10, title="Olga speaks", order=4, speaker=speakers["Olga"])
    return panel, speakers


def segment_titles(segments):
    return [segment.title for segment in segments]


def test_in_running_order_orders_by_order_then_primary_key(segments_of_each):
    assert segment_titles(Segment.objects.in_running_order()) == [
        "Amina speaks",
        "Li speaks",
        "Kwame speaks",
        "Break",
        "Olga speaks",
    ]


def test_spoken_by_takes_a_queryset_panellists_or_primary_keys(segments_of_each):
    _panel, speakers = segments_of_each
    segments = Segment.objects.in_running_order()

    assert segment_titles(segments.spoken_by(Panellist.objects.on_programme())) == [
        "Amina speaks",
        "Kwame speaks",
    ]
    assert segment_titles(segments.spoken_by([speakers["Olga"], speakers["Li"]])) == [
        "Li speaks",
        "Olga speaks",
    ]
    assert segment_titles(segments.spoken_by([speakers["Kwame"].pk])) == ["Kwame speaks"]
    assert list(segments.spoken_by([])) == []


def test_vacated_segments_are_presentations_without_speaker_or_whose_speaker_left(
    segments_of_each,
):
    panel, speakers = segments_of_each

    assert segment_titles(Segment.objects.vacated().in_running_order()) == [
        "Li speaks",
        "Olga speaks",
    ]

    speakers["Amina"].delete()

    assert segment_titles(panel.segments.vacated().in_running_order()) == [
        "Amina speaks",
        "Li speaks",
        "Olga speaks",
    ]


def test_a_panel_without_segments_has_none_vacated(make_panel):
    panel = make_panel()

    assert list(panel.segments.vacated()) == []
    assert list(panel.segments.in_running_order()) == []
