"""The panellist's answer page, reached through a personal link.

The domain (secrets, expiry, locking) is tested in ``test_links``; here the page: GET changes
nothing, POST answers and corrects, the form is laid out by django-crispy-forms in the site's
markup, the link reaches one slot only, every link that does not work looks the same, a stale
answer is refused, and the headers and rate limit hold.
"""

from datetime import UTC, date, datetime, time

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.utils import render_crispy_form
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertInHTML, assertTemplateNotUsed, assertTemplateUsed

from panels import services
from panels.forms import PresentationForm, SubmitButton
from panels.models import Meeting, Panel, Panellist, Person, Room, Segment
from panels.views import ANSWER_RATE
from tests.test_views import Node, parse, parse_html

NO_STORE = "max-age=0, no-cache, no-store, must-revalidate, private"


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    """Start each test with no request counted (the counters live in the cache)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def still_rate_window(monkeypatch):
    """Hold django-ratelimit's clock, so that a test's requests fall in one counting window
    (a window ending mid-test would reset the count and let the limit pass unseen)."""
    monkeypatch.setattr("django_ratelimit.core.time.time", lambda: 1_800_000_000.0)


@pytest.fixture
def place(make_meeting, make_panel, make_panellist, make_person, make_segment):
    """Amina Example's place on a panel 15:00-16:30 in New York on 16 February 2099: the
    moderator's 5-minute opening, then her 10-minute presentation."""
    meeting = make_meeting(
        title="99th Coordination Meeting",
        venue="United Nations Headquarters, New York",
        start_date=date(2099, 2, 16),
        end_date=date(2099, 2, 17),
    )
    panel = make_panel(meeting, title="Regional dimensions")
    moderator = make_panellist(
        panel, person=make_person(name="Marta Exemplar"), role=Panellist.Role.MODERATOR
    )
    amina = make_panellist(
        panel,
        person=make_person(
            honorific="Dr.",
            name="Amina Example",
            position="Director",
            organisation="Example Commission",
            bio="Works on migration.",
        ),
        presentation_title="Regional reviews",
    )
    make_segment(panel, 5, kind=Segment.Kind.OPENING, speaker=moderator)
    make_segment(panel, 10, title="Regional reviews", speaker=amina)
    return amina


@pytest.fixture
def url(place):
    """The answer page's address for ``place``, with a fresh personal link."""
    return reverse("panels:panellist-answer", kwargs={"secret": services.issue_link(place)})


def facts(page):
    """The slot's facts as {term: text}."""
    return {
        row.find("dt").text: row.find("dd").text
        for row in page.find("dl", "facts").find_all("div")
    }


def message_texts(response):
    """The texts of the messages (``django.contrib.messages``) on the page."""
    return [item.text for item in parse(response).find_all("li", "message")]


def answer_data(page, **fields):
    """The POST a browser would send from ``page`` as shown, with ``fields`` changed."""
    form = page.find("form", "answer-form")
    data = {
        node.attrs["name"]: node.attrs.get("value", "")
        for node in form.find_all("input")
        if node.attrs.get("name") != "csrfmiddlewaretoken"
    }
    data |= {node.attrs["name"]: node.text for node in form.find_all("textarea")}
    return data | fields


def snapshot(place):
    """What a request must not change: the panellist's answer and record, and the panel's
    version."""
    place = Panellist.objects.select_related("panel", "person").get(pk=place.pk)
    return (
        place.status,
        place.responded_at,
        place.decline_reason,
        place.note_to_secretariat,
        place.presentation_title,
        place.person.position,
        place.person.organisation,
        place.person.bio,
        place.panel.version,
    )


# GET


def test_answer_page_shows_exactly_the_slot(client, url):
    response = client.get(url)

    page = parse(response)
    assert response.status_code == 200
    assert page.find("h1").text == "Will you take part in this panel?"
    assert facts(page) == {
        "Meeting": "99th Coordination Meeting",
        "Panel": "Regional dimensions",
        "Date": "Monday 16 February 2099",
        "Time": "15:00–16:30 All times are New York time (America/New_York, EST, UTC−05:00).",
        "Place": "Conference Room 4, United Nations Headquarters, New York",
        "Your role": "Panellist",
        "You speak": "15:05–15:15: Regional reviews (10 minutes)",
        "Answer by": (
            "Monday 16 February 2099, 15:00 New York time (America/New_York, EST, UTC−05:00)"
        ),
    }
    assert page.find("p", "answer-status").text == "You have not answered yet."


def test_answer_page_links_the_public_panel_page(client, url, place):
    page = parse(client.get(url))

    link = page.find("dl", "facts").find("a")
    assert (link.attrs["href"], link.text) == (
        place.panel.get_absolute_url(),
        "Regional dimensions",
    )


def test_answer_page_does_not_link_an_unpublished_panel(client, url, place):
    Panel.objects.filter(pk=place.panel_id).update(is_published=False)

    page = parse(client.get(url))

    assert page.find("dl", "facts").find_all("a") == []


def test_answer_page_get_changes_nothing(client, url, place):
    before = snapshot(place)

    responses = [client.get(url), client.get(url), client.head(url)]

    assert [response.status_code for response in responses] == [200, 200, 200]
    assert snapshot(place) == before
    assert before[:2] == ("invited", None)


def test_answer_page_carries_the_fingerprint_of_the_slot_shown(client, url, place):
    page = parse(client.get(url))

    assert answer_data(page)["fingerprint"] == services.slot_fingerprint(place)


def test_answer_page_prefills_the_details_to_correct(client, url):
    data = answer_data(parse(client.get(url)))

    del data["fingerprint"]
    assert data == {
        "presentation_title": "Regional reviews",
        "position": "Director",
        "organisation": "Example Commission",
        "bio": "Works on migration.",
        "note": "",
        "reason": "",
    }


# POST


def test_confirm_records_the_answer_and_redirects_to_the_page(client, url, place):
    data = answer_data(parse(client.get(url)), answer="confirmed")

    response = client.post(url, data)

    place.refresh_from_db()
    assert (response.status_code, response.headers["Location"]) == (302, url)
    assert place.status == "confirmed"
    assert place.responded_at is not None
    after = client.get(url)
    assert message_texts(after) == ["Thank you: your participation is confirmed."]
    assert parse(after).find("p", "answer-status").text == (
        f"You confirmed on {place.responded_at.astimezone(place.panel.zone):%A %-d %B %Y} at "
        f"{place.responded_at.astimezone(place.panel.zone):%H:%M %Z}. "
        "You can change your answer below until the deadline."
    )


def test_decline_keeps_the_reason_and_note(client, url, place):
    data = answer_data(
        parse(client.get(url)),
        answer="declined",
        reason="I am travelling.\r\nSorry.",
        note="Please ask my deputy.",
    )

    client.post(url, data)

    place.refresh_from_db()
    assert (place.status, place.decline_reason, place.note_to_secretariat) == (
        "declined",
        "I am travelling.\nSorry.",
        "Please ask my deputy.",
    )
    assert message_texts(client.get(url)) == [
        "Thank you: we have recorded that you cannot take part."
    ]


def test_answering_again_changes_the_answer(client, url, place):
    page = parse(client.get(url))
    client.post(url, answer_data(page, answer="confirmed"))

    response = client.post(url, answer_data(parse(client.get(url)), answer="declined"))

    place.refresh_from_db()
    assert response.status_code == 302
    assert place.status == "declined"
    assert parse(client.get(url)).find("p", "answer-status").text.startswith("You declined on ")


def test_double_post_makes_one_change_and_says_so(client, url, place):
    data = answer_data(parse(client.get(url)), answer="confirmed")
    client.post(url, data)
    place.refresh_from_db()
    first = snapshot(place)
    client.get(url)  # shows the first message

    response = client.post(url, data)

    assert response.status_code == 302
    assert snapshot(place) == first
    assert message_texts(client.get(url)) == [
        "Your answer is unchanged: it had already been recorded."
    ]


def test_corrections_become_proposals_and_change_nothing_saved(client, url, place):
    before = (place.presentation_title, place.person.position, place.person.bio)
    data = answer_data(
        parse(client.get(url)),
        answer="confirmed",
        presentation_title="Regional reviews, 2099",
        position="Chief",
        organisation="Other Commission",
        bio="Works on migration.\r\nAnd statistics.",
    )

    client.post(url, data)

    saved = Panellist.objects.select_related("person").get(pk=place.pk)
    assert (saved.presentation_title, saved.person.position, saved.person.bio) == before
    assert services.pending_values(place) == {
        "presentation_title": "Regional reviews, 2099",
        "position": "Chief",
        "organisation": "Other Commission",
        "bio": "Works on migration.\nAnd statistics.",
    }
    # The page shows the corrections proposed, and says they wait for the secretariat.
    page = parse(client.get(url))
    assert page.find("p", "corrections-pending").text.startswith("Your corrections below")
    assert answer_data(page)["position"] == "Chief"


def test_sending_the_page_again_proposes_nothing_new(client, url, place):
    client.post(url, answer_data(parse(client.get(url)), answer="confirmed", position="Chief"))

    client.post(url, answer_data(parse(client.get(url)), answer="confirmed"))

    assert list(place.proposed_changes.values_list("field", "value", "status")) == [
        ("position", "Chief", "pending")
    ]


def test_corrections_alone_keep_the_answer(client, url, place):
    client.post(url, answer_data(parse(client.get(url)), answer="confirmed"))
    client.get(url)
    place.refresh_from_db()
    answered_at = place.responded_at

    client.post(url, answer_data(parse(client.get(url)), answer="confirmed", position="Chief"))

    place.refresh_from_db()
    assert (place.status, place.responded_at) == ("confirmed", answered_at)
    assert services.pending_values(place) == {"position": "Chief"}
    assert message_texts(client.get(url)) == [
        "Thank you. The secretariat will check your corrections before they appear in the "
        "programme. Your answer is unchanged."
    ]


@pytest.mark.parametrize("field", ["presentation_title", "position", "organisation"])
def test_correction_with_a_line_break_is_refused_and_nothing_recorded(client, url, place, field):
    before = snapshot(place)
    data = answer_data(parse(client.get(url)), answer="confirmed", **{field: "Chief\r\nBcc: x"})

    response = client.post(url, data)

    page = parse(response)
    assert response.status_code == 200
    assert snapshot(place) == before
    assert page.find("p", "form-errors").text == (
        "Your answer has not been recorded: please correct the field marked below."
    )
    assert page.find("div", "field--error").find("ul", "errorlist").text == (
        "This text contains a line break or an invisible control character; please retype it "
        "on one line."
    )


@pytest.mark.parametrize("field", ["bio", "reason", "note"])
@pytest.mark.parametrize("control", ["\x1b[31m", "\x07", "\u202e", "\x85"])
def test_text_with_a_control_character_is_refused_and_nothing_recorded(
    client, url, place, field, control
):
    before = snapshot(place)
    data = answer_data(
        parse(client.get(url)), answer="declined", **{field: f"Two lines\r\nand{control}more"}
    )

    response = client.post(url, data)

    assert response.status_code == 200
    assert snapshot(place) == before
    assert parse(response).find("div", "field--error").find("ul", "errorlist").text == (
        "This text contains an invisible control character; please retype it without copying "
        "it from elsewhere."
    )


def test_bio_longer_than_a_programme_needs_is_refused(client, url, place):
    before = snapshot(place)
    data = answer_data(parse(client.get(url)), answer="confirmed", bio="x" * 3001)

    response = client.post(url, data)

    assert snapshot(place) == before
    assert "Ensure this value has at most 3000 characters (it has 3001)." in (
        parse(response).find("div", "field--error").text
    )


def test_bio_with_line_breaks_and_tabs_is_accepted(client, url, place):
    data = answer_data(parse(client.get(url)), answer="confirmed", bio="One.\r\n\tTwo.")

    client.post(url, data)

    assert services.pending_values(place) == {"bio": "One.\n\tTwo."}


def test_post_without_an_answer_asks_for_one(client, url, place):
    before = snapshot(place)
    data = answer_data(parse(client.get(url)))

    response = client.post(url, data)

    assert response.status_code == 200
    assert snapshot(place) == before
    assert (
        parse(response).find("ul", "errorlist").text == "Press “Confirm” or “Decline” to answer."
    )


def test_post_needs_the_csrf_token(url, place):
    before = snapshot(place)
    browser = Client(enforce_csrf_checks=True)
    data = answer_data(parse(browser.get(url)), answer="confirmed")

    response = browser.post(url, data)

    assert response.status_code == 403
    assert snapshot(place) == before


# The form's layout (django-crispy-forms, the site's template pack in templates/site_forms/)

# The note as the page shows it with an error: label, help, error, input, linked.
NOTE_WITH_AN_ERROR = [
    ("label", {"for": "id_note"}, "A note for the secretariat (optional)"),
    (
        "p",
        {"class": "field__help", "id": "id_note_helptext"},
        "For example travel, interpretation or accessibility needs.",
    ),
    (
        "ul",
        {"class": "errorlist", "id": "id_note_error"},
        "This text contains an invisible control character; please retype it without copying "
        "it from elsewhere.",
    ),
    (
        "textarea",
        {
            "name": "note",
            "cols": "40",
            "rows": "3",
            "dir": "auto",
            "maxlength": "2000",
            "aria-invalid": "true",
            "aria-describedby": "id_note_helptext id_note_error",
            "id": "id_note",
        },
        "Two\u202emore",
    ),
]


def elements(node):
    """The elements directly inside ``node`` (no text), as (tag, attributes, text)."""
    return [
        (child.tag, child.attrs, child.text) for child in node.children if isinstance(child, Node)
    ]


def post_with_an_error_in_the_note(client, url):
    """POST the page as shown, confirming, with an invisible control character in the note."""
    return client.post(
        url, answer_data(parse(client.get(url)), answer="confirmed", note="Two\u202emore")
    )


def test_each_form_is_laid_out_by_its_crispy_helper(client, url, place):
    response = post_with_an_error_in_the_note(client, url)

    page = response.content.decode()
    forms = response.context["forms"]
    assert [
        [pointer.name for pointer in form.helper.layout.get_field_names()] for form in forms
    ] == [["note", "reason"], ["presentation_title"], ["position", "organisation", "bio"]]
    for form in forms:
        assert isinstance(form.helper, FormHelper)
        assert (form.helper.form_tag, form.helper.disable_csrf) == (False, True)
        assertInHTML(render_crispy_form(form, form.helper), page)
    assertTemplateUsed(response, "site_forms/whole_uni_form.html")
    assertTemplateUsed(response, "site_forms/field.html")
    assertTemplateUsed(response, "site_forms/layout/button.html")
    assertTemplateNotUsed(response, "panels/includes/answer_field.html")


def test_field_with_an_error_keeps_its_label_help_error_and_links(client, url, place):
    response = post_with_an_error_in_the_note(client, url)

    field = parse(response).find("div", "field--error")
    assert field.attrs == {"class": "field field--error"}
    assert elements(field) == NOTE_WITH_AN_ERROR


def test_field_without_an_error_has_its_label_help_and_input(client, url):
    page = parse(client.get(url))

    field = page.find("fieldset").find("div", "field")
    assert field.attrs == {"class": "field"}
    assert elements(field) == [
        ("label", {"for": "id_presentation_title"}, "Title of your presentation"),
        (
            "p",
            {"class": "field__help", "id": "id_presentation_title_helptext"},
            "Leave blank if you are not presenting.",
        ),
        (
            "input",
            {
                "type": "text",
                "name": "presentation_title",
                "value": "Regional reviews",
                "dir": "auto",
                "maxlength": "500",
                "aria-describedby": "id_presentation_title_helptext",
                "id": "id_presentation_title",
            },
            "",
        ),
    ]


def test_form_holds_the_fields_then_the_two_buttons_and_one_fingerprint(client, url, place):
    form = parse(post_with_an_error_in_the_note(client, url)).find("form", "answer-form")

    controls = [node for node in form.iter() if node.tag in {"input", "textarea", "button"}]
    assert [node.attrs["name"] for node in controls] == [
        "csrfmiddlewaretoken",
        "fingerprint",
        "presentation_title",
        "position",
        "organisation",
        "bio",
        "note",
        "reason",
        "answer",
        "answer",
    ]
    assert controls[1].attrs == {
        "type": "hidden",
        "name": "fingerprint",
        "value": services.slot_fingerprint(place),
    }
    assert [label.attrs["for"] for label in form.find_all("label")] == [
        node.attrs["id"] for node in controls[2:8]
    ]
    assert [
        [node.attrs.get("class") for node in fieldset.find_all("div")]
        for fieldset in form.find_all("fieldset")
    ] == [["field"] * 4]
    assert elements(form.find("div", "answer-buttons")) == [
        (
            "button",
            {
                "class": "button button--primary",
                "name": "answer",
                "type": "submit",
                "value": "confirmed",
            },
            "Confirm: I will take part",
        ),
        (
            "button",
            {
                "class": "button button--secondary",
                "name": "answer",
                "type": "submit",
                "value": "declined",
            },
            "Decline: I cannot take part",
        ),
    ]


def test_submit_button_text_is_escaped_not_run_as_a_template():
    button = SubmitButton('<b>"Yes" & {{ secret }}</b>', name="a", value="b", css_class="c")

    html = button.render(None, {"secret": "leaked"}, template_pack="site_forms")

    assert elements(parse_html(html)) == [
        (
            "button",
            {"class": "button c", "name": "a", "type": "submit", "value": "b"},
            '<b>"Yes" & {{ secret }}</b>',
        )
    ]


def test_a_form_error_of_no_single_field_is_shown_above_its_fields(place):
    form = PresentationForm({"presentation_title": "Regional reviews"}, instance=place)
    form.is_valid()
    form.add_error(None, "This place has changed.")

    html = parse_html(render_crispy_form(form))

    assert [(tag, attrs.get("class"), text) for tag, attrs, text in elements(html)] == [
        ("ul", "errorlist nonfield", "This place has changed."),
        ("div", "field", "Title of your presentation Leave blank if you are not presenting."),
    ]


# One link, one slot


@pytest.fixture
def neighbours(place, make_panel, make_panellist, make_person):
    """Another panellist on Amina's panel, and Amina's own place on another panel."""
    other = make_panellist(
        place.panel, person=make_person(name="Kwame Sample"), presentation_title="Kwame's talk"
    )
    other_panel = make_panel(place.panel.meeting, title="Another panel", start_time=time(10))
    own_elsewhere = make_panellist(other_panel, person=place.person, presentation_title="Other")
    return other, own_elsewhere


def test_link_shows_nothing_of_other_slots(client, url, neighbours):
    other, own_elsewhere = neighbours

    response = client.get(url, {"pk": other.pk, "panel": own_elsewhere.panel_id})

    content = response.content.decode()
    assert facts(parse(response))["Panel"] == "Regional dimensions"
    assert [text in content for text in ["Kwame", "Another panel", "10:00"]] == [False] * 3


def test_ids_in_the_post_are_ignored(client, url, place, neighbours):
    other, own_elsewhere = neighbours
    # The panel's version moves with Amina's answer; the other panel's must not.
    others_before = [snapshot(other)[:-1], snapshot(own_elsewhere)]
    data = answer_data(
        parse(client.get(url)),
        answer="declined",
        presentation_title="Mine",
        pk=other.pk,
        id=other.pk,
        panellist=own_elsewhere.pk,
        panel=own_elsewhere.panel_id,
        person=other.person_id,
        status="confirmed",
    )

    client.post(url, data)

    place.refresh_from_db()
    assert (place.status, services.pending_values(place)) == (
        "declined",
        {"presentation_title": "Mine"},
    )
    assert [snapshot(other)[:-1], snapshot(own_elsewhere)] == others_before
    assert not other.proposed_changes.exists() and not own_elsewhere.proposed_changes.exists()


# Links that do not work


def expire(panellist):
    """Move the answer deadline of ``panellist``'s panel into the past."""
    Panel.objects.filter(pk=panellist.panel_id).update(
        answer_deadline=datetime(2020, 1, 1, tzinfo=UTC)
    )


@pytest.mark.parametrize("method", ["get", "post"])
def test_every_link_that_does_not_work_gets_the_same_page(client, place, method):
    replaced = services.issue_link(place)
    services.issue_link(place)
    revoked = services.issue_link(place)
    services.revoke_link(place)
    expired = services.issue_link(place)
    expire(place)
    paths = {
        "missing": reverse("panels:panellist-answer-missing"),
        "unknown": reverse("panels:panellist-answer", kwargs={"secret": "A" * 43}),
        "replaced": reverse("panels:panellist-answer", kwargs={"secret": replaced}),
        "revoked": reverse("panels:panellist-answer", kwargs={"secret": revoked}),
        "expired": reverse("panels:panellist-answer", kwargs={"secret": expired}),
    }
    before = snapshot(place)
    data = {"answer": "confirmed", "fingerprint": services.slot_fingerprint(place)}

    responses = {
        name: getattr(client, method)(path, data if method == "post" else {})
        for name, path in paths.items()
    }

    mains = {name: parse(response).find("main") for name, response in responses.items()}
    assert {name: response.status_code for name, response in responses.items()} == dict.fromkeys(
        paths, 404
    )
    assert {name: main == mains["unknown"] for name, main in mains.items()} == dict.fromkeys(
        paths, True
    )
    assert [node.text for node in mains["unknown"].find_all("p")] == [
        "The link may be incomplete, a newer link may have replaced it, or the time to answer "
        "may be over.",
        "Please write to the secretariat of the meeting that invited you. They can tell you "
        "where things stand and send you a new link.",
        "See all meetings",
    ]
    assert snapshot(place) == before


def test_link_stops_at_the_deadline(client, url, place):
    expire(place)

    assert client.get(url).status_code == 404


# Stale answers


def test_answer_to_a_changed_slot_is_refused_and_the_new_time_shown(client, url, place):
    page = parse(client.get(url))
    before = snapshot(place)
    Segment.objects.filter(speaking__panellist__role=Panellist.Role.MODERATOR).update(
        duration_minutes=20
    )

    response = client.post(url, answer_data(page, answer="confirmed", note="See you there."))

    page = parse(response)
    assert response.status_code == 200
    assert snapshot(place) == before
    assert page.find("div", "slot-changed").find("h2").text == (
        "Your slot has changed: please answer again"
    )
    assert facts(page)["You speak"] == "15:20–15:30: Regional reviews (10 minutes)"
    assert answer_data(page)["note"] == "See you there."

    again = client.post(url, answer_data(page, answer="confirmed"))

    place.refresh_from_db()
    assert (again.status_code, place.status) == (302, "confirmed")


def test_changed_panel_time_is_named_in_the_refusal(client, url, place):
    page = parse(client.get(url))
    Panel.objects.filter(pk=place.panel_id).update(start_time=time(16), end_time=time(17, 30))

    response = client.post(url, answer_data(page, answer="confirmed"))

    assert parse(response).find("div", "slot-changed").find_all("p")[1].text == (
        "Now: Monday 16 February 2099, 16:00–17:30 "
        "(New York time (America/New_York, EST, UTC−05:00))."
    )


@pytest.mark.parametrize("fingerprint", ["", "é" * 32, "0" * 32, "x" * 5000])
def test_missing_or_altered_fingerprint_is_refused_as_stale(client, url, place, fingerprint):
    before = snapshot(place)

    response = client.post(url, {"answer": "confirmed", "fingerprint": fingerprint})

    assert response.status_code == 200
    assert snapshot(place) == before
    assert parse(response).find("div", "slot-changed")


# Escaping


def test_names_and_titles_with_markup_are_shown_as_text(client, place, url):
    markup = '<script>alert("x")</script><a href="https://evil.example">x</a>'
    Person.objects.filter(pk=place.person_id).update(name=markup)
    Panel.objects.filter(pk=place.panel_id).update(title=markup)
    Room.objects.filter(pk=place.panel.room_id).update(name=markup)
    Meeting.objects.filter(pk=place.panel.meeting_id).update(title=markup)
    Segment.objects.spoken_by([place]).update(title=markup)

    response = client.get(url)

    page = parse(response)
    content = response.content.decode()
    assert page.find("bdi", "person-name").text == f"Dr. {markup}"
    assert facts(page)["Meeting"] == markup
    assert page.find_all("script") == []
    assert [a.attrs["href"] for a in page.find("main").find_all("a")] == [
        place.panel.get_absolute_url()
    ]
    assert "<script>" not in content


# Headers and the rate limit


def test_every_response_is_private_and_never_cached(url, place):
    browser = Client(enforce_csrf_checks=True)
    page = parse(browser.get(url))
    token = {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value}
    invalid = reverse("panels:panellist-answer", kwargs={"secret": "x"})
    responses = {
        "valid GET": browser.get(url),
        "valid POST": browser.post(url, answer_data(page, answer="confirmed", **token)),
        "form error": browser.post(url, answer_data(page, **token)),
        "CSRF refusal": Client(enforce_csrf_checks=True).post(url, {"answer": "confirmed"}),
        "invalid GET": browser.get(invalid),
        "invalid POST": browser.post(invalid, token),
        "missing": browser.get(reverse("panels:panellist-answer-missing")),
        "method": browser.put(url),
    }

    assert {
        name: (
            response.status_code,
            response.headers.get("Cache-Control"),
            response.headers.get("Referrer-Policy"),
        )
        for name, response in responses.items()
    } == {
        "valid GET": (200, NO_STORE, "same-origin"),
        "valid POST": (302, NO_STORE, "same-origin"),
        "form error": (200, NO_STORE, "same-origin"),
        "CSRF refusal": (403, NO_STORE, "same-origin"),
        "invalid GET": (404, NO_STORE, "same-origin"),
        "invalid POST": (404, NO_STORE, "same-origin"),
        "missing": (404, NO_STORE, "same-origin"),
        "method": (405, NO_STORE, "same-origin"),
    }


def test_a_panellist_can_answer_while_the_rate_limits_cache_is_out_of_reach(
    client, url, place, monkeypatch, caplog
):
    def refused(*args, **kwargs):
        raise ConnectionError("Connection refused")

    # As Django's Redis backend does while Redis is down.
    monkeypatch.setattr(cache, "add", refused)
    monkeypatch.setattr(cache, "incr", refused)

    page = client.get(url)
    answered = client.post(url, answer_data(parse(page), answer="confirmed"))

    place.refresh_from_db()
    assert (page.status_code, answered.status_code) == (200, 302)
    assert place.status == "confirmed"
    assert "limit is not counted" in caplog.text


def test_too_many_requests_from_one_client_get_429(client, url, place, still_rate_window):
    limit = int(ANSWER_RATE.split("/")[0])
    statuses = [client.get(url).status_code for _ in range(limit)]

    limited = client.get(url)
    post = client.post(url, {"answer": "confirmed"})
    elsewhere = client.get(url, REMOTE_ADDR="192.0.2.7")

    place.refresh_from_db()
    assert statuses == [200] * limit
    assert (limited.status_code, post.status_code, elsewhere.status_code) == (429, 429, 200)
    assert parse(limited).find("h1").text == "Too many attempts"
    assert (limited.headers["Cache-Control"], limited.headers["Referrer-Policy"]) == (
        NO_STORE,
        "same-origin",
    )
    assert place.status == "invited"


def test_behind_a_proxy_the_limit_counts_the_address_its_header_names(
    client, url, still_rate_window, settings
):
    settings.CLIENT_ADDRESS_HEADER = "HTTP_X_REAL_IP"
    limit = int(ANSWER_RATE.split("/")[0])
    statuses = [client.get(url, HTTP_X_REAL_IP="198.51.100.1").status_code for _ in range(limit)]

    same = client.get(url, HTTP_X_REAL_IP="198.51.100.1")
    other = client.get(url, HTTP_X_REAL_IP="198.51.100.2")
    # A request that bypassed the proxy (no header) or a forged value: the connection's address.
    bypassed = [client.get(url), client.get(url, HTTP_X_REAL_IP="not an address")]

    assert statuses == [200] * limit
    assert (same.status_code, other.status_code) == (429, 200)
    assert [response.status_code for response in bypassed] == [200, 200]


def test_guessing_links_counts_towards_the_limit(client, url, still_rate_window):
    limit = int(ANSWER_RATE.split("/")[0])
    guesses = [
        client.get(reverse("panels:panellist-answer", kwargs={"secret": f"guess{n}"}))
        for n in range(limit)
    ]

    response = client.get(url)

    assert [guess.status_code for guess in guesses] == [404] * limit
    assert response.status_code == 429


# A cancelled panel (issue 12: "Cancelled panels still take answers")


def test_the_answer_page_of_a_cancelled_panel_says_so_and_has_no_form(client, url, place):
    Panel.objects.filter(pk=place.panel_id).update(status=Panel.Status.CANCELLED)

    page = client.get(url)

    assert page.status_code == 200
    notice = parse(page).find("p", "cancelled-notice")
    assert notice.text.startswith("This panel has been cancelled.")
    assert "answer-form" not in page.content.decode()


def test_an_answer_to_a_panel_cancelled_since_the_page_was_shown_is_not_recorded(
    client, url, place, mailoutbox
):
    data = answer_data(parse(client.get(url)), answer="confirmed")
    Panel.objects.filter(pk=place.panel_id).update(status=Panel.Status.CANCELLED)

    response = client.post(url, data)

    place.refresh_from_db()
    assert (response.status_code, place.status, place.responded_at) == (200, "invited", None)
    assert parse(response).find("p", "cancelled-notice") is not None
    assert mailoutbox == []


def test_the_service_refuses_an_answer_to_a_cancelled_panel(place):
    fingerprint = services.slot_fingerprint(place)
    Panel.objects.filter(pk=place.panel_id).update(status=Panel.Status.CANCELLED)

    with pytest.raises(services.PanelCancelled):
        services.answer(place, Panellist.Status.CONFIRMED, fingerprint=fingerprint)

    assert Panellist.objects.get(pk=place.pk).status == "invited"


@pytest.mark.parametrize("items", [2, 12])
def test_answer_page_runs_as_many_queries_whatever_the_running_order(
    client, url, place, make_segment, django_assert_max_num_queries, items
):
    for _ in range(items - 2):
        make_segment(place.panel, 1, title="More", speaker=place)

    # The link's place with its panel, meeting, room and person; the running order; its
    # speakers; the corrections waiting for the secretariat; the copies of the place and the
    # person the correction forms edit.
    with django_assert_max_num_queries(6):
        response = client.get(url)

    assert response.status_code == 200


def test_the_page_of_a_speaker_in_an_item_without_a_duration_shows(client, url, place):
    place.panel.segments.filter(title="Regional reviews").update(duration_minutes=None)

    response = client.get(url)

    assert response.status_code == 200
    assert "Regional reviews" in parse(response).find("dl", "facts").text
