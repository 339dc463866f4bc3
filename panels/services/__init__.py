"""Every state change of the app, as named operations.

Each takes plain arguments (who acts, which objects, what), runs in one transaction, takes its
locks through ``locking`` (panels first, in key order, their versions raised), writes the
admin's history where an officer acts, and returns a small result object that the caller (an
admin action, a view, a management command, an import) turns into its own messages.

- ``answers``: a panellist's answer, through their link or on their behalf.
- ``links``: personal links issued, looked up and revoked.
- ``emails``: invitations, reminders, new-time and answer notices (``panels.mail`` writes
  and sends them).
- ``bulk_sends``: invitations and reminders to many, recorded and sent by the task queue, with
  their progress; nobody sent two copies when a worker stops mid-run.
- ``publishing``: publish, cancel, reinstate.
- ``running_orders``: generate the standard running order, renumber segments.
- ``proposals``: a panellist's corrections to their details, accepted or rejected by the
  secretariat.
- ``vacated``: the items of a participant who declined, given to another or dropped.
- ``programmes``: a programme imported from a spreadsheet: running orders replaced.
- ``panels`` and ``panellists``: saving meetings, panels and places, with what a change
  entails.
- ``versions``: the public programme's versions, recorded after commit whenever it
  changed (the public changelog).
- ``locking`` and ``history``: the lock order and version bumps, the rows read locked for the
  admin's stale-page check (``current_row``), the admin's history.
"""

from .answers import (
    AnswersRecorded,
    LinkAnswer,
    PanelCancelled,
    StaleAnswer,
    answer,
    answer_through_link,
    record_answer,
    record_answers,
)
from .bulk_sends import (
    BulkSendsResumed,
    BulkSendsStarted,
    resume_bulk_sends,
    run_bulk_send,
    start_bulk_sends,
)
from .emails import (
    Emailed,
    Outcome,
    due_for_reminder,
    invite,
    notify_cancellations,
    notify_reinstatements,
    notify_secretariat,
    notify_time_changes,
    remind,
    send_one,
)
from .links import (
    LINK_SECRET_BYTES,
    LinksRevoked,
    answer_deadline,
    issue_link,
    link_hash,
    panellist_for_link,
    revoke_link,
    revoke_links,
)
from .locking import (
    bump_panel_versions,
    changing_panels,
    current_panel,
    current_row,
    lock_panels,
)
from .panellists import (
    SpeakerChanges,
    delete_panellists,
    hand_over_moderation,
    save_panellist,
    speaker_changes,
    spoken_segments,
)
from .panels import TeamJoined, join_team, save_meeting, save_panel, save_room
from .programmes import log_programme_import, open_running_order, remove_items, save_item
from .proposals import Decided, decide_proposed_changes, pending_values, propose_changes
from .publishing import Published, StatusChanged, cancel, publish, reinstate, set_status
from .running_orders import (
    NOT_PRESENTING,
    Generated,
    RunningOrderExists,
    SpeakersSet,
    generate_running_order,
    generate_running_orders,
    presenters,
    renumber_segments,
    set_speakers,
)
from .slots import own_segments, slot_fingerprint, slot_times
from .vacated import CannotTakeItems, ItemsMoved, give_items
from .versions import (
    VersionRecorded,
    programme_may_have_changed,
    programme_snapshot,
    record_programme_version,
)

__all__ = [
    "TeamJoined",
    "LINK_SECRET_BYTES",
    "NOT_PRESENTING",
    "AnswersRecorded",
    "BulkSendsResumed",
    "BulkSendsStarted",
    "CannotTakeItems",
    "Decided",
    "Emailed",
    "Generated",
    "ItemsMoved",
    "LinkAnswer",
    "LinksRevoked",
    "Outcome",
    "PanelCancelled",
    "Published",
    "RunningOrderExists",
    "SpeakerChanges",
    "SpeakersSet",
    "StaleAnswer",
    "StatusChanged",
    "VersionRecorded",
    "answer",
    "answer_deadline",
    "answer_through_link",
    "bump_panel_versions",
    "cancel",
    "changing_panels",
    "current_panel",
    "current_row",
    "decide_proposed_changes",
    "delete_panellists",
    "due_for_reminder",
    "generate_running_order",
    "generate_running_orders",
    "give_items",
    "hand_over_moderation",
    "invite",
    "issue_link",
    "link_hash",
    "lock_panels",
    "log_programme_import",
    "notify_cancellations",
    "notify_reinstatements",
    "notify_secretariat",
    "notify_time_changes",
    "open_running_order",
    "own_segments",
    "panellist_for_link",
    "pending_values",
    "presenters",
    "programme_may_have_changed",
    "programme_snapshot",
    "propose_changes",
    "publish",
    "record_answer",
    "record_answers",
    "record_programme_version",
    "reinstate",
    "remind",
    "remove_items",
    "renumber_segments",
    "revoke_link",
    "revoke_links",
    "run_bulk_send",
    "join_team",
    "save_meeting",
    "save_panel",
    "save_panellist",
    "save_item",
    "save_room",
    "send_one",
    "set_speakers",
    "set_status",
    "resume_bulk_sends",
    "start_bulk_sends",
    "slot_fingerprint",
    "slot_times",
    "speaker_changes",
    "spoken_segments",
]
