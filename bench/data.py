"""The benchmarks' data: a public meeting of any size (``build``), shared by bench/pages.py
and bench/serve.py. Call it with Django set up and the database migrated."""

from datetime import date, time


def build(panels, people, segments, days=5, rooms=3, slug="benchmark"):
    """Create one public meeting with ``panels`` sessions over ``days`` days in ``rooms``
    rooms, at ``/meetings/<slug>/``; return (meeting, a session)."""
    from panels.models import Meeting, Panel, Panellist, Person, Room, Segment, SegmentSpeaker

    meeting = Meeting.objects.create(
        title="Benchmark meeting",
        slug=slug,
        start_date=date(2026, 2, 16),
        end_date=date(2026, 2, 15 + days),
        time_zone="America/New_York",
        status=Meeting.Status.PUBLIC,
    )
    halls = [Room.objects.create(meeting=meeting, name=f"Room {n}", order=n) for n in range(rooms)]
    for index in range(panels):
        panel = Panel.objects.create(
            meeting=meeting,
            title=f"Panel {index}",
            date=date(2026, 2, 16 + index % days),
            start_time=time(9 + index % 8, 0),
            end_time=time(9 + index % 8, 50),
            room=halls[index % rooms],
            is_published=True,
        )
        places = [
            Panellist.objects.create(
                panel=panel,
                person=Person.objects.create(name=f"Person {index}-{n}"),
                role=Panellist.Role.MODERATOR if n == 0 else Panellist.Role.PANELLIST,
                order=n,
            )
            for n in range(people)
        ]
        items = Segment.objects.bulk_create(
            Segment(panel=panel, duration_minutes=None if n % 4 == 3 else 5, order=n)
            for n in range(segments)
        )
        SegmentSpeaker.objects.bulk_create(
            SegmentSpeaker(segment=item, panellist=places[(n + k) % len(places)], order=k)
            for n, item in enumerate(items)
            for k in range(min(2, len(places)))
        )
    return meeting, panel
