"""Tampered or malformed admin input (issue 12: 28 of 325 fuzzed admin requests gave 500) gets
a form error or the list unfiltered, never a 500, and changes nothing."""

import pytest
from django.test import Client

from panels.models import Meeting, Panel, Panellist
from tests.admin_helpers import admin_url, form_data, messages_of, run_action

# A key past any database's integer range, and one that is not a number.
HUGE = "9" * 23
NOT_A_KEY = "abc"


@pytest.fixture
def officer(django_user_model):
    """A superuser's client that gets the page a browser would, even for a server error."""
    user = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def post_with(client, url, **changes):
    data = form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


def field_errors(response):
    """Every error shown beside a field of the page's form or its inlines: [(name, text)]."""
    context = response.context
    found = [
        (name, str(error))
        for name, errors in context["adminform"].form.errors.items()
        for error in errors
    ]
    for inline in context["inline_admin_formsets"]:
        for form in inline.formset.forms:
            for name, errors in form.errors.items():
                found += [(f"{form.prefix}-{name}", str(error)) for error in errors]
    return found


@pytest.mark.parametrize("value", [NOT_A_KEY, HUGE, "1.5", " "])
def test_a_tampered_person_in_the_panels_places_is_an_invalid_choice(officer, full_panel, value):
    url = admin_url(Panel, "change", full_panel.pk)
    before = list(full_panel.panellists.values_list("person", flat=True))

    response = post_with(officer, url, **{"panellists-0-person": value})

    assert response.status_code == 200
    assert field_errors(response) == [
        (
            "panellists-0-person",
            "Select a valid choice. That choice is not one of the available choices.",
        )
    ]
    assert list(full_panel.panellists.values_list("person", flat=True)) == before


def test_a_tampered_speaker_box_is_an_invalid_choice(officer, full_panel):
    url = admin_url(Panel, "change", full_panel.pk)

    response = post_with(officer, url, **{"segments-0-item_speakers": HUGE})

    assert response.status_code == 200
    assert field_errors(response) == [
        ("segments-0-item_speakers", "The speaker must be a panellist of this panel.")
    ]


@pytest.mark.parametrize("field", ["panel", "person"])
@pytest.mark.parametrize("value", [NOT_A_KEY, HUGE])
def test_a_tampered_key_on_a_panellists_page_is_an_invalid_choice(
    officer, full_panel, field, value
):
    place = full_panel.panellists.first()

    response = post_with(officer, admin_url(Panellist, "change", place.pk), **{field: value})

    assert response.status_code == 200
    assert [name for name, _ in field_errors(response)] == [field]


@pytest.mark.parametrize("value", [NOT_A_KEY, "-1", "99:99"])
def test_a_meeting_given_a_zone_that_is_not_one_says_so_beside_it(officer, full_panel, value):
    url = admin_url(Meeting, "change", full_panel.meeting.pk)

    response = post_with(officer, url, time_zone=value)

    assert response.status_code == 200
    assert [name for name, _ in field_errors(response)] == ["time_zone"]
    assert Meeting.objects.get().time_zone == "America/New_York"


@pytest.mark.parametrize(
    ("model", "query"),
    [
        (Meeting, f"start_date__year={HUGE}"),
        (Meeting, "start_date__year=9999"),
        (Panel, f"date__year={HUGE}"),
        (Panel, f"date__year=2017&date__month={HUGE}"),
    ],
)
def test_a_list_address_out_of_range_shows_the_list_unfiltered(officer, full_panel, model, query):
    response = officer.get(admin_url(model, "changelist") + "?" + query, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [(admin_url(model, "changelist") + "?e=1", 302)]


@pytest.mark.parametrize("key", [NOT_A_KEY, HUGE])
def test_an_action_on_a_tampered_row_says_nothing_was_selected(officer, full_panel, key):
    response = run_action(officer, Panel, "publish", [type("Row", (), {"pk": key})])

    assert response.status_code == 200
    assert messages_of(response) == [
        "Items must be selected in order to perform actions on them. No items have been changed."
    ]


def test_an_action_on_a_real_row_and_a_tampered_one_acts_on_the_real_one(officer, full_panel):
    Panel.objects.update(is_published=False)

    run_action(officer, Panel, "publish", [full_panel, type("Row", (), {"pk": HUGE})])

    assert Panel.objects.get().is_published
