"""The one order in which state changes lock rows, and the panel versions they raise.

Every operation that changes a panel or its rows (panellists, segments, concept note) takes
the panels' row locks first, in ascending key order, then the rows below them; two operations
on the same panels therefore wait for each other instead of deadlocking (PostgreSQL 40P01).
Each such change raises the panels' ``version`` (django-concurrency), so that an open copy of
a panel's admin page is refused on saving instead of overwriting the change, and moves their
``modified_at``, so that calendar entries say they were revised (RFC 5545 ``DTSTAMP``,
``LAST-MODIFIED``: who speaks is in the description).

A meeting's and a person's admin pages check their own version the same way (``current_row``):
such a page locks its object's row first, when its form is cleaned, and only then the rows it
saves: a meeting's page its sessions (each row's own check), a person's page the panels of the
corrections it decides (``proposals.decide_proposed_changes``). Two saves of one meeting's or
one person's page therefore wait for each other. (Deciding a correction on a panellist's page
takes the panel first, then the person: saved at the very same moment as the person's page,
one of the two is refused as contention, ``admin.mixins.is_contention``.)
"""

from contextlib import contextmanager

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from ..models import Meeting, Panel, Panellist
from .versions import programme_may_have_changed


def _keys(panels):
    """Primary keys of ``panels`` (``Panel`` objects, keys or a QuerySet), sorted, each once."""
    if hasattr(panels, "values_list"):
        panels = panels.values_list("pk", flat=True)
    return sorted({getattr(panel, "pk", panel) for panel in panels} - {None})


def lock_panels(panels):
    """Lock the rows of ``panels`` in key order until the transaction ends; returns the keys
    (sorted).

    ``panels`` is an iterable of ``Panel`` objects or keys, or a Panel QuerySet (of panels, not
    a ``values_list`` of keys, whose "pk" would be another model's); a QuerySet is
    read in the same statement that locks, so that rows chosen by a condition on their
    panellists ("the panels of these panellists") are the ones as they are once locked. Call
    it inside a transaction (``transaction.atomic``), before locking or writing any row of
    theirs.
    """
    chosen = Panel.objects.select_for_update()
    if isinstance(panels, QuerySet):
        chosen = chosen.filter(pk__in=panels.values("pk"))
    else:
        chosen = chosen.filter(pk__in=_keys(panels))
    return list(chosen.order_by("pk").values_list("pk", flat=True))


def bump_panel_versions(panels, *, revised=True):
    """Increase the ``version`` of ``panels`` (objects, keys or a QuerySet) by one.

    ``update`` bypasses ``save``, which django-concurrency counts on, hence this. With
    ``revised`` (the default) their ``modified_at`` moves to now too: their calendar entries
    are revised. Panels that are locked (``lock_panels``) keep their lock order; panels that
    are not are locked by the update itself.

    Whatever changed the panels may have changed their meetings' public programmes: a new
    version of each is recorded after commit when it did (``versions``). This is how the
    changes written with ``update`` (publishing, answers, items given away) reach the
    changelog.
    """
    keys = _keys(panels)
    values = {"version": F("version") + 1}
    if revised:
        values["modified_at"] = timezone.now()
    Panel.objects.filter(pk__in=keys).update(**values)
    programme_may_have_changed(panels=keys)


bump_panel_versions.alters_data = True


def bump_meeting_versions(meetings):
    """Increase the ``version`` of ``meetings`` (objects or keys) by one, as
    ``bump_panel_versions`` does for panels: a meeting's page opened before a change to one
    of its rows (a room, a section of its concept note) written outside the page then refuses
    to save over it."""
    Meeting.objects.filter(pk__in=_keys(meetings)).update(version=F("version") + 1)


bump_meeting_versions.alters_data = True


@contextmanager
def changing_panels(panels, *, revised=True):
    """Within one transaction: lock ``panels`` in key order and raise their versions.

    ``with changing_panels([panel]) as keys:`` — the body then locks and writes the panels'
    rows (panellists, segments) in the order below them. ``keys`` is the sorted list of panel
    keys. The versions are raised before the body runs, so an admin page opened before it, and
    saved after it, is refused. ``revised`` as in ``bump_panel_versions``.
    """
    with transaction.atomic():
        keys = lock_panels(panels)
        bump_panel_versions(keys, revised=revised)
        yield keys


@transaction.atomic
def current_row(model, pk):
    """The ``model`` object ``pk`` (a ``Panel``, ``Meeting`` or ``Person``) as saved now, its
    row locked until the transaction ends, or ``None`` when there is none (deleted meanwhile,
    or a key that names nothing).

    For the admin's stale-page check: a page's save compares the version it was loaded with
    against this one, and two saves of one object are checked one after the other. Only the
    object's own row is locked (no related rows are read).
    """
    return model.objects.select_for_update().filter(pk=pk).first()


def current_panel(pk):
    """The panel ``pk`` as saved now, its row locked until the transaction ends, or ``None``
    (``current_row``)."""
    return current_row(Panel, pk)


def lock_panellist(panellist):
    """The panellist's row as saved now, locked until the transaction ends, with its panel,
    meeting and person read (not locked); ``None`` when it was deleted meanwhile.

    Its panel is locked first (``lock_panels``), as every change of a panel's rows does. Only
    the panellist's own row is locked (``of=("self",)``): locking the joined meeting and
    person too would make an answer wait for, or deadlock with, an import that saves the
    person.
    """
    lock_panels([panellist.panel_id])
    return (
        Panellist.objects.select_for_update(of=("self",))
        .with_slot()
        .filter(pk=panellist.pk)
        .first()
    )
