"""Finding the panel, the person and the place on the panel that a row of the secretariat's
spreadsheet names, and locking the panels a file names.

- the panel is found by its ID, else by its title (within the meeting, when one is given);
  a title or meeting that contradicts the ID is an error, not a guess;
- the person by email address (any case), else, on that panel, by name; else a new one;
- the place on the panel by (panel, person): the stored one, else a new one.

Each refusal is a ``ValidationError`` in the secretariat's words.
"""

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from ..models import Meeting, Panel, Panellist, Person
from ..translation import english_column, english_value


class PanelFinder:
    """Finds panels as ``look_up_panel`` does, remembering each answer, and each refusal, for
    the rows that follow (a file names the same panel in many rows)."""

    def __init__(self, panels=None):
        self.found = {}
        self.panels = Panel.objects.all() if panels is None else panels

    def find(self, panel_id, title, meeting):
        """The panel with ``panel_id``, else called ``title`` in ``meeting`` (both str, ``""``
        when not given). Raises ``ValidationError`` saying why none is found."""
        key = (panel_id, title.casefold(), meeting.casefold())
        if key not in self.found:
            try:
                self.found[key] = look_up_panel(panel_id, title, meeting, self.panels)
            except ValidationError as error:
                self.found[key] = error
        found = self.found[key]
        if isinstance(found, ValidationError):
            raise found
        return found


def look_up_panel(panel_id, title, meeting, panels=None):
    """The panel with ``panel_id`` (an int or ``None``), checked against ``title`` and
    ``meeting`` when they are given; else the one panel with that title (in that meeting).
    Only ``panels`` (a QuerySet: the importing officer's teams' panels; all by default) are
    found. Raises ``ValidationError`` in the secretariat's words."""
    panels = (Panel.objects.all() if panels is None else panels).select_related("meeting")
    if panel_id is not None:
        panel = panels.filter(pk=panel_id).first()
        if panel is None:
            raise ValidationError(
                _(
                    "No panel has the ID %(id)s. Check the panel ID, or leave it blank and "
                    "give the panel's title."
                )
                % {"id": panel_id}
            )
        # Titles are the English ones, as the export gives them (``english_value``).
        if title and title.casefold() != english_value(panel, "title").casefold():
            raise ValidationError(
                _(
                    "Panel %(id)s is “%(actual)s”, not “%(given)s”. Check the panel ID and "
                    "the title."
                )
                % {"id": panel_id, "actual": english_value(panel, "title"), "given": title}
            )
        if meeting and meeting.casefold() != english_value(panel.meeting, "title").casefold():
            raise ValidationError(
                _("Panel %(id)s is in the meeting “%(actual)s”, not “%(given)s”.")
                % {
                    "id": panel_id,
                    "actual": english_value(panel.meeting, "title"),
                    "given": meeting,
                }
            )
        return panel
    if not title:
        raise ValidationError(_("Give the panel: its ID from an export, or its title."))
    candidates = panels.filter(**{f"{english_column(Panel, 'title')}__iexact": title})
    if meeting:
        candidates = candidates.filter(
            **{f"meeting__{english_column(Meeting, 'title')}__iexact": meeting}
        )
    candidates = list(candidates[:2])
    if not candidates:
        if meeting:
            raise ValidationError(
                _("No panel of the meeting “%(meeting)s” is called “%(title)s”.")
                % {"meeting": meeting, "title": title}
            )
        raise ValidationError(_("No panel is called “%(title)s”.") % {"title": title})
    if len(candidates) > 1:
        raise ValidationError(
            _(
                "Several panels are called “%(title)s”. Give the panel ID (from an export) "
                "to say which."
            )
            % {"title": title}
        )
    return candidates[0]


def find_person(email, name, panel, people=None):
    """The person with ``email`` (any case; ``None`` or ``""`` when not given), preferring one
    already on ``panel``; else, on ``panel``, the one called ``name`` (any case) when they
    have no address yet, or when no ``email`` is given. A new, unsaved ``Person`` when nobody
    matches. Only ``people`` (a QuerySet: those the importing officer may see; everyone by
    default) are found. Raises ``ValidationError`` when the name matches several people on
    the panel."""
    people = Person.objects.all() if people is None else people
    on_panel = people.filter(panel_places__panel=panel) if panel else None
    if email:
        by_email = people.filter(email__iexact=email).order_by("pk")
        person = None
        if on_panel is not None:
            person = by_email.filter(pk__in=on_panel).first()
        person = person or by_email.first()
        if person is not None:
            return person
    if on_panel is not None and name:
        namesakes = on_panel.filter(name__iexact=name)
        if email:
            namesakes = namesakes.filter(email="")
        namesakes = list(namesakes.order_by("pk")[:2])
        if len(namesakes) > 1:
            raise ValidationError(
                _(
                    "Several people on this panel are called “%(name)s”. Give their email "
                    "addresses to say which."
                )
                % {"name": name}
            )
        if namesakes:
            return namesakes[0]
    return Person()


def find_place(panel, person):
    """The place of ``person`` on ``panel``, and whether it is new: the stored one, else a new,
    unsaved ``Panellist`` last in ``panel``'s order (on no panel when ``panel`` is ``None``)."""
    place = None
    if panel is not None and person.pk is not None:
        place = Panellist.objects.filter(panel=panel, person=person).first()
    new = place is None
    if new:
        place = Panellist(person=person)
        if panel is not None:
            place.panel = panel
            last = panel.panellists.aggregate(last=Max("order"))["last"]
            place.order = 0 if last is None else last + 1
    else:
        place.panel = panel
        place.person = person
    return place, new
