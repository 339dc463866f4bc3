"""What a meeting or a session publishes beside its programme: concept-note sections and
documents. Each belongs to a meeting (shown on its programme page) or to one of its sessions
(shown on the session's page), never both."""

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..text import undocs_url
from ..validators import validate_single_line
from .choices import MAX_SECTION_LENGTH
from .history import HistoricalActor, History
from .meetings import Meeting
from .panels import Panel

# Exactly one owner: the meeting or a session.
ONE_OWNER = Q(meeting__isnull=False, panel__isnull=True) | Q(
    meeting__isnull=True, panel__isnull=False
)


class ConceptNoteSection(models.Model):
    """One section of a meeting's or a session's concept note: a heading and a Markdown body.

    The seed's concept note has "Background" and "Organization". Bodies are rendered through
    ``panels.text.render_markdown`` (sanitised by nh3, UN document symbols linked).
    """

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sections",
        verbose_name=_("meeting"),
    )
    panel = models.ForeignKey(
        Panel,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sections",
        verbose_name=_("panel"),
    )
    heading = models.CharField(_("heading"), max_length=300, validators=[validate_single_line])
    body = models.TextField(
        _("text"),
        max_length=MAX_SECTION_LENGTH,
        validators=[MaxLengthValidator(MAX_SECTION_LENGTH)],
        help_text=_(
            "Markdown: *emphasis*, lists, [links](https://…). UN document symbols such as "
            "A/71/1 become links to the document."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = History(bases=[HistoricalActor])

    class Meta:
        verbose_name = _("concept note section")
        verbose_name_plural = _("concept note sections")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=ONE_OWNER,
                name="section_of_meeting_or_panel",
                violation_error_message=_(
                    "A section belongs to the meeting or to one of its sessions."
                ),
            ),
        ]

    def __str__(self):
        return self.heading


class Document(models.Model):
    """A document of a meeting or a session: a report, a resolution, a list of participants.

    Given by its UN document symbol ("A/HRC/31/1", linked to undocs.org) or by an address
    (or both: the address is then the one linked).
    """

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("meeting"),
    )
    panel = models.ForeignKey(
        Panel,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("panel"),
    )
    title = models.CharField(_("title"), max_length=500, validators=[validate_single_line])
    symbol = models.CharField(
        _("document symbol"),
        max_length=100,
        blank=True,
        validators=[validate_single_line],
        help_text=_("A UN document symbol, e.g. A/HRC/31/1; linked to the document."),
    )
    url = models.URLField(_("address"), blank=True, help_text=_("Where the document is."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=ONE_OWNER,
                name="document_of_meeting_or_panel",
                violation_error_message=_(
                    "A document belongs to the meeting or to one of its sessions."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(symbol="") | ~Q(url=""),
                name="document_has_symbol_or_address",
                violation_error_message=_("Give the document's symbol or its address."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def link(self):
        """Where the document is read: its address, else undocs.org for its symbol."""
        return self.url or undocs_url(self.symbol)
