"""State-changing operations (panels.services): answers, generating a running order and
publishing. Locking, history and result objects: ``test_services_operations.py``."""

from datetime import UTC, datetime, time

import pytest
from django.core.exceptions import ValidationError

from panels import running_order, services
from panels.models import Panellist, Segment


@pytest.fixture
def seed_like_panel(make_panel, make_panellist, make_person):
    """A 90-minute panel (15:00–16:30 New York) with a moderator and four panellists."""
    panel = make_panel()
    make_panellist(panel, person=make_person(name="Moderator"), role=Panellist.Role.MODERATOR)
    for n in range(1, 5):
        make_panellist(
            panel, person=make_person(name=f"Panellist {n}"), presentation_title=f"T{n}"
        )
    return panel


def rows(panel):
    return [
        (
            f"{t.start:%H:%M}-{t.end:%H:%M}",
            t.item.kind,
            t.item.title,
            str(t.item.speaker_places()[0].person),
        )
        for t in panel.timed_segments()
    ]


def test_generate_running_order_follows_the_seed_organization(seed_like_panel):
    created = services.generate_running_order(seed_like_panel)

    assert len(created) == 7
    assert rows(seed_like_panel) == [
        ("15:00-15:05", "opening", "", "Moderator"),
        ("15:05-15:15", "presentation", "T1", "Panellist 1"),
        ("15:15-15:25", "presentation", "T2", "Panellist 2"),
        ("15:25-15:35", "presentation", "T3", "Panellist 3"),
        ("15:35-15:45", "presentation", "T4", "Panellist 4"),
        ("15:45-16:25", "discussion", "", "Moderator"),
        ("16:25-16:30", "concluding", "", "Moderator"),
    ]


def test_generate_running_order_leaves_out_who_declined(seed_like_panel):
    seed_like_panel.panellists.filter(person__name="Panellist 2").update(
        status=Panellist.Status.DECLINED
    )

    services.generate_running_order(seed_like_panel)

    speakers = [row[3] for row in rows(seed_like_panel) if row[1] == "presentation"]
    assert speakers == ["Panellist 1", "Panellist 3", "Panellist 4"]
    assert rows(seed_like_panel)[-2][0] == "15:35-16:25"


def test_generate_running_order_gives_the_remarks_to_the_chair_without_a_moderator(
    make_panel, make_panellist, make_person
):
    panel = make_panel()
    make_panellist(panel, person=make_person(name="Chair"), role=Panellist.Role.CHAIR)

    created = services.generate_running_order(panel)

    assert len(created) == 3
    assert rows(panel) == [
        ("15:00-15:05", "opening", "", "Chair"),
        ("15:05-16:25", "discussion", "", "Chair"),
        ("16:25-16:30", "concluding", "", "Chair"),
    ]


def test_generate_running_order_never_overwrites(seed_like_panel, make_segment):
    existing = make_segment(seed_like_panel, 30, title="Kept")

    with pytest.raises(services.RunningOrderExists):
        services.generate_running_order(seed_like_panel)

    assert list(seed_like_panel.segments.all()) == [existing]


def test_generate_running_order_too_many_people_for_the_slot(
    make_panel, make_panellist, make_person
):
    panel = make_panel(start_time=time(15), end_time=time(15, 30))
    for n in range(12):
        make_panellist(panel, person=make_person(name=f"P{n}"))

    with pytest.raises(running_order.PlanDoesNotFit):
        services.generate_running_order(panel)

    assert not Segment.objects.exists()


def test_record_answer_stamps_and_is_idempotent(make_panel, make_panellist):
    place = make_panellist(make_panel())
    moment = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

    assert services.record_answer(place, Panellist.Status.CONFIRMED, at=moment) is True
    assert services.record_answer(place, Panellist.Status.CONFIRMED) is False

    place.refresh_from_db()
    assert (place.status, place.responded_at) == ("confirmed", moment)


def test_publishing_an_overrunning_panel_is_refused(make_panel, make_segment):
    panel = make_panel(is_published=False)
    make_segment(panel, 95, kind=Segment.Kind.DISCUSSION)
    panel.is_published = True

    with pytest.raises(ValidationError) as error:
        panel.full_clean()

    assert error.value.message_dict == {
        "is_published": [
            "This panel cannot be published: its running order (95 minutes) overruns its "
            "90-minute slot by 5 minutes. Shorten the running order or lengthen the slot first, "
            "or untick “published” to save it as a draft."
        ]
    }


def test_publishing_a_panel_that_fits_is_allowed(make_panel, make_segment):
    panel = make_panel(is_published=False)
    make_segment(panel, 90, kind=Segment.Kind.DISCUSSION)
    panel.is_published = True

    panel.full_clean()  # raises ValidationError when refused

    result = services.publish([panel])
    assert result.published == [panel]
    panel.refresh_from_db()
    assert panel.is_published is True


def test_lengthening_the_slot_lets_an_overrunning_panel_be_published(make_panel, make_segment):
    panel = make_panel(is_published=False)
    make_segment(panel, 95, kind=Segment.Kind.DISCUSSION)
    assert services.publish([panel]).overrunning == [panel]

    panel.end_time = time(16, 35)
    services.save_panel(panel)

    result = services.publish([panel])
    assert (result.published, result.overrunning) == ([panel], [])
    panel.refresh_from_db()
    assert panel.is_published is True


def test_seed_panel_running_order_generated_again_is_the_seeds(seed_panel):
    before = [
        (t.item.kind, t.duration, [p.pk for p in t.item.speaker_places()])
        for t in seed_panel.timed_segments()
    ]
    seed_panel.segments.all().delete()

    services.generate_running_order(seed_panel)

    timed = seed_panel.timed_segments()
    assert [
        (t.item.kind, t.duration, [p.pk for p in t.item.speaker_places()]) for t in timed
    ] == before
    assert (f"{timed[0].start:%H:%M}", f"{timed[-1].end:%H:%M}") == ("15:00", "16:30")
