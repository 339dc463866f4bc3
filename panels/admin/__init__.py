"""The admin: the secretariat's tool for meetings, panels, people and running orders.

One module per area (``meetings``, ``panels``, ``panellists``, ``people``), each a set of
declarations that call ``panels.services`` and turn their results into messages
(``reports``), and ``bulk_sends`` (the progress of invitations and reminders sent by the
task queue); shared pieces in ``mixins``, ``filters``, ``forms``, ``formsets``, ``stale``,
``keys``, ``imports``, ``teams`` (each meeting's team: lists, pages and choices narrowed to it)
and ``history`` with ``history_entries`` (History pages with values, and putting back).
Importing this package registers every model admin.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .bulk_sends import BulkSendAdmin
from .meetings import MeetingAdmin, PanelInline
from .panellists import PanellistAdmin, SendingInline
from .panels import (
    ConceptNoteSectionInline,
    PanelAdmin,
    PanellistInline,
    SegmentInline,
)
from .people import PanelPlaceInline, PersonAdmin

admin.site.site_header = _("Panel sessions: secretariat")
admin.site.site_title = _("Panel sessions")
admin.site.index_title = _("Meetings, panels and people")

__all__ = [
    "BulkSendAdmin",
    "ConceptNoteSectionInline",
    "MeetingAdmin",
    "PanelAdmin",
    "PanelInline",
    "PanelPlaceInline",
    "PanellistAdmin",
    "PanellistInline",
    "PersonAdmin",
    "SegmentInline",
    "SendingInline",
]
