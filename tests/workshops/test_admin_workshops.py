"""The Fachteam's admin: workshop list with occupancy (no N+1), filters, actions; registration actions."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from core.models import OutboxMail
from tests.auth import login_with_mfa
from tests.factories import (
    AgendaItemFactory,
    DistrictFactory,
    RegistrationFactory,
    UserFactory,
    WorkshopFactory,
    WorkshopTeamMemberFactory,
    register,
)
from workshops.models import Registration, Workshop

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/workshops/workshop/"
REGISTRATIONS = "/admin/workshops/registration/"


def staff(role: Role, **kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=role.value))
    return user


@pytest.fixture
def fachteam(client):
    user = staff(Role.FACHTEAM, name="Fenja Fachteam")
    login_with_mfa(client, user)
    return user


def rows(response) -> dict[str, Workshop]:
    return {workshop.title: workshop for workshop in response.context["cl"].result_list}


# --- workshop list ------------------------------------------------------------------------------------------


def test_changelist_shows_capacity_held_confirmed_and_waitlisted(client, fachteam):
    workshop = WorkshopFactory(title="Voll", capacity=4)
    RegistrationFactory(workshop=workshop, seats=2)
    RegistrationFactory(workshop=workshop, seats=1, pending=True)
    RegistrationFactory(workshop=workshop, seats=1)
    RegistrationFactory(workshop=workshop, waitlisted=True, seats=3)
    RegistrationFactory(workshop=workshop, cancelled=True)
    response = client.get(CHANGELIST)
    row = rows(response)["Voll"]
    assert (row.capacity, row.seats_held, row.confirmed_total, row.waitlisted_total) == (4, 4, 3, 3)
    content = response.content.decode()
    assert "/teilnehmende.csv" in content
    assert f"/werkstaetten/{workshop.slug}/einlass/" in content


def _changelist_queries(client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(CHANGELIST).status_code == 200
    return len(context.captured_queries)


def test_changelist_runs_a_constant_number_of_queries(client, fachteam):
    for workshop in WorkshopFactory.create_batch(2):
        RegistrationFactory(workshop=workshop)
    few = _changelist_queries(client)
    for workshop in WorkshopFactory.create_batch(20, capacity=30):
        RegistrationFactory.create_batch(3, workshop=workshop)
        RegistrationFactory(workshop=workshop, waitlisted=True)
    assert _changelist_queries(client) == few


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zeitraum=kommend", {"Kommend", "Entwurf"}),
        ("zeitraum=vergangen", {"Vorbei", "Eigenregie"}),
        ("status__exact=draft", {"Entwurf"}),
        ("run_by__exact=eigenregie", {"Eigenregie"}),
    ],
)
def test_changelist_filters(client, fachteam, query, expected):
    WorkshopFactory(title="Kommend")
    WorkshopFactory(title="Vorbei", past=True)
    WorkshopFactory(title="Entwurf", draft=True)
    WorkshopFactory(title="Eigenregie", run_by=Workshop.RunBy.EIGENREGIE, past=True)
    assert set(rows(client.get(f"{CHANGELIST}?{query}"))) == expected


def test_changelist_filters_by_district_and_searches_titles(client, fachteam):
    WorkshopFactory(title="Linden", district=DistrictFactory(number=10))
    WorkshopFactory(title="Mitte", district=DistrictFactory(number=1))
    linden = DistrictFactory(number=10)
    assert set(rows(client.get(f"{CHANGELIST}?district__id__exact={linden.pk}"))) == {"Linden"}
    assert set(rows(client.get(f"{CHANGELIST}?q=Mitte"))) == {"Mitte"}


def test_district_staff_see_only_their_districts_workshops(client):
    user = staff(Role.BEZIRKSMANAGEMENT)
    user.districts.add(DistrictFactory(number=10))
    login_with_mfa(client, user)
    WorkshopFactory(title="Linden", district=DistrictFactory(number=10))
    WorkshopFactory(title="Mitte", district=DistrictFactory(number=1))
    assert set(rows(client.get(CHANGELIST))) == {"Linden"}


def test_change_page_has_team_and_agenda_inlines_and_export_links(client, fachteam):
    workshop = WorkshopFactory()
    AgendaItemFactory(workshop=workshop, title="Thementische")
    WorkshopTeamMemberFactory(workshop=workshop)
    response = client.get(f"{CHANGELIST}{workshop.pk}/change/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Thementische" in content
    assert 'id="team-group"' in content
    assert f"/admin/workshops/workshop/{workshop.pk}/anwesenheitsliste.pdf" in content
    assert f"/admin/workshops/workshop/{workshop.pk}/unterstuetzung/" in content


# --- admin form rules ---------------------------------------------------------------------------------------


def _post_change(client, workshop, **changes):
    return client.post(f"{CHANGELIST}{workshop.pk}/change/", _change_data(client, workshop, **changes))


def _change_data(client, workshop, **changes) -> dict:
    """The change form's data as the browser would post it (the form loaded now), with `changes`."""
    response = client.get(f"{CHANGELIST}{workshop.pk}/change/")
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if name == "quarters":
            data[name] = [q.pk for q in value]
        elif hasattr(value, "pk"):
            data[name] = value.pk
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif hasattr(value, "isoformat") and hasattr(value, "hour"):
            from django.utils import timezone

            local = timezone.localtime(value)
            data[f"{name}_0"] = local.strftime("%Y-%m-%d")
            data[f"{name}_1"] = local.strftime("%H:%M:%S")
        else:
            data[name] = value
    for prefix in ("team", "agenda"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(changes)
    return data


def test_admin_form_saves_a_valid_change(client, fachteam):
    workshop = WorkshopFactory(title="Alt")
    response = _post_change(client, workshop, title="Neu")
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.title == "Neu"


def test_status_cancelled_cannot_be_set_in_the_form(client, fachteam):
    workshop = WorkshopFactory()
    response = _post_change(client, workshop, status="cancelled")
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.PUBLISHED


def test_capacity_below_the_held_seats_is_refused(client, fachteam):
    workshop = WorkshopFactory(capacity=5)
    RegistrationFactory(workshop=workshop, seats=3)
    response = _post_change(client, workshop, capacity=2)
    assert "capacity" in response.context["adminform"].form.errors


def test_more_capacity_offers_the_new_seats_to_the_waiting_list(client, fachteam, django_capture_on_commit_callbacks):
    workshop = WorkshopFactory(capacity=1)
    RegistrationFactory(workshop=workshop)
    waiting = RegistrationFactory(workshop=workshop, waitlisted=True)
    with django_capture_on_commit_callbacks(execute=True):
        _post_change(client, workshop, capacity=2)
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.OFFERED


@pytest.fixture
def registration_during_save(monkeypatch):
    """Registers `seats` people through the services after the admin has read and checked the workshop,
    just before it writes (the window in which the old full save wrote back the counter it had read)."""
    from workshops.admin import WorkshopAdmin

    def arrange(seats: int) -> None:
        original = WorkshopAdmin.save_model

        def save_model(self, request, obj, form, change):
            for n in range(seats):
                register(Workshop.objects.get(pk=obj.pk), email=f"zwischendurch{n}@example.org")
            return original(self, request, obj, form, change)

        monkeypatch.setattr(WorkshopAdmin, "save_model", save_model)

    return arrange


def _recount(workshop) -> int:
    return sum(Registration.objects.filter(workshop=workshop, holds_seats=True).values_list("seats", flat=True))


def test_admin_save_keeps_registrations_committed_while_it_saves(client, fachteam, registration_during_save):
    workshop = WorkshopFactory(title="Alt", capacity=10)
    registration_during_save(3)
    response = _post_change(client, workshop, title="Neu")
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert (workshop.title, workshop.seats_held, _recount(workshop)) == ("Neu", 3, 3)


def test_admin_capacity_below_seats_taken_while_it_saves_is_refused(client, fachteam, registration_during_save):
    workshop = WorkshopFactory(capacity=3)
    registration_during_save(3)
    response = _post_change(client, workshop, capacity=2, title="Neu")
    assert response.status_code == 302, response.context["adminform"].form.errors
    workshop.refresh_from_db()
    # (In this one-connection test the refused change view rolls the registrations back with it.)
    assert (workshop.capacity, workshop.seats_held) == (3, _recount(workshop))
    assert workshop.title != "Neu"
    assert "3 Plätze belegt" in " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_admin_add_creates_the_workshop_through_the_service(client, fachteam, monkeypatch):
    from workshops import services

    source = WorkshopFactory(slug="vorlage")
    data = _change_data(client, source, slug="neue-werkstatt", title="Neue Werkstatt", status="draft")
    calls = []
    original = services.workshop_create
    monkeypatch.setattr(services, "workshop_create", lambda **kw: calls.append(kw) or original(**kw))
    response = client.post(f"{CHANGELIST}add/", data)
    assert response.status_code == 302
    created = Workshop.objects.get(slug="neue-werkstatt")
    assert (len(calls), created.seats_held, created.created_by) == (1, 0, fachteam)


def test_admin_agenda_and_team_inlines_write_through_the_services(client, fachteam, monkeypatch):
    from workshops import services

    workshop = WorkshopFactory()
    removed = AgendaItemFactory(workshop=workshop, title="Alt")
    member = UserFactory()
    data = _change_data(client, workshop)
    data.update(
        {
            "agenda-TOTAL_FORMS": 2,
            "agenda-INITIAL_FORMS": 1,
            "agenda-0-id": removed.pk,
            "agenda-0-workshop": workshop.pk,
            "agenda-0-title": "Alt",
            "agenda-0-order": 0,
            "agenda-0-duration_minutes": 15,
            "agenda-0-DELETE": "on",
            "agenda-1-workshop": workshop.pk,
            "agenda-1-title": "Thementische",
            "agenda-1-order": 1,
            "agenda-1-duration_minutes": 30,
            "team-TOTAL_FORMS": 1,
            "team-0-workshop": workshop.pk,
            "team-0-user": member.pk,
            "team-0-role": "co",
        }
    )
    calls = []
    for name in ("agenda_item_save", "agenda_item_delete", "workshop_team_member_save"):
        original = getattr(services, name)
        monkeypatch.setattr(
            services, name, lambda _name=name, _original=original, **kw: calls.append(_name) or _original(**kw)
        )
    response = client.post(f"{CHANGELIST}{workshop.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert sorted(calls) == ["agenda_item_delete", "agenda_item_save", "workshop_team_member_save"]
    assert list(workshop.agenda.values_list("title", flat=True)) == ["Thementische"]
    assert list(workshop.team.values_list("user_id", "role")) == [(member.pk, "co")]


def test_reserved_slug_is_refused(client, fachteam):
    response = _post_change(client, WorkshopFactory(), slug="anmeldung")
    assert "slug" in response.context["adminform"].form.errors


# --- workshop actions ---------------------------------------------------------------------------------------


def test_duplicate_action_creates_a_draft_copy_with_agenda_and_team(client, fachteam):
    workshop = WorkshopFactory(title="Vorlage")
    AgendaItemFactory(workshop=workshop)
    WorkshopTeamMemberFactory(workshop=workshop)
    response = client.post(CHANGELIST, {"action": "duplicate_workshops", "_selected_action": [workshop.pk]})
    copy = Workshop.objects.exclude(pk=workshop.pk).get()
    assert response.status_code == 302
    assert response["Location"] == f"{CHANGELIST}{copy.pk}/change/"
    assert copy.status == Workshop.Status.DRAFT
    assert copy.agenda.count() == 1
    assert copy.team.count() == 1


def test_cancel_action_asks_for_a_reason_first(client, fachteam):
    workshop = WorkshopFactory()
    response = client.post(CHANGELIST, {"action": "cancel_workshops", "_selected_action": [workshop.pk]})
    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.PUBLISHED


def test_cancel_action_cancels_with_the_reason_and_mails_everyone(client, fachteam):
    workshop = WorkshopFactory()
    RegistrationFactory(workshop=workshop, email="ada@example.org")
    RegistrationFactory(workshop=workshop, email="bea@example.org", waitlisted=True)
    response = client.post(
        CHANGELIST,
        {
            "action": "cancel_workshops",
            "_selected_action": [workshop.pk],
            "apply": "1",
            "reason": "Der Raum ist gesperrt.",
        },
    )
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.CANCELLED
    assert workshop.cancellation_reason == "Der Raum ist gesperrt."
    assert set(OutboxMail.objects.values_list("to", flat=True)) >= {"ada@example.org", "bea@example.org"}


def test_cancel_action_without_reason_shows_the_form_again(client, fachteam):
    workshop = WorkshopFactory()
    response = client.post(
        CHANGELIST, {"action": "cancel_workshops", "_selected_action": [workshop.pk], "apply": "1", "reason": ""}
    )
    assert response.status_code == 200
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.PUBLISHED


# --- registration admin -------------------------------------------------------------------------------------


def _action(client, action, *registrations):
    return client.post(REGISTRATIONS, {"action": action, "_selected_action": [r.pk for r in registrations]})


def test_registration_list_filters_by_status(client, fachteam):
    RegistrationFactory(name="Bestätigt")
    RegistrationFactory(name="Wartet", waitlisted=True)
    response = client.get(f"{REGISTRATIONS}?status__exact=waitlisted")
    assert [r.name for r in response.context["cl"].result_list] == ["Wartet"]


def test_registration_list_of_one_workshop_as_linked_from_its_change_page(client, fachteam):
    registration = RegistrationFactory(name="Hier")
    RegistrationFactory(name="Woanders")
    response = client.get(f"{REGISTRATIONS}?workshop__id__exact={registration.workshop_id}")
    assert [r.name for r in response.context["cl"].result_list] == ["Hier"]


def test_confirm_action_confirms_pending_registrations(client, fachteam):
    pending = RegistrationFactory(pending=True)
    _action(client, "confirm_registrations", pending)
    pending.refresh_from_db()
    assert pending.status == Registration.Status.CONFIRMED


def test_cancel_action_frees_the_seats(client, fachteam):
    registration = RegistrationFactory(seats=2)
    _action(client, "cancel_registrations", registration)
    registration.refresh_from_db()
    registration.workshop.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert registration.workshop.seats_held == 0


def test_resend_action_writes_a_mail_to_the_outbox(client, fachteam):
    registration = RegistrationFactory(email="ada@example.org")
    _action(client, "resend_mail", registration)
    assert OutboxMail.objects.filter(to="ada@example.org").count() == 1


def test_mark_attended_action_checks_in(client, fachteam):
    registration = RegistrationFactory()
    _action(client, "mark_attended", registration)
    registration.refresh_from_db()
    assert registration.checked_in_at is not None


def test_mark_attended_skips_registrations_that_are_not_confirmed(client, fachteam):
    waiting = RegistrationFactory(waitlisted=True)
    _action(client, "mark_attended", waiting)
    waiting.refresh_from_db()
    assert waiting.checked_in_at is None


def test_registrations_cannot_be_added_or_deleted_in_the_admin(client, fachteam):
    registration = RegistrationFactory()
    assert client.get(f"{REGISTRATIONS}add/").status_code == 403
    assert client.get(f"{REGISTRATIONS}{registration.pk}/delete/").status_code == 403


def test_support_needs_are_shown_to_the_fachteam_but_not_to_district_staff_outside_the_team(client):
    registration = RegistrationFactory(support_childcare=True, workshop__district=DistrictFactory(number=10))
    user = staff(Role.BEZIRKSMANAGEMENT)
    user.districts.add(registration.workshop.district)
    login_with_mfa(client, user)
    content = client.get(f"{REGISTRATIONS}{registration.pk}/change/").content.decode()
    assert "Kinderbetreuung" not in content
    client.logout()
    login_with_mfa(client, staff(Role.FACHTEAM))
    assert "Kinderbetreuung" in client.get(f"{REGISTRATIONS}{registration.pk}/change/").content.decode()
