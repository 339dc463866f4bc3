"""The choices the models' fields offer, and the limits and defaults they share.

Nothing here imports a model, so that models and querysets alike can read these.
"""

from datetime import date
from functools import cache

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

MAX_SEGMENT_MINUTES = 24 * 60
# Dates the app computes clock times for: far enough either way for any programme, and clear
# of the ends of Python's calendar, where converting between zones overflows.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
DATE_RANGE_VALIDATORS = [
    MinValueValidator(EARLIEST_DATE, message=_("Choose a date from the year 1900 on.")),
    MaxValueValidator(LATEST_DATE, message=_("Choose a date before the year 2200.")),
]
# Days a session may fall before the meeting's first day or after its last (an arrival day, a
# pre-sessional briefing, a field visit after the meeting), and still be on its programme.
OUTSIDE_DAYS = 7
# Longest texts kept, in characters, so that no page is slowed by a pasted book: a section of
# a concept note (the seed's whole note is under 3,000), a short bio (a programme's biography,
# not a CV), a panellist's reason for declining or note to the secretariat (a few paragraphs).
MAX_SECTION_LENGTH = 20_000
MAX_BIO_LENGTH = 3000
MAX_MESSAGE_LENGTH = 2000
# The seed concept note: "Panellists will each make a presentation (max. 10 minutes)."
DEFAULT_PRESENTATION_LIMIT = 10


class MeetingStatus(models.TextChoices):
    """Whether the public can see a meeting."""

    DRAFT = "draft", _("Draft (secretariat only)")
    PUBLIC = "public", _("Public")


class MeetingFormat(models.TextChoices):
    """How people attend a meeting."""

    IN_PERSON = "in_person", _("In person")
    HYBRID = "hybrid", _("Hybrid (in person and online)")
    VIRTUAL = "virtual", _("Virtual (online only)")


class Language(models.TextChoices):
    """Languages a meeting may be interpreted into: the six official languages of the United
    Nations (ISO 639-1 codes) and International Sign (ISO 639-3 "ils")."""

    ARABIC = "ar", _("Arabic")
    CHINESE = "zh", _("Chinese")
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    RUSSIAN = "ru", _("Russian")
    SPANISH = "es", _("Spanish")
    INTERNATIONAL_SIGN = "ils", _("International Sign")


class SiteLanguage(models.TextChoices):
    """The languages the site is written in (``settings.LANGUAGES``: the six official
    languages of the United Nations, with Django's language codes), for a person's emails and
    answer page. ``tests/test_mail_languages.py`` checks that the two lists agree."""

    ARABIC = "ar", _("Arabic")
    CHINESE = "zh-hans", _("Chinese")
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    RUSSIAN = "ru", _("Russian")
    SPANISH = "es", _("Spanish")


class SessionKind(models.TextChoices):
    """What a session of a meeting is. A break shared by every room (lunch, a reception) is a
    session of its own, usually without a room."""

    PANEL = "panel", _("Panel discussion")
    PLENARY = "plenary", _("Plenary session")
    WORKING_GROUP = "working_group", _("Working group")
    SIDE_EVENT = "side_event", _("Side event")
    BRIEFING = "briefing", _("Briefing")
    BREAK = "break", _("Break")
    OTHER = "other", _("Other")


class PanelStatus(models.TextChoices):
    """Whether a panel takes place. A cancelled panel stays on the programme, marked so."""

    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class PanellistDisplay(models.TextChoices):
    """Which panellists a panel's public pages show (declined and withdrawn ones never)."""

    EVERYONE = "everyone", _("Everyone invited, marked “to be confirmed” until they confirm")
    CONFIRMED = "confirmed", _("Only panellists who have confirmed")


class VacatedItems(models.TextChoices):
    """How a panel's public pages show an item whose every speaker declined or withdrew."""

    ANNOUNCE = "announce", _("Shown, with “speaker to be announced”")
    HIDE = "hide", _("Left out until the secretariat gives it to someone")


class Honorific(models.TextChoices):
    """Forms of address used in UN programmes."""

    MR = "Mr.", _("Mr.")
    MS = "Ms.", _("Ms.")
    MX = "Mx.", _("Mx.")
    DR = "Dr.", _("Dr.")
    PROF = "Prof.", _("Prof.")
    HE = "H.E.", _("H.E.")
    HE_MR = "H.E. Mr.", _("H.E. Mr.")
    HE_MS = "H.E. Ms.", _("H.E. Ms.")
    AMB = "Amb.", _("Amb.")
    __empty__ = _("(none)")


class Role(models.TextChoices):
    """A participant's part in a session, in the order programmes list them.

    The parts UN programmes name (Human Rights Council panels, coordination meetings on
    international migration): those who run the session, those who open it, speak and respond,
    and those who report and close.
    """

    CHAIR = "chair", _("Chair")
    CO_CHAIR = "co_chair", _("Co-chair")
    MODERATOR = "moderator", _("Moderator")
    KEYNOTE_SPEAKER = "keynote", _("Keynote speaker")
    OPENING = "opening", _("Opening statement")
    PANELLIST = "panellist", _("Panellist")
    DISCUSSANT = "discussant", _("Discussant")
    RESPONDENT = "respondent", _("Respondent")
    RAPPORTEUR = "rapporteur", _("Rapporteur")
    CLOSING = "closing", _("Closing remarks")


class Attendance(models.TextChoices):
    """How a participant takes part."""

    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    VIDEO = "video", _("Recorded video message")


class AnswerStatus(models.TextChoices):
    """Where a panellist's invitation stands."""

    INVITED = "invited", _("Invited")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The answers after which a panellist is no longer expected to speak: their place is vacated.
OFF_PROGRAMME = (AnswerStatus.DECLINED, AnswerStatus.WITHDRAWN)

# A place's answer and personal link, as they are before any invitation
# (``services.save_panellist`` puts them back when a place passes to another person or panel).
ANSWER_CLEARED = {
    "status": AnswerStatus.INVITED,
    "responded_at": None,
    "decline_reason": "",
    "note_to_secretariat": "",
    "confirmed_times": None,
    "link_hash": "",
}


class SegmentKind(models.TextChoices):
    """What happens in an item of the running order."""

    OPENING = "opening", _("Opening remarks")
    KEYNOTE = "keynote", _("Keynote address")
    AGENDA_ITEM = "agenda_item", _("Agenda item")
    PRESENTATION = "presentation", _("Presentation")
    STATEMENTS = "statements", _("Statements")
    DISCUSSION = "discussion", _("Discussion / Q&A")
    OPEN_FLOOR = "open_floor", _("Open floor")
    TOUR_DE_TABLE = "tour_de_table", _("Tour de table")
    VIDEO = "video", _("Video screening")
    CONCLUDING = "concluding", _("Concluding remarks")
    BREAK = "break", _("Break")
    LUNCH = "lunch", _("Lunch")
    OTHER = "other", _("Other")


class SendingKind(models.TextChoices):
    """Why an email was sent."""

    INVITATION = "invitation", _("Invitation")
    REMINDER = "reminder", _("Reminder")
    TIME_CHANGE = "time_change", _("New time")
    ANSWER_NOTICE = "answer_notice", _("Answer, to the secretariat")
    CANCELLATION = "cancellation", _("Cancellation")
    REINSTATEMENT = "reinstatement", _("Reinstatement")


class ProposalField(models.TextChoices):
    """The details a panellist may correct through their personal link
    (``ProposedChange.field``): the person's position, organisation and bio, and the place's
    presentation title."""

    POSITION = "position", _("position")
    ORGANISATION = "organisation", _("organisation")
    BIO = "bio", _("short bio")
    PRESENTATION_TITLE = "presentation_title", _("presentation title")


class ProposalStatus(models.TextChoices):
    """Where a panellist's proposed correction stands (``ProposedChange.status``)."""

    PENDING = "pending", _("Waiting for a decision")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    SUPERSEDED = "superseded", _("Replaced by a later proposal")


class BulkSendKind(models.TextChoices):
    """What a bulk send sends: the values of the ``SendingKind`` it records."""

    INVITATION = SendingKind.INVITATION.value, _("Invitations")
    REMINDER = SendingKind.REMINDER.value, _("Reminders")


class RecipientState(models.TextChoices):
    """Where one panellist's email of a bulk send is (``BulkSendRecipient``)."""

    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Not sent")
    INTERRUPTED = "interrupted", _("Interrupted")
    SKIPPED = "skipped", _("Not due")


def choice_label(choices, value):
    """The label of ``value`` (str) among ``choices`` (a ``TextChoices`` class) in the active
    language, as a ``str``; ``value`` itself when it is not one of them, as Django's
    ``get_FOO_display`` gives it.

    The labels are lazy translations: ``get_FOO_display`` translates one at every call, which
    a programme of 200 sessions does thousands of times. Here each language's labels are
    translated once per process (the catalogues do not change while it runs).
    """
    language = get_language()
    if language is None:
        # Translation deactivated (``deactivate_all``): the labels as written.
        return str(dict(choices.choices).get(value, value))
    return _labels(choices, language).get(value, value)


@cache
def _labels(choices, language):
    """``{value: label}`` of ``choices`` in ``language`` (the active one), as ``str``."""
    return {member.value: str(member.label) for member in choices}


def label_method(choices, field):
    """A model method ``get_<field>_display()`` (define it on the model as
    ``get_role_display = label_method(Role, "role")``) that gives the label of the field's
    value with ``choice_label``: the same as Django's, translated once per language."""

    def get_display(self):
        return choice_label(choices, getattr(self, field))

    get_display.__doc__ = f"The label of ``{field}`` in the active language (``choice_label``)."
    return get_display
