"""Helpers for the admin's tests: reading a rendered admin page as a browser would (its form's
POST data, a list's columns, read-only fields, messages), the admin's addresses, and clients
signed in with given permissions.

POST data for change pages is read from the rendered page, as a browser would send it, so the
inline formsets' management forms are always right.
"""

import re
import threading
from datetime import UTC, datetime
from html import unescape
from html.parser import HTMLParser

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.db import connection
from django.urls import reverse

from panels.models import Panel, Room

# ---------------------------------------------------------------------------------------------
# Reading the rendered admin form


class AdminFormParser(HTMLParser):
    """Collect what a browser submits from an admin change form, and each select's options.

    ``data`` maps field names to values (unchecked checkboxes and the inlines' ``__prefix__``
    templates left out; a list for several ticked boxes of one name); ``options`` maps each
    select's name to its ``(value, label)`` pairs; ``boxes`` each checkbox name to the values
    of its boxes, ticked or not.
    """

    SKIPPED_INPUTS = {"submit", "button", "reset", "image", "file"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data = {}
        self.options = {}
        self.boxes = {}
        self._in_form = False
        self._select = None
        self._option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id", "").endswith("_form"):
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name", "")
        if tag == "input" and name and attrs.get("type", "text") not in self.SKIPPED_INPUTS:
            if attrs.get("type") in {"checkbox", "radio"}:
                self.boxes.setdefault(name, []).append(attrs.get("value") or "on")
                if "checked" in attrs:
                    self._add(name, attrs.get("value") or "on")
            else:
                self._set(name, attrs.get("value") or "")
        elif tag == "select":
            self._select = {"name": name, "options": [], "selected": None}
        elif tag == "option" and self._select is not None:
            self._option = {
                "value": attrs.get("value"),
                "label": "",
                "selected": "selected" in attrs,
            }
        elif tag == "textarea":
            self._textarea = {"name": name, "text": ""}

    def handle_data(self, data):
        if self._option is not None:
            self._option["label"] += data
        elif self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "option" and self._option is not None:
            option, self._option = self._option, None
            value = option["label"] if option["value"] is None else option["value"]
            self._select["options"].append((value, option["label"].strip()))
            if option["selected"]:
                self._select["selected"] = value
        elif tag == "select" and self._select is not None:
            select, self._select = self._select, None
            self.options[select["name"]] = select["options"]
            value = select["selected"]
            if value is None and select["options"]:
                value = select["options"][0][0]
            if value is not None:
                self._set(select["name"], value)
        elif tag == "textarea" and self._textarea is not None:
            textarea, self._textarea = self._textarea, None
            # The HTML parser keeps the newline that browsers drop after <textarea>.
            self._set(textarea["name"], textarea["text"].removeprefix("\n"))

    def _set(self, name, value):
        if "__prefix__" not in name:
            self.data[name] = value

    def _add(self, name, value):
        """Set ``name``, or make it a list of values when a box of that name is ticked
        already (a multiple choice)."""
        if name in self.data:
            values = self.data[name]
            self.data[name] = [*values, value] if isinstance(values, list) else [values, value]
        else:
            self._set(name, value)


def parse_form(response):
    assert response.status_code == 200
    parser = AdminFormParser()
    parser.feed(response.content.decode())
    return parser


def form_data(response):
    """The POST data a browser would send for the admin form on ``response``'s page."""
    return parse_form(response).data


def add_row(data, prefix, **fields):
    """Add a new row to the inline formset ``prefix`` in POST ``data``; return its index."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    for name, value in fields.items():
        data[f"{prefix}-{index}-{name}"] = value
    return index


def row_index(data, prefix, pk):
    """The index of the row showing the object with primary key ``pk`` in ``prefix``."""
    for name, value in data.items():
        match = re.fullmatch(rf"{prefix}-(\d+)-id", name)
        if match and value == str(pk):
            return int(match.group(1))
    raise AssertionError(f"no row for {pk} in {prefix}")


def inline_formset(response, model):
    """The bound formset of ``model``'s inline on a re-displayed admin form."""
    (inline,) = (
        inline
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is model
    )
    return inline.formset


def column(response, name):
    """The texts of column ``name`` of a changelist or a tabular inline, row by row.

    The template row that an inline copies for "Add another" is left out.
    """
    page = re.sub(r'<tr class="[^"]*empty-form.*?</tr>', "", response.content.decode(), flags=re.S)
    cells = re.findall(rf'<t[dh] class="field-{name}[^"]*">(.*?)</t[dh]>', page, re.S)
    return [unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]


def readonly_value(response, name):
    """The text of read-only field ``name`` on a change page."""
    match = re.search(
        rf'field-{name}\b.*?<div class="readonly">(.*?)</div>', response.content.decode(), re.S
    )
    assert match, f"no read-only field {name}"
    return unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()


def text_of(html):
    """The text of an HTML fragment, tags removed and whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def checks_column(response):
    """The panel list's "checks" column, row by row: "OK", or ``(summary, [finding, ...])``."""
    cells = re.findall(r'<td class="field-checks">(.*?)</td>', response.content.decode(), re.S)
    rows = []
    for cell in cells:
        summary = re.search(r"<summary>(.*?)</summary>", cell, re.S)
        if summary is None:
            rows.append(text_of(cell))
        else:
            items = re.findall(r"<li[^>]*>(.*?)</li>", cell, re.S)
            rows.append((text_of(summary.group(1)), [text_of(item) for item in items]))
    return rows


def findings_field(response):
    """The findings listed in the panel page's read-only "checks" field, or its text."""
    match = re.search(
        r'field-findings\b.*?<div class="readonly">(.*?)</div>', response.content.decode(), re.S
    )
    assert match, "no checks field"
    items = re.findall(r"<li[^>]*>(.*?)</li>", match.group(1), re.S)
    return [text_of(item) for item in items] if items else text_of(match.group(1))


def messages_of(response):
    """The messages shown on ``response``'s page, as text (the admin links object names)."""
    return [text_of(str(message)) for message in response.context["messages"]]


def public_running_order(client, panel):
    """The rows of the public panel page's running order: (time, minutes, item, speaker)."""
    page = client.get(panel.get_absolute_url()).content.decode()
    table = re.search(r'<table class="running-order">.*?<tbody>(.*?)</tbody>', page, re.S)
    return [
        tuple(text_of(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S))
        for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
    ]


def admin_url(model, view, *args):
    return reverse(f"admin:panels_{model._meta.model_name}_{view}", args=args)


def running_order_rows(panel):
    """The saved running order with clock times: (time, title, speaker), in running order."""
    panel = Panel.objects.with_running_order().select_related("meeting").get(pk=panel.pk)
    return [
        (
            f"{timed.start:%H:%M}–{timed.end:%H:%M}",
            timed.item.display_title,
            ", ".join(place.display_name for place in timed.item.speaker_places()),
        )
        for timed in panel.timed_segments()
    ]


# ---------------------------------------------------------------------------------------------
# Acting in the admin


def run_action(client, model, action, selected, **extra):
    """Run ``action`` of ``model``'s list on the objects ``selected`` (``extra``: more of the
    form, such as ``post="yes"`` to confirm an action that asks first); return the page
    shown."""
    data = {"action": action, "_selected_action": [obj.pk for obj in selected], **extra}
    return client.post(admin_url(model, "changelist"), data, follow=True)


# ---------------------------------------------------------------------------------------------
# Stale copies of a page

# When a stale copy was loaded (``stale_copy``), and when what is saved after it is dated
# (``save_copy``), so that a refusal's history reads the same on every run.
LOADED_AT = "2026-11-30T10:00:00+00:00"
SAVED_AT = datetime(2026, 11, 30, 10, 5, tzinfo=UTC)
SINCE = "Saved since you opened this page at Nov. 30, 2026, 10:00 (UTC):"


def change_url(obj):
    """The admin page of ``obj`` (a meeting, panel, person or panellist)."""
    return admin_url(type(obj), "change", obj.pk)


def stale_copy(client, obj):
    """``obj``'s admin page as ``client`` opened it at ``LOADED_AT``, as POST data."""
    data = form_data(client.get(change_url(obj)))
    data["loaded_at"] = LOADED_AT
    return data


def save_copy(client, obj, data):
    """Post ``data`` to ``obj``'s admin page; the history written is dated ``SAVED_AT``."""
    response = client.post(change_url(obj), data)
    # Date the history of what was just saved, so that messages can be compared whole.
    LogEntry.objects.update(action_time=SAVED_AT)
    return response


def refusal(response):
    """The reasons the page's own form gives for refusing the save."""
    assert response.status_code == 200
    return list(response.context["adminform"].form.non_field_errors())


def save_at_the_same_moment(monkeypatch, admin_class, url, first, second):
    """Post two copies of one admin page to ``url`` at the same moment; return the two
    responses.

    ``first`` and ``second`` are ``(client, data)``. The first save is held once its form is
    checked, just before ``admin_class.save_model``, until the second has started; the second
    must then be waiting (for the first one's row lock: PostgreSQL only), and the first goes
    on. Needs a database the threads share (``django_db(transaction=True)``).
    """
    checked, go_on = threading.Event(), threading.Event()
    save_model = admin_class.save_model

    def save_model_once_the_other_save_waits(self, request, obj, form, change):
        if threading.current_thread().name == "first":
            checked.set()
            go_on.wait(timeout=10)
        save_model(self, request, obj, form, change)

    monkeypatch.setattr(admin_class, "save_model", save_model_once_the_other_save_waits)
    responses = {}

    def post(name, client, data):
        try:
            responses[name] = client.post(url, data)
        finally:
            connection.close()

    threads = {
        name: threading.Thread(target=post, name=name, args=(name, *copy))
        for name, copy in (("first", first), ("second", second))
    }
    threads["first"].start()
    assert checked.wait(timeout=10)
    threads["second"].start()
    # The second save now waits for the first one's lock.
    threads["second"].join(timeout=1)
    assert threads["second"].is_alive()
    go_on.set()
    for thread in threads.values():
        thread.join(timeout=10)
    return responses["first"], responses["second"]


def staff_with(client, django_user_model, *codenames):
    """``client`` signed in as a staff member with only the permissions ``codenames``."""
    user = django_user_model.objects.create_user("officer", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return client


def room_id(panel, name):
    """What a room select sends for the room ``name`` of ``panel``'s meeting (its key, a str),
    the room made when the meeting has none of that name."""
    return str(Room.objects.get_or_create(meeting=panel.meeting, name=name)[0].pk)
