"""Vacated places (issue 12, "A declined speaker leaves a hole"): an item whose speakers all
declined or withdrew shows publicly as "to be announced", or is left out, by the panel's
choice; the admin gives such items to another participant, or drops them and closes the gap,
in one step."""

from datetime import date

import pytest
from django.urls import reverse

from panels import ical, services
from panels.models import Panel, Panellist, Segment
from tests.admin_helpers import admin_url, messages_of
from tests.test_views import parse, running_order_rows


@pytest.fixture
def panel(make_meeting, make_panel, make_panellist, make_person, make_segment):
    """15:00-16:30 on 16 February 2099: Marta moderates (opening, 5 min), Amina (10 min) and
    Jorge (10 min) present, then a 20-minute discussion led by Marta. Amina declined."""
    panel = make_panel(
        make_meeting(start_date=date(2099, 2, 16), end_date=date(2099, 2, 16)),
        title="Regional dimensions",
    )
    marta = make_panellist(
        panel,
        person=make_person(name="Marta Exemplar"),
        role=Panellist.Role.MODERATOR,
        status=Panellist.Status.CONFIRMED,
    )
    amina = make_panellist(
        panel, person=make_person(name="Amina Example"), status=Panellist.Status.DECLINED
    )
    jorge = make_panellist(
        panel, person=make_person(name="Jorge Example"), status=Panellist.Status.CONFIRMED
    )
    make_segment(panel, 5, kind=Segment.Kind.OPENING, speaker=marta)
    make_segment(panel, 10, title="Regional reviews", speaker=amina)
    make_segment(panel, 10, title="Human rights", speaker=jorge)
    make_segment(panel, 20, kind=Segment.Kind.DISCUSSION, speakers=[marta, amina])
    return panel


def place(panel, name):
    return panel.panellists.get(person__name=name)


def test_a_vacated_item_is_shown_as_to_be_announced(client, panel):
    rows = running_order_rows(parse(client.get(panel.get_absolute_url())))

    assert [row[-2:] for row in rows] == [
        ["Opening remarks", "Marta Exemplar"],
        ["Regional reviews", "To be announced"],
        ["Human rights", "Jorge Example"],
        ["Discussion / Q&A", "Marta Exemplar"],
    ]


def test_a_panel_may_leave_vacated_items_out(client, panel):
    Panel.objects.filter(pk=panel.pk).update(vacated_items=Panel.Vacated.HIDE)

    page = parse(client.get(panel.get_absolute_url()))
    programme = parse(client.get(panel.meeting.get_absolute_url()))

    assert [row[-2] for row in running_order_rows(page)] == [
        "Opening remarks",
        "Human rights",
        "Discussion / Q&A",
    ]
    assert "Regional reviews" not in programme.find("main").text


def test_the_calendar_says_to_be_announced_or_leaves_it_out(panel):
    panel = Panel.objects.with_running_order().get(pk=panel.pk)

    assert "15:05–15:15 Regional reviews: to be announced" in ical.item_lines(panel)
    panel.vacated_items = Panel.Vacated.HIDE
    assert not any("Regional reviews" in line for line in ical.item_lines(panel))


def test_items_handed_to_another_participant(panel, admin_user):
    amina, jorge = place(panel, "Amina Example"), place(panel, "Jorge Example")

    result = services.give_items(amina, to=jorge, actor=admin_user)

    assert [item.display_title for item in result.handed] == [
        "Regional reviews",
        "Discussion / Q&A",
    ]
    assert list(
        Segment.objects.filter(panel=panel).spoken_by([jorge]).values_list("title", flat=True)
    ) == ["Regional reviews", "Human rights", ""]
    assert not Segment.objects.spoken_by([amina]).exists()


def test_items_dropped_close_the_gap(client, panel, admin_user):
    version = Panel.objects.get(pk=panel.pk).version

    result = services.give_items(place(panel, "Amina Example"), actor=admin_user)

    assert (result.dropped, [item.display_title for item in result.kept]) == (
        ["Regional reviews"],
        ["Discussion / Q&A"],
    )
    rows = running_order_rows(parse(client.get(panel.get_absolute_url())))
    assert [(row[0], row[-2]) for row in rows] == [
        ("15:00–15:05", "Opening remarks"),
        ("15:05–15:15", "Human rights"),
        ("15:15–15:35", "Discussion / Q&A"),
    ]
    assert list(Segment.objects.filter(panel=panel).values_list("order", flat=True)) == [0, 1, 2]
    assert Panel.objects.get(pk=panel.pk).version > version


def test_items_cannot_go_to_someone_who_declined_or_is_elsewhere(panel, make_panellist):
    amina = place(panel, "Amina Example")
    declined = make_panellist(panel, status=Panellist.Status.WITHDRAWN)

    with pytest.raises(services.CannotTakeItems, match="declined or withdrawn"):
        services.give_items(amina, to=declined)
    with pytest.raises(services.CannotTakeItems, match="same participant"):
        services.give_items(amina, to=amina)

    assert Segment.objects.spoken_by([amina]).count() == 2


# In the admin


def test_the_panel_page_offers_the_step_for_the_declined_participant(admin_client, panel):
    amina = place(panel, "Amina Example")

    page = admin_client.get(admin_url(Panel, "change", panel.pk)).content.decode()

    url = reverse("admin:panels_panellist_give_items", args=[amina.pk])
    assert page.count(f'href="{url}"') == 1


def test_the_step_gives_the_items_and_says_so(admin_client, panel):
    amina, jorge = place(panel, "Amina Example"), place(panel, "Jorge Example")
    url = reverse("admin:panels_panellist_give_items", args=[amina.pk])
    form = parse(admin_client.get(url))
    choices = [
        radio.attrs["value"]
        for radio in form.find_all("input")
        if radio.attrs.get("type") == "radio"
    ]

    response = admin_client.post(url, {"to": str(jorge.pk)}, follow=True)

    assert choices == [str(place(panel, "Marta Exemplar").pk), str(jorge.pk), "drop"]
    assert messages_of(response) == ["2 items of Amina Example now go to Jorge Example."]
    assert response.redirect_chain[-1][0] == admin_url(Panel, "change", panel.pk)


def test_the_step_drops_the_items_and_says_so(admin_client, panel):
    url = reverse("admin:panels_panellist_give_items", args=[place(panel, "Amina Example").pk])

    response = admin_client.post(url, {"to": "drop"}, follow=True)

    assert messages_of(response) == [
        "Amina Example was taken off their items. Dropped “Regional reviews”, which had no other "
        "speaker; the running order closes up behind it. Kept with their other speakers: "
        "“Discussion / Q&A”."
    ]


def test_a_tampered_choice_is_refused_beside_the_field(admin_client, panel):
    url = reverse("admin:panels_panellist_give_items", args=[place(panel, "Amina Example").pk])

    response = admin_client.post(url, {"to": "9" * 23})

    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert Segment.objects.filter(panel=panel).count() == 4
