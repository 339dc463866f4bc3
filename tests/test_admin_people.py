"""People in the admin: adding and changing a person, their page listing the panels they are
on (places are added on the panel's page, not there), deleting a person who has a place
refused with an explanation, and finding people by organisation from the panel's page.
"""

import re

from django.urls import reverse

from panels.models import Panel, Panellist, Person
from tests.admin_helpers import admin_url, column, form_data

# ---------------------------------------------------------------------------------------------
# A person's page


def test_person_add_saves_valid_post(admin_client, db):
    data = {
        "honorific": "H.E. Ms.",
        "name": "Amina Example",
        "position_en": "Permanent Representative",
        "organisation": "Example Mission",
        "email": "amina@example.org",
        "bio_en": "",
        "panel_places-TOTAL_FORMS": "0",
        "panel_places-INITIAL_FORMS": "0",
        "proposed_changes-TOTAL_FORMS": "0",
        "proposed_changes-INITIAL_FORMS": "0",
    }

    response = admin_client.post(admin_url(Person, "add"), data)

    assert response.status_code == 302
    assert Person.objects.get().display_name == "H.E. Ms. Amina Example"


def test_person_change_saves_rendered_form(admin_client, full_panel, moderator):
    data = form_data(admin_client.get(admin_url(Person, "change", moderator.person.pk)))
    data["organisation"] = "UN DESA"

    response = admin_client.post(admin_url(Person, "change", moderator.person.pk), data)

    assert response.status_code == 302
    moderator.person.refresh_from_db()
    assert moderator.person.organisation == "UN DESA"


def test_person_page_lists_their_panels(
    admin_client, panel, moderator, make_panel, make_panellist
):
    later = make_panel(panel.meeting, title="Labour migration", date=panel.meeting.end_date)
    make_panellist(later, person=moderator.person, role=Panellist.Role.PANELLIST)

    response = admin_client.get(admin_url(Person, "change", moderator.person.pk))

    links = re.findall(
        r'<td class="field-panel_link">.*?<a href="([^"]+)">(.*?)</a>',
        response.content.decode(),
        re.S,
    )
    assert links == [
        (admin_url(Panel, "change", panel.pk), "Migration and the 2030 Agenda"),
        (admin_url(Panel, "change", later.pk), "Labour migration"),
    ]
    assert column(response, "role") == ["Moderator", "Panellist"]


def test_person_page_panels_cannot_be_added_there(admin_client, moderator):
    response = admin_client.get(admin_url(Person, "change", moderator.person.pk))

    (inline,) = (
        inline
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Panellist
    )
    assert (inline.has_add_permission, inline.formset.can_delete) == (False, False)


# ---------------------------------------------------------------------------------------------
# Deleting and finding


def test_person_on_a_panel_delete_page_explains_protection(admin_client, moderator):
    response = admin_client.post(admin_url(Person, "delete", moderator.person.pk), {"post": "yes"})

    assert response.status_code == 200
    assert response.context["protected"] == [
        f'Panellist: <a href="{admin_url(Panellist, "change", moderator.pk)}">'
        "Amina Example (Moderator)</a>"
    ]
    assert Person.objects.filter(pk=moderator.person.pk).exists() is True


def test_person_autocomplete_on_panel_page_finds_by_organisation(admin_client, panel, make_person):
    person = make_person(name="Amina Example", organisation="Example Mission")
    query = {
        "app_label": "panels",
        "model_name": "panellist",
        "field_name": "person",
        "term": "Mission",
    }

    response = admin_client.get(reverse("admin:autocomplete"), query)

    assert response.json()["results"] == [{"id": str(person.pk), "text": "Amina Example"}]
