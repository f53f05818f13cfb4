"""The registration form on the workshop page: success, waiting list, errors, honeypot, fill time, rate limit."""

import time

import pytest

from core.models import OutboxMail
from tests.factories import QuarterFactory, RegistrationFactory, WorkshopFactory
from workshops.forms import make_form_stamp
from workshops.models import ConsentRecord, Registration

pytestmark = pytest.mark.django_db


def form_data(workshop, **overrides) -> dict:
    data = {
        "name": "Ada Lovelace",
        "email": "ada@example.org",
        "seats": "1",
        "quarter": "",
        "privacy_consent": "on",
        "website": "",
        "stamp": make_form_stamp(workshop_id=workshop.pk, at=time.time() - 60),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post(client, workshop, **overrides):
    return client.post(f"/werkstaetten/{workshop.slug}/", form_data(workshop, **overrides))


def test_valid_registration_holds_seats_and_redirects_to_the_success_page(client):
    workshop = WorkshopFactory(capacity=10)
    response = post(client, workshop, seats="2")
    assert response.status_code == 302
    assert response["Location"] == f"/werkstaetten/{workshop.slug}/angemeldet/"
    registration = Registration.objects.get(workshop=workshop)
    assert (registration.name, registration.email, registration.seats, registration.status) == (
        "Ada Lovelace",
        "ada@example.org",
        2,
        Registration.Status.PENDING,
    )
    workshop.refresh_from_db()
    assert workshop.seats_held == 2


def test_success_page_asks_to_confirm_by_mail_without_personal_data_in_the_url(client):
    workshop = WorkshopFactory()
    response = post(client, workshop)
    page = client.get(response["Location"])
    assert "ada" not in response["Location"]
    assert "Bitte bestätigen Sie Ihre Anmeldung" in page.content.decode()


def test_registration_sends_the_confirm_request_mail_to_the_address(client):
    workshop = WorkshopFactory()
    post(client, workshop)
    assert OutboxMail.objects.filter(to="ada@example.org").count() == 1


def test_full_workshop_puts_the_person_on_the_waiting_list_and_says_so(client):
    workshop = WorkshopFactory(capacity=1)
    RegistrationFactory(workshop=workshop)
    response = post(client, workshop)
    assert Registration.objects.get(email="ada@example.org").status == Registration.Status.WAITLISTED
    assert "Warteliste" in client.get(response["Location"]).content.decode()


def test_a_known_address_gets_the_same_answer_and_no_second_seat(client):
    workshop = WorkshopFactory(capacity=10)
    first = post(client, workshop)
    second = post(client, workshop)
    assert first["Location"] == second["Location"]
    assert Registration.objects.filter(workshop=workshop).count() == 1
    workshop.refresh_from_db()
    assert workshop.seats_held == 1


def test_quarter_and_status_updates_opt_in_are_stored(client):
    quarter = QuarterFactory()
    workshop = WorkshopFactory(district=quarter.district)
    post(client, workshop, quarter=str(quarter.pk), status_updates_opt_in="on")
    registration = Registration.objects.get()
    assert registration.quarter == quarter
    assert registration.status_updates_opt_in is True


def test_quarter_of_another_district_is_rejected(client):
    workshop = WorkshopFactory()
    foreign = QuarterFactory(name="List", district__number=2)
    response = post(client, workshop, quarter=str(foreign.pk))
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_support_needs_with_their_consent_are_stored_with_a_consent_record(client):
    workshop = WorkshopFactory()
    post(client, workshop, support_sign_language="on", support_other="Sitzplatz vorne", support_consent="on")
    registration = Registration.objects.get()
    assert registration.support_sign_language is True
    assert registration.support_other == "Sitzplatz vorne"
    assert registration.support_consent_at is not None
    assert registration.consents.filter(purpose=ConsentRecord.Purpose.SUPPORT_NEEDS).exists()


def test_support_needs_without_their_consent_show_an_error_at_the_consent_checkbox(client):
    workshop = WorkshopFactory()
    response = post(client, workshop, support_childcare="on")
    assert response.status_code == 400
    assert "support_consent" in response.context["form"].errors
    assert not Registration.objects.exists()


def test_support_consent_without_needs_stores_nothing(client):
    workshop = WorkshopFactory()
    post(client, workshop, support_consent="on")
    registration = Registration.objects.get()
    assert registration.support_consent_at is None
    assert not registration.has_support_needs


def test_missing_fields_are_summarised_with_links_to_the_fields(client):
    workshop = WorkshopFactory()
    response = post(client, workshop, name="", email="", privacy_consent=None)
    content = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary"' in content
    for field in ("id_name", "id_email", "id_privacy_consent"):
        assert f'href="#{field}"' in content
        assert f'id="{field}_error"' in content
    assert 'aria-invalid="true"' in content
    assert not Registration.objects.exists()


def test_invalid_email_address_is_an_error_of_the_email_field(client):
    workshop = WorkshopFactory()
    response = post(client, workshop, email="not-an-address")
    assert "email" in response.context["form"].errors


def test_more_seats_than_allowed_is_an_error_of_the_seats_field(client):
    workshop = WorkshopFactory(max_seats_per_registration=2)
    response = post(client, workshop, seats="3")
    assert "seats" in response.context["form"].errors
    assert not Registration.objects.exists()


def test_error_page_keeps_the_entered_values(client):
    workshop = WorkshopFactory()
    response = post(client, workshop, privacy_consent=None)
    assert 'value="Ada Lovelace"' in response.content.decode()


def test_honeypot_looks_like_success_but_stores_nothing(client):
    workshop = WorkshopFactory()
    response = post(client, workshop, website="https://spam.example")
    assert response.status_code == 302
    assert response["Location"] == f"/werkstaetten/{workshop.slug}/angemeldet/"
    assert not Registration.objects.exists()
    assert not OutboxMail.objects.exists()


def test_too_fast_submission_is_shown_again_with_a_fresh_stamp_and_stores_nothing(client):
    workshop = WorkshopFactory()
    stale = make_form_stamp(workshop_id=workshop.pk, at=time.time())
    response = post(client, workshop, stamp=stale)
    assert response.status_code == 400
    assert "noch einmal ab" in response.content.decode()
    assert not Registration.objects.exists()
    assert response.context["form"]["stamp"].value() != stale


def test_resubmitting_after_a_too_fast_attempt_succeeds_once_time_has_passed(client, settings):
    settings.REGISTRATION_MIN_FILL_SECONDS = 0
    workshop = WorkshopFactory()
    response = post(client, workshop, stamp=make_form_stamp(workshop_id=workshop.pk))
    assert response.status_code == 302


def test_slow_people_are_asked_once_more_and_then_pass(client):
    workshop = WorkshopFactory()
    response = post(client, workshop, stamp=make_form_stamp(workshop_id=workshop.pk, at=time.time() - 5 * 86400))
    assert response.status_code == 400
    assert not Registration.objects.exists()
    again = post(client, workshop, stamp=response.context["form"]["stamp"].value())
    assert again.status_code == 302
    assert Registration.objects.exists()


@pytest.mark.parametrize("stamp", ["", "forged:value", "eyJ3IjoxLCJ0IjowfQ:1abc:bad"])
def test_missing_or_forged_stamp_counts_as_too_fast(client, stamp):
    workshop = WorkshopFactory()
    response = post(client, workshop, stamp=stamp)
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_stamp_of_another_workshop_counts_as_too_fast(client):
    workshop = WorkshopFactory()
    other = WorkshopFactory()
    response = post(client, workshop, stamp=make_form_stamp(workshop_id=other.pk, at=time.time() - 60))
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_rate_limit_answers_429_with_a_message(client, settings):
    settings.REGISTRATION_RATE_LIMIT = "1/m"
    workshop = WorkshopFactory(capacity=10)
    assert post(client, workshop, email="one@example.org").status_code == 302
    response = post(client, workshop, email="two@example.org")
    assert response.status_code == 429
    assert "Retry-After" in response
    assert Registration.objects.count() == 1


def test_closed_registration_refuses_a_post_with_a_message(client):
    workshop = WorkshopFactory(cancelled=True)
    response = post(client, workshop)
    assert response.status_code == 302
    assert not Registration.objects.exists()


def test_logged_in_person_registration_is_linked_to_the_account(client):
    from tests.factories import UserFactory

    user = UserFactory(email="ada@example.org")
    client.force_login(user)
    workshop = WorkshopFactory()
    post(client, workshop)
    assert Registration.objects.get().user == user


def test_group_larger_than_the_free_seats_is_offered_the_honest_choice(client):
    workshop = WorkshopFactory(capacity=4, max_seats_per_registration=4)
    RegistrationFactory(workshop=workshop)
    response = post(client, workshop, seats="4")
    page = response.content.decode()
    assert response.status_code == 400
    assert "ausgebucht" not in page
    assert 'name="seats_now" value="3"' in page
    assert 'name="waitlist" value="1"' in page


def test_group_registers_the_free_seats_now(client):
    workshop = WorkshopFactory(capacity=4, max_seats_per_registration=4)
    RegistrationFactory(workshop=workshop)
    response = post(client, workshop, seats="4", seats_now="3")
    assert response.status_code == 302
    registration = Registration.objects.get(email="ada@example.org")
    assert (registration.seats, registration.status) == (3, Registration.Status.PENDING)


def test_group_chooses_the_waiting_list_and_is_not_told_it_is_full(client):
    workshop = WorkshopFactory(capacity=4, max_seats_per_registration=4)
    RegistrationFactory(workshop=workshop)
    response = post(client, workshop, seats="4", waitlist="1")
    registration = Registration.objects.get(email="ada@example.org")
    assert (registration.seats, registration.status) == (4, Registration.Status.WAITLISTED)
    page = client.get(response["Location"]).content.decode()
    assert "ausgebucht" not in page
    assert "Ihre Gruppe von 4 Personen" in page


def test_the_choice_carries_a_retry_stamp_so_it_is_never_too_fast(client, settings):
    settings.REGISTRATION_MIN_FILL_SECONDS = 30
    workshop = WorkshopFactory(capacity=4, max_seats_per_registration=4)
    RegistrationFactory(workshop=workshop)
    response = client.post(f"/werkstaetten/{workshop.slug}/", form_data(workshop, seats="4"))
    stamp = response.context["form"]["stamp"].value()
    chosen = post(client, workshop, seats="4", seats_now="3", stamp=stamp)
    assert chosen.status_code == 302
    assert Registration.objects.get(email="ada@example.org").seats == 3
