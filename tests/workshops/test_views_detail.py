"""The workshop page: what it shows in every state, and a constant number of queries."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from tests.auth import login_with_mfa
from tests.factories import (
    AgendaItemFactory,
    QuarterFactory,
    RegistrationFactory,
    UserFactory,
    WorkshopFactory,
    WorkshopTeamMemberFactory,
)
from workshops.models import WorkshopTeamMember

pytestmark = pytest.mark.django_db


def page(client, workshop):
    return client.get(f"/werkstaetten/{workshop.slug}/")


def test_detail_shows_agenda_with_method_link(client):
    workshop = WorkshopFactory()
    item = AgendaItemFactory(workshop=workshop, title="Thementische")
    content = page(client, workshop).content.decode()
    assert "Thementische" in content
    assert f'href="/methoden/{item.method.slug}/"' in content


def test_detail_shows_venue_accessibility_facts(client):
    workshop = WorkshopFactory(venue_step_free=True, venue_accessible_toilet=False, venue_induction_loop=True)
    content = page(client, workshop).content.decode()
    assert "Stufenloser Zugang: ja" in content
    assert "Barrierefreies WC: nein" in content
    assert "Induktionsschleife (Höranlage): ja" in content
    assert "Stadtbahn 9, Haltestelle Fössestraße" in content


def test_detail_shows_participation_level_easy_summary_and_seats_left(client):
    workshop = WorkshopFactory(capacity=10, participation_level="kooperation")
    RegistrationFactory(workshop=workshop, seats=3)
    content = page(client, workshop).content.decode()
    assert "Kooperation" in content
    assert "Kurz in Leichter Sprache" in content
    assert workshop.summary_easy in content
    assert "noch 7 von 10 Plätzen frei" in content


def test_detail_shows_team_names_and_roles_but_no_trainees_and_no_addresses(client):
    workshop = WorkshopFactory()
    lead = WorkshopTeamMemberFactory(workshop=workshop, user__name="Mia Moderation")
    trainee = WorkshopTeamMemberFactory(
        workshop=workshop, user__name="Tim Trainee", role=WorkshopTeamMember.Role.TRAINEE
    )
    content = page(client, workshop).content.decode()
    assert "Mia Moderation" in content
    assert "Moderation (Leitung)" in content
    assert "Tim Trainee" not in content
    assert lead.user.email not in content
    assert trainee.user.email not in content


def test_detail_offers_the_registration_form_with_seats_up_to_the_maximum(client):
    workshop = WorkshopFactory(max_seats_per_registration=3)
    response = page(client, workshop)
    form = response.context["form"]
    assert [value for value, _label in form.fields["seats"].choices] == [1, 2, 3]
    assert 'href="/datenschutz/"' in response.content.decode()


def test_quarter_choices_are_the_quarters_of_the_workshops_district(client):
    nord = QuarterFactory(name="Linden-Nord")
    QuarterFactory(name="List", district__number=2)
    workshop = WorkshopFactory(district=nord.district)
    choices = list(page(client, workshop).context["form"].fields["quarter"].queryset)
    assert nord in choices
    assert all(quarter.district_id == workshop.district_id for quarter in choices)


def test_support_needs_are_a_fieldset_with_their_own_consent(client):
    content = page(client, WorkshopFactory()).content.decode()
    fieldset = content.split('<fieldset class="support-needs">')[1].split("</fieldset>")[0]
    assert "<legend>" in fieldset
    assert 'name="support_consent"' in fieldset
    assert 'name="privacy_consent"' not in fieldset


def test_honeypot_is_out_of_the_tab_order_and_hidden_from_assistive_technology(client):
    content = page(client, WorkshopFactory()).content.decode()
    honeypot = content.split('<div class="hp-field" aria-hidden="true">')[1].split("</div>")[0]
    assert 'name="website"' in honeypot
    assert 'tabindex="-1"' in honeypot


def test_full_workshop_offers_the_waiting_list(client):
    workshop = WorkshopFactory(capacity=1)
    RegistrationFactory(workshop=workshop)
    response = page(client, workshop)
    assert response.context["state"].code == "waitlist"
    assert "Auf die Warteliste setzen" in response.content.decode()


def test_full_workshop_shortly_before_the_start_has_no_form(client):
    starts = timezone.now() + timedelta(minutes=30)
    workshop = WorkshopFactory(capacity=1, starts_at=starts, ends_at=starts + timedelta(hours=2))
    RegistrationFactory(workshop=workshop)
    response = page(client, workshop)
    assert response.context["state"].code == "full"
    assert response.context["form"] is None


def test_cancelled_workshop_shows_the_reason_and_no_form(client):
    workshop = WorkshopFactory(cancelled=True, cancellation_reason="Der Raum ist gesperrt.")
    response = page(client, workshop)
    assert "Diese Werkstatt ist abgesagt." in response.content.decode()
    assert "Der Raum ist gesperrt." in response.content.decode()
    assert response.context["form"] is None


def test_past_workshop_has_no_form(client):
    response = page(client, WorkshopFactory(past=True))
    assert response.context["state"].code == "past"
    assert response.context["form"] is None


def test_registration_not_yet_open_says_when_it_opens(client):
    workshop = WorkshopFactory(registration_opens_at=timezone.now() + timedelta(days=2))
    response = page(client, workshop)
    assert response.context["state"].code == "not_yet"
    assert "Die Anmeldung öffnet am" in response.content.decode()


def test_draft_is_not_found_for_the_public(client):
    assert page(client, WorkshopFactory(draft=True)).status_code == 404


def test_draft_can_be_previewed_by_the_fachteam(client):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=Role.FACHTEAM.value))
    login_with_mfa(client, user)
    response = page(client, WorkshopFactory(draft=True))
    assert response.status_code == 200
    assert "nur für das Team sichtbar" in response.content.decode()


def test_unknown_workshop_is_not_found(client):
    assert client.get("/werkstaetten/gibt-es-nicht/").status_code == 404


def _queries_for_detail(client, workshop) -> int:
    with CaptureQueriesContext(connection) as context:
        response = page(client, workshop)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_detail_runs_a_constant_number_of_queries(client):
    quarter = QuarterFactory()
    small = WorkshopFactory(quarters=[quarter], capacity=50)
    AgendaItemFactory(workshop=small)
    WorkshopTeamMemberFactory(workshop=small)
    RegistrationFactory(workshop=small)
    big = WorkshopFactory(quarters=[quarter], capacity=50)
    AgendaItemFactory.create_batch(8, workshop=big)
    WorkshopTeamMemberFactory.create_batch(5, workshop=big)
    RegistrationFactory.create_batch(30, workshop=big)
    assert _queries_for_detail(client, small) == _queries_for_detail(client, big)
    assert _queries_for_detail(client, big) <= 8


def test_full_workshop_says_fully_booked_once_in_the_seats_line(client):
    from tests.factories import fill

    workshop = WorkshopFactory(capacity=2)
    fill(workshop)
    html = page(client, workshop).content.decode()
    seats_line = html.split("<dt>Plätze</dt>", 1)[1].split("</dd>", 1)[0]
    assert "Warteliste" in seats_line
    assert seats_line.count("ausgebucht") == 1
