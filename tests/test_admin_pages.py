"""Every page of the admin opens and shows what it is for: its title and heading, and the
rows, fields or inlines an officer comes to it for. The lists' search, filters and sorting open.
"""

import re

import pytest

from panels.models import Meeting, Panel, Panellist, Person
from tests.admin_helpers import admin_url, column, form_data, parse_form, text_of

# ---------------------------------------------------------------------------------------------
# Every page opens


def form_fields(response):
    """The names of the fields of the page's form, in order, the inlines' rows and the CSRF
    token left out."""
    return [
        name for name in form_data(response) if "-" not in name and name != "csrfmiddlewaretoken"
    ]


def inline_prefixes(response):
    """The inlines on the page's form, by their prefix, in order."""
    return [inline.formset.prefix for inline in response.context["inline_admin_formsets"]]


def translated(name):
    """The fields of a translated field, one per language, in the order of LANGUAGES."""
    return [f"{name}_{code}" for code in ("ar", "zh_hans", "en", "fr", "ru", "es")]


# (model, view): the page's heading; what it shows, read from the page; what that must be.
PAGES = {
    (Meeting, "changelist"): (
        "Select meeting to change",
        lambda response: column(response, "title"),
        ["Test meeting"],
    ),
    (Meeting, "add"): (
        "Add meeting",
        lambda response: (
            form_fields(response)[:7],
            parse_form(response).options["time_zone"][:2],
            inline_prefixes(response),
        ),
        (
            [*translated("title"), "slug"],
            [("", "Choose the venue's time zone"), ("Africa/Abidjan", "Africa/Abidjan")],
            [],
        ),
    ),
    (Meeting, "change"): (
        "Change meeting",
        lambda response: (form_data(response)["title_en"], column(response, "total")),
        ("Test meeting", ["85 of 90 minutes"]),
    ),
    (Panel, "changelist"): (
        "Select panel to change",
        lambda response: column(response, "title"),
        ["Migration and the 2030 Agenda"],
    ),
    (Panel, "add"): (
        "Add panel",
        inline_prefixes,
        ["sections", "documents", "panellists", "segments"],
    ),
    (Panel, "change"): (
        "Change panel",
        lambda response: (form_data(response)["title_en"], column(response, "planned_time")),
        ("Migration and the 2030 Agenda", ["15:00–15:05", "15:05–15:25", "15:25–16:25"]),
    ),
    (Person, "changelist"): (
        "Select person to change",
        lambda response: column(response, "name"),
        ["Amina Example", "Jorge Example"],
    ),
    (Person, "add"): (
        "Add person",
        form_fields,
        [
            "honorific",
            "name",
            *translated("position"),
            "organisation",
            "email",
            "preferred_language",
            *translated("bio"),
            "version",
            "loaded_at",
        ],
    ),
    (Person, "change"): (
        "Change person",
        lambda response: (form_data(response)["name"], column(response, "panel_link")),
        ("Amina Example", ["Migration and the 2030 Agenda"]),
    ),
    (Panellist, "changelist"): (
        "Select panellist to change",
        lambda response: (column(response, "participant"), column(response, "role")),
        (["Amina Example", "Jorge Example"], ["Moderator", "Panellist"]),
    ),
    (Panellist, "add"): (
        "Add panellist",
        lambda response: parse_form(response).options["answer"],
        [
            ("invited", "Invited"),
            ("confirmed", "Confirmed"),
            ("declined", "Declined"),
            ("withdrawn", "Withdrawn"),
        ],
    ),
    (Panellist, "change"): (
        "Change panellist",
        lambda response: (
            [label for _value, label in parse_form(response).options["panel"]],
            form_data(response)["answer"],
        ),
        (["Migration and the 2030 Agenda"], "invited"),
    ),
}


@pytest.mark.parametrize("model", [Meeting, Panel, Person, Panellist])
@pytest.mark.parametrize("view", ["changelist", "add", "change"])
def test_admin_page_opens(admin_client, full_panel, moderator, model, view):
    objects = {Meeting: full_panel.meeting, Panel: full_panel, Person: moderator.person}
    obj = objects.get(model, moderator)
    args = [obj.pk] if view == "change" else []
    heading, shown, expected = PAGES[model, view]

    response = admin_client.get(admin_url(model, view, *args))

    page = response.content.decode()
    title = f"{obj} | {heading}" if view == "change" else heading
    assert text_of(re.search(r"<title>(.*?)</title>", page, re.S).group(1)) == (
        f"{title} | Panel sessions"
    )
    assert text_of(re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)) == heading
    assert shown(response) == expected


@pytest.mark.parametrize(
    "query",
    [
        {"q": "Migration"},
        {"q": "Conference Room"},
        {"date__year": "2017", "date__month": "2"},
        {"is_published__exact": "1"},
        {"o": "9"},
    ],
)
def test_panel_changelist_search_filters_and_sorting_open(admin_client, full_panel, query):
    response = admin_client.get(admin_url(Panel, "changelist"), query)

    assert column(response, "title") == ["Migration and the 2030 Agenda"]


def test_panellist_changelist_filtered_by_meeting_opens(admin_client, full_panel):
    query = {"panel__meeting__id__exact": full_panel.meeting.pk, "q": "Amina"}

    response = admin_client.get(admin_url(Panellist, "changelist"), query)

    assert column(response, "participant") == ["Amina Example"]
