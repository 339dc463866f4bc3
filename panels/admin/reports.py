"""The admin's messages about what a service did: each function takes the model admin, the
request and the service's result object, and says in the secretariat's words what was done,
what was not and why."""

from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Panel, Panellist
from ..wording import clock, prose_list, quoted, quoted_list


def report_published(modeladmin, request, result):
    """Messages for ``services.Published``."""
    say = modeladmin.message_user
    if result.published:
        count = len(result.published)
        say(
            request,
            ngettext(
                "Published %(count)d panel: %(panels)s.",
                "Published %(count)d panels: %(panels)s.",
                count,
            )
            % {"count": count, "panels": quoted_list(result.published)},
            messages.SUCCESS,
        )
    if result.already:
        say(
            request,
            ngettext(
                "%(panels)s was already published.",
                "%(panels)s were already published.",
                len(result.already),
            )
            % {"panels": quoted_list(result.already)},
        )
    if result.overrunning:
        overruns = [
            ngettext(
                "%(panel)s (over by %(minutes)d minute)",
                "%(panel)s (over by %(minutes)d minutes)",
                panel.slot_usage().overrun,
            )
            % {"panel": quoted(panel), "minutes": panel.slot_usage().overrun}
            for panel in result.overrunning
        ]
        say(
            request,
            ngettext(
                "Not published, because its running order overruns its slot: %(panels)s. "
                "Shorten the running order or lengthen the slot first.",
                "Not published, because their running orders overrun their slots: "
                "%(panels)s. Shorten the running orders or lengthen the slots first.",
                len(result.overrunning),
            )
            % {"panels": prose_list(overruns)},
            messages.ERROR,
        )
    if result.unknown_zone:
        say(
            request,
            ngettext(
                "Not published, because its meeting's time zone is not valid: "
                "%(panels)s. Correct it on the meeting's page first.",
                "Not published, because their meetings' time zones are not valid: "
                "%(panels)s. Correct them on the meetings' pages first.",
                len(result.unknown_zone),
            )
            % {"panels": quoted_list(result.unknown_zone)},
            messages.ERROR,
        )


def report_status_changed(modeladmin, request, result):
    """Messages for ``services.StatusChanged`` (cancelled or reinstated)."""
    say = modeladmin.message_user
    changed, unchanged = result.changed, result.unchanged
    values = {"count": len(changed), "panels": quoted_list(changed)}
    if result.status == Panel.Status.CANCELLED:
        if changed:
            say(
                request,
                ngettext(
                    "Cancelled %(count)d panel: %(panels)s. It stays on the public "
                    "programme and in calendars, marked as cancelled.",
                    "Cancelled %(count)d panels: %(panels)s. They stay on the public "
                    "programme and in calendars, marked as cancelled.",
                    len(changed),
                )
                % values,
                messages.SUCCESS,
            )
        if unchanged:
            say(
                request,
                ngettext(
                    "%(panels)s was already cancelled.",
                    "%(panels)s were already cancelled.",
                    len(unchanged),
                )
                % {"panels": quoted_list(unchanged)},
            )
        return
    if changed:
        say(
            request,
            ngettext(
                "Reinstated %(count)d panel: %(panels)s. It is shown as scheduled again.",
                "Reinstated %(count)d panels: %(panels)s. They are shown as scheduled again.",
                len(changed),
            )
            % values,
            messages.SUCCESS,
        )
    if unchanged:
        say(
            request,
            ngettext(
                "%(panels)s was not cancelled.",
                "%(panels)s were not cancelled.",
                len(unchanged),
            )
            % {"panels": quoted_list(unchanged)},
        )


def report_generated(modeladmin, request, result):
    """Messages for ``services.Generated``: what was built, or why not, panel by panel."""
    say = modeladmin.message_user
    for panel in result.unknown_zone:
        say(
            request,
            _(
                "Not generated for %(panel)s: its meeting's time zone is not valid. "
                "Correct it on the meeting's page first."
            )
            % {"panel": quoted(panel)},
            messages.ERROR,
        )
    for panel in result.untimed:
        say(
            request,
            _(
                "Not generated for %(panel)s: it is a break, or its time is not set, so there "
                "is no slot to fill. Give its start and end times first, or build the running "
                "order by hand."
            )
            % {"panel": quoted(panel)},
            messages.ERROR,
        )
    for panel in result.slot_too_long:
        say(
            request,
            _(
                "Not generated for %(panel)s: its slot of %(slot)d minutes would "
                "need a discussion longer than a day. Build the running order by "
                "hand."
            )
            % {"panel": quoted(panel), "slot": panel.slot_minutes},
            messages.ERROR,
        )
    for panel, count in result.too_short:
        say(
            request,
            ngettext(
                "Not generated for %(panel)s: its %(slot)d-minute slot is too short "
                "for the moderator's opening and concluding remarks, a discussion and "
                "%(count)d presentation. Lengthen the slot, or build the running order "
                "by hand.",
                "Not generated for %(panel)s: its %(slot)d-minute slot is too short "
                "for the moderator's opening and concluding remarks, a discussion and "
                "%(count)d presentations. Lengthen the slot, or build the running "
                "order by hand.",
                count,
            )
            % {"panel": quoted(panel), "slot": panel.slot_minutes, "count": count},
            messages.ERROR,
        )
    for panel, timed in result.generated:
        say(
            request,
            ngettext(
                "Generated the standard running order of %(panel)s: %(count)d "
                "segment, %(start)s–%(end)s (%(zone)s).",
                "Generated the standard running order of %(panel)s: %(count)d "
                "segments, %(start)s–%(end)s (%(zone)s).",
                len(timed),
            )
            % {
                "panel": quoted(panel),
                "count": len(timed),
                "start": clock(timed[0].start, panel.zone),
                "end": clock(timed[-1].end, panel.zone),
                "zone": panel.meeting.time_zone,
            },
            messages.SUCCESS,
        )
    if result.existing:
        say(
            request,
            ngettext(
                "Not generated for %(panels)s: it already has a running order, and "
                "generating never overwrites one. To generate it again, delete its "
                "segments first.",
                "Not generated for %(panels)s: they already have a running order, and "
                "generating never overwrites one. To generate them again, delete their "
                "segments first.",
                len(result.existing),
            )
            % {"panels": quoted_list(result.existing)},
            messages.WARNING,
        )


def report_speaker_changes(modeladmin, request, result):
    """Messages for ``services.SpeakerChanges``: the segments kept without a speaker, and
    those a replacement takes over."""
    say = modeladmin.message_user
    for place, kept in result.removed:
        say(
            request,
            ngettext(
                "The running order keeps %(count)d segment of %(name)s without a speaker: "
                "%(segments)s. Choose another speaker for it, or delete it.",
                "The running order keeps %(count)d segments of %(name)s without a speaker: "
                "%(segments)s. Choose another speaker for them, or delete them.",
                len(kept),
            )
            % {
                "count": len(kept),
                "name": place.display_name,
                "segments": quoted_list(segment.display_title for segment in kept),
            },
            messages.WARNING,
        )
    for place, previous, taken in result.replaced:
        say(
            request,
            ngettext(
                "%(new)s replaces %(old)s and takes over their %(count)d segment in the "
                "running order: %(segments)s.",
                "%(new)s replaces %(old)s and takes over their %(count)d segments in the "
                "running order: %(segments)s.",
                len(taken),
            )
            % {
                "new": place.display_name,
                "old": previous.display_name,
                "count": len(taken),
                "segments": quoted_list(segment.display_title for segment in taken),
            },
        )


def report_links_revoked(modeladmin, request, result):
    """Messages for ``services.LinksRevoked``."""
    say = modeladmin.message_user
    if result.revoked:
        say(
            request,
            ngettext(
                "Revoked the personal link of %(count)d panellist: it no longer opens "
                "their answer page.",
                "Revoked the personal links of %(count)d panellists: they no longer open "
                "their answer pages.",
                len(result.revoked),
            )
            % {"count": len(result.revoked)},
            messages.SUCCESS,
        )
    if result.without_link:
        without = len(result.without_link)
        say(
            request,
            ngettext(
                "%(count)d panellist had no personal link to revoke.",
                "%(count)d panellists had no personal link to revoke.",
                without,
            )
            % {"count": without},
        )


def report_answers_recorded(modeladmin, request, result):
    """Messages for ``services.AnswersRecorded``."""
    say = modeladmin.message_user
    label = Panellist.Status(result.status).label
    if result.changed:
        say(
            request,
            ngettext(
                "%(count)d panellist marked as “%(status)s”.",
                "%(count)d panellists marked as “%(status)s”.",
                len(result.changed),
            )
            % {"count": len(result.changed), "status": label},
        )
    if result.unchanged:
        say(
            request,
            ngettext(
                "%(count)d panellist already had the status “%(status)s”.",
                "%(count)d panellists already had the status “%(status)s”.",
                len(result.unchanged),
            )
            % {"count": len(result.unchanged), "status": label},
        )
