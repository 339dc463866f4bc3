"""Finding what a row of a programme spreadsheet names: the session (by day and title within
the meeting), the room (by name), the person (by name) and their place in the session.

- the session: the meeting's session of that title (any case) on that day; a new, unsaved
  ``Panel`` when there is none; refused when several match;
- the room: the meeting's room of that name (any case); an unknown name is an error, since
  rooms are set up on the meeting's page;
- the person: by exact name, whatever its case, preferring someone already in the session,
  else the earliest recorded; a new, unsaved ``Person`` when nobody matches;
- the place: the person's place in the session; a place without a person by its function
  (any case), a place to be announced as the session's place without person or function; a
  new, unsaved ``Panellist`` last in the session's order when there is none.
"""

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from ..models import Panel, Panellist, Person, Role, Room
from ..translation import english_value


def same_text(first, second):
    """Whether two names are the same whatever their case, in any script ("Zoë" and "ZOË"):
    compared in Python, since SQLite's own comparison folds the case of ASCII letters only."""
    return first.casefold() == second.casefold()


def find_session(meeting, day, title):
    """The session of ``meeting`` called ``title`` (any case) on ``day`` (a ``date``), or
    ``None``. Raises ``ValidationError`` when several are."""
    found = [
        panel
        for panel in Panel.objects.filter(meeting=meeting, date=day)
        .select_related("meeting", "room")
        .order_by("pk")
        if same_text(english_value(panel, "title"), title)
    ][:2]
    if len(found) > 1:
        raise ValidationError(
            _(
                "The meeting has several sessions called “%(title)s” on this day. Rename one "
                "of them in the admin first, so that the file names one session."
            )
            % {"title": title}
        )
    return found[0] if found else None


def find_room(meeting, name):
    """The room of ``meeting`` called ``name`` (any case). Raises ``ValidationError`` naming
    the meeting's rooms when it has none of that name: rooms are set up on the meeting's page
    (issue 11: an unknown room in a row is bad input, not a new room)."""
    rooms = Room.objects.filter(meeting=meeting).order_by("pk")
    room = next((room for room in rooms if same_text(room.name, name)), None)
    if room is not None:
        return room
    names = list(Room.objects.filter(meeting=meeting).values_list("name", flat=True))
    if names:
        raise ValidationError(
            _(
                "This meeting has no room “%(name)s”. Use one of %(rooms)s, or add the room "
                "on the meeting's page first."
            )
            % {"name": name, "rooms": ", ".join(f"“{room}”" for room in names)}
        )
    raise ValidationError(
        _(
            "This meeting has no room “%(name)s”, nor any room yet: add its rooms on the "
            "meeting's page first."
        )
        % {"name": name}
    )


def find_person(name, panel, people=None):
    """The person called ``name`` (any case): one already in ``panel``'s session first, else
    the earliest recorded; a new, unsaved ``Person`` when nobody is. Only ``people`` (a
    QuerySet: those the importing officer may see; everyone by default) are found."""
    people = Person.objects.all() if people is None else people
    namesakes = people.filter(name__iexact=name).order_by("pk")
    if not name.isascii():
        # SQLite folds the case of ASCII letters only: compare the rest in Python.
        namesakes = people.filter(
            pk__in=[
                person.pk
                for person in people.only("pk", "name").iterator()
                if same_text(person.name, name)
            ]
        ).order_by("pk")
    person = namesakes.filter(panel_places__panel=panel).first() or namesakes.first()
    return person or Person(name=name)


def next_place_order(panel):
    """The order of appearance after the last of ``panel``'s places (0 for the first)."""
    last = panel.panellists.aggregate(last=Max("order"))["last"]
    return 0 if last is None else last + 1


def find_place(panel, mention, people=None):
    """The place in ``panel`` that ``mention`` (a ``programme_cells.SpeakerMention``) names,
    and whether it is new. A new place is a panellist in person unless the mention says
    otherwise, last in the session's order; its person may be new and unsaved too. The
    person is found among ``people`` (``find_person``)."""
    if mention.name:
        person = find_person(mention.name, panel, people)
        place = None
        if person.pk is not None:
            place = Panellist.objects.filter(panel=panel, person=person).first()
        if place is not None:
            place.person = person
            return place, False
        return Panellist(panel=panel, person=person, order=next_place_order(panel)), True
    place = (
        Panellist.objects.filter(panel=panel, person=None, function__iexact=mention.function)
        .order_by("order", "pk")
        .first()
    )
    if place is not None:
        return place, False
    return (
        Panellist(
            panel=panel,
            function=mention.function,
            role=Role.PANELLIST,
            order=next_place_order(panel),
        ),
        True,
    )
