"""Calendar files, "Meine Anmeldungen" and the method library."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from icalendar import Calendar

from tests.factories import (
    AgendaItemFactory,
    DistrictFactory,
    MethodFactory,
    RegistrationFactory,
    UserFactory,
    WorkshopFactory,
)
from workshops.models import Registration

pytestmark = pytest.mark.django_db


# --- calendar files -----------------------------------------------------------------------------------------


def events(response) -> list:
    return [component for component in Calendar.from_ical(response.content).walk("VEVENT")]


def test_workshop_calendar_file_is_a_download_with_one_event(client):
    workshop = WorkshopFactory(title="Marktplatz-Werkstatt")
    response = client.get(f"/werkstaetten/{workshop.slug}/kalender.ics")
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == f'attachment; filename="{workshop.slug}.ics"'
    assert [str(event["SUMMARY"]) for event in events(response)] == ["Marktplatz-Werkstatt"]


def test_calendar_file_of_a_draft_is_not_found(client):
    assert client.get(f"/werkstaetten/{WorkshopFactory(draft=True).slug}/kalender.ics").status_code == 404


def test_district_feed_holds_the_district_workshops_only(client):
    linden = DistrictFactory(number=10)
    WorkshopFactory(title="Linden 1", district=linden)
    WorkshopFactory(title="Linden 2", district=linden)
    WorkshopFactory(title="Entwurf", district=linden, draft=True)
    WorkshopFactory(title="Mitte", district=DistrictFactory(number=1))
    response = client.get("/bezirke/linden-limmer/kalender.ics")
    assert response["Content-Type"].startswith("text/calendar")
    assert sorted(str(event["SUMMARY"]) for event in events(response)) == ["Linden 1", "Linden 2"]


def test_district_feed_of_an_unknown_district_is_not_found(client):
    assert client.get("/bezirke/atlantis/kalender.ics").status_code == 404


# --- "Meine Anmeldungen" ------------------------------------------------------------------------------------


def test_my_registrations_needs_a_login(client):
    response = client.get("/konto/anmeldungen/")
    assert response.status_code == 302
    assert "/konto/login/" in response["Location"]


def test_my_registrations_lists_by_account_and_by_verified_address(client):
    user = UserFactory(email="bo@example.org")
    EmailAddress.objects.create(user=user, email="bo@example.org", verified=True, primary=True)
    EmailAddress.objects.create(user=user, email="alt@example.org", verified=True, primary=False)
    EmailAddress.objects.create(user=user, email="unverified@example.org", verified=False, primary=False)
    RegistrationFactory(workshop__title="Per Konto", user=user, email="other@example.org")
    RegistrationFactory(workshop__title="Per Adresse", email="BO@example.org")
    RegistrationFactory(workshop__title="Zweite Adresse", email="alt@example.org")
    RegistrationFactory(workshop__title="Nicht bestätigt", email="unverified@example.org")
    RegistrationFactory(workshop__title="Fremd", email="someone@example.org")
    client.force_login(user)
    response = client.get("/konto/anmeldungen/")
    titles = sorted(r.workshop.title for r in response.context["upcoming"])
    assert titles == ["Per Adresse", "Per Konto", "Zweite Adresse"]


def test_my_registrations_separates_past_workshops(client):
    user = UserFactory()
    RegistrationFactory(user=user, workshop__title="Vorbei", workshop__past=True)
    client.force_login(user)
    response = client.get("/konto/anmeldungen/")
    assert [r.workshop.title for r in response.context["past"]] == ["Vorbei"]
    assert response.context["upcoming"] == []


def test_my_registrations_can_cancel_an_own_registration(client):
    user = UserFactory()
    registration = RegistrationFactory(user=user)
    client.force_login(user)
    response = client.post(
        "/konto/anmeldungen/", {"registration": registration.pk, "action": "cancel", "confirm_cancel": "yes"}
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


def test_my_registrations_asks_before_cancelling(client):
    user = UserFactory()
    registration = RegistrationFactory(user=user)
    client.force_login(user)
    response = client.post("/konto/anmeldungen/", {"registration": registration.pk, "action": "cancel"})
    assert response["Location"] == f"/konto/anmeldungen/?stornieren={registration.pk}#stornieren"
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_my_registrations_shows_the_manage_pages_confirmation_step_for_that_registration(client):
    user = UserFactory()
    registration = RegistrationFactory(user=user)
    other = RegistrationFactory(user=user)
    client.force_login(user)
    page = client.get(f"/konto/anmeldungen/?stornieren={registration.pk}").content.decode()
    assert page.count("Anmeldung wirklich stornieren?") == 1
    assert 'name="confirm_cancel" value="yes"' in page
    assert f'name="registration" value="{registration.pk}"><input type="hidden" name="action" value="cancel">' in page
    assert f'name="registration" value="{other.pk}"><input type="hidden" name="action" value="cancel">' in page


def test_my_registrations_offers_the_undo_after_cancelling(client, settings):
    settings.WORKSHOPS_CANCEL_UNDO_MINUTES = 10
    user = UserFactory()
    registration = RegistrationFactory(user=user)
    client.force_login(user)
    client.post("/konto/anmeldungen/", {"registration": registration.pk, "action": "cancel", "confirm_cancel": "yes"})
    page = client.get("/konto/anmeldungen/").content.decode()
    assert 'value="undo_cancel"' in page
    assert "Stornierung rückgängig machen" in page


def test_my_registrations_undoes_a_cancellation_through_the_manage_service(client):
    user = UserFactory()
    registration = RegistrationFactory(user=user)
    client.force_login(user)
    client.post("/konto/anmeldungen/", {"registration": registration.pk, "action": "cancel", "confirm_cancel": "yes"})
    response = client.post("/konto/anmeldungen/", {"registration": registration.pk, "action": "undo_cancel"})
    assert response["Location"] == "/konto/anmeldungen/"
    registration.refresh_from_db()
    assert (registration.status, registration.holds_seats) == (Registration.Status.CONFIRMED, True)


def test_my_registrations_offers_no_undo_after_the_undo_period(client, settings):
    settings.WORKSHOPS_CANCEL_UNDO_MINUTES = 10
    user = UserFactory()
    registration = RegistrationFactory(user=user, cancelled=True)
    Registration.objects.filter(pk=registration.pk).update(cancelled_at=timezone.now() - timedelta(minutes=11))
    client.force_login(user)
    assert 'value="undo_cancel"' not in client.get("/konto/anmeldungen/").content.decode()


def test_my_registrations_cannot_touch_someone_elses_registration(client):
    user = UserFactory()
    foreign = RegistrationFactory(email="someone@example.org")
    client.force_login(user)
    response = client.post("/konto/anmeldungen/", {"registration": foreign.pk, "action": "cancel"})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == Registration.Status.CONFIRMED


def test_my_registrations_ignores_a_malformed_id(client):
    client.force_login(UserFactory())
    assert client.post("/konto/anmeldungen/", {"registration": "abc", "action": "cancel"}).status_code == 404


# --- method library -----------------------------------------------------------------------------------------


def test_method_library_lists_published_methods_only(client):
    MethodFactory(name="World Café Test", slug="world-cafe-test")
    MethodFactory(name="Geheim", slug="geheim", is_published=False)
    content = client.get("/methoden/").content.decode()
    assert "World Café Test" in content
    assert "Geheim" not in content


def test_method_page_shows_steps_as_an_ordered_list(client):
    method = MethodFactory(steps="Tische bilden\n\nFragen stellen\n")
    content = client.get(f"/methoden/{method.slug}/").content.decode()
    assert "<li>Tische bilden</li>" in content
    assert "<li>Fragen stellen</li>" in content
    assert content.count("<li>Fragen stellen</li>") == 1


def test_method_page_lists_upcoming_workshops_using_it(client):
    item = AgendaItemFactory(workshop__title="Mit Methode")
    assert "Mit Methode" in client.get(f"/methoden/{item.method.slug}/").content.decode()


def test_unpublished_method_is_not_found(client):
    method = MethodFactory(is_published=False)
    assert client.get(f"/methoden/{method.slug}/").status_code == 404


def test_registrations_of_user_leaves_out_unverified_addresses():
    from workshops.selectors import registrations_of_user

    user = UserFactory(email="bo@example.org")
    EmailAddress.objects.create(user=user, email="bo@example.org", verified=True, primary=True)
    EmailAddress.objects.create(user=user, email="fremd@example.org", verified=False, primary=False)
    mine = RegistrationFactory(email="bo@example.org")
    RegistrationFactory(email="fremd@example.org")
    assert list(registrations_of_user(user=user)) == [mine]
