"""Each person in their language (issue 10, point 3): the language is stored on the registration, every
mail is written in it, dates read as people of that language write them."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from core.models import OutboxMail
from tests.factories import RegistrationFactory, WorkshopFactory, fill, register
from workshops import services
from workshops.dates import when_text
from workshops.forms import make_form_stamp
from workshops.models import Registration

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def _workshop(**kwargs):
    return WorkshopFactory(
        starts_at=datetime(2027, 1, 7, 18, 0, tzinfo=BERLIN),
        ends_at=datetime(2027, 1, 7, 20, 0, tzinfo=BERLIN),
        **kwargs,
    )


def test_english_dates_read_as_english_speakers_write_them():
    with translation.override("en"):
        assert when_text(datetime(2027, 1, 7, 18, tzinfo=BERLIN), datetime(2027, 1, 7, 20, tzinfo=BERLIN)) == (
            "Thursday, 7 January 2027, 6–8 pm"
        )
        assert when_text(datetime(2027, 1, 7, 11, tzinfo=BERLIN), datetime(2027, 1, 7, 13, 30, tzinfo=BERLIN)) == (
            "Thursday, 7 January 2027, 11 am–1:30 pm"
        )


def test_german_dates_stay_german():
    with translation.override("de"):
        assert when_text(datetime(2027, 1, 7, 18, tzinfo=BERLIN), datetime(2027, 1, 7, 20, tzinfo=BERLIN)) == (
            "Donnerstag, 7. Januar 2027, 18:00–20:00 Uhr"
        )


def test_language_is_stored_on_the_registration():
    registration = register(_workshop(), language="en-GB").registration
    assert Registration.objects.get(pk=registration.pk).language == "en"


def test_unknown_language_falls_back_to_german():
    assert register(_workshop(), language="xx").registration.language == "de"


def test_confirm_request_mail_is_written_in_english_for_an_english_registration():
    register(_workshop(), language="en", email="en@example.org")
    mail = OutboxMail.objects.get(to="en@example.org")
    assert "Thursday, 7 January 2027, 6–8 pm" in mail.body_text
    assert "Guten Tag" not in mail.body_text
    assert '<html lang="en">' in mail.body_html


def test_confirm_request_mail_stays_german_for_a_german_registration_after_an_english_one():
    workshop = _workshop()
    register(workshop, language="en", email="en@example.org")
    register(workshop, language="de", email="de@example.org")
    mail = OutboxMail.objects.get(to="de@example.org")
    assert "Donnerstag, 7. Januar 2027, 18:00–20:00 Uhr" in mail.body_text
    assert "Guten Tag" in mail.body_text


def test_waiting_list_mail_is_written_in_the_registrations_language():
    workshop = _workshop(capacity=1)
    fill(workshop)
    register(workshop, language="en", email="wait@example.org")
    mail = OutboxMail.objects.get(to="wait@example.org")
    assert "Guten Tag" not in mail.body_text and "Thursday" in mail.body_text


def test_cancellation_mail_follows_the_stored_language_not_the_current_one():
    registration = RegistrationFactory(workshop=_workshop(), language="en", email="c@example.org")
    with translation.override("de"):
        services.registration_cancel(registration=registration)
    assert "Guten Tag" not in OutboxMail.objects.get(to="c@example.org").body_text


def test_registering_on_the_english_page_stores_english(client):
    import time

    workshop = _workshop()
    client.post(
        f"/werkstaetten/{workshop.slug}/",
        {
            "name": "Ada",
            "email": "ada@example.org",
            "seats": "1",
            "privacy_consent": "on",
            "stamp": make_form_stamp(workshop_id=workshop.pk, at=time.time() - 60),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert Registration.objects.get(email="ada@example.org").language == "en"


def test_german_content_on_an_english_page_is_marked_lang_de(client):
    workshop = _workshop(title="Lindener Marktplatz")
    page = client.get(workshop.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in page
    assert '<h1 lang="de">Lindener Marktplatz</h1>' in page


def test_german_page_needs_no_lang_marks(client):
    workshop = _workshop(title="Lindener Marktplatz")
    assert "<h1>Lindener Marktplatz</h1>" in client.get(workshop.get_absolute_url()).content.decode()


@pytest.mark.parametrize("path", ["/", "/werkstaetten/", "/bezirke/"])
def test_language_switch_is_in_the_header_of_every_page(client, path):
    page = client.get(path).content.decode()
    header = page[: page.index("<main")]
    assert 'name="language" value="en" lang="en"' in header


def test_person_changes_the_language_of_their_mails_on_the_manage_page(client):
    registration = RegistrationFactory(workshop=_workshop(), language="de", email="l@example.org")
    url = f"/werkstaetten/anmeldung/{registration.manage_token}/"
    assert 'id="mail-language"' in client.get(url).content.decode()
    client.post(url, {"action": "set_language", "language": "en"})
    registration.refresh_from_db()
    assert registration.language == "en"
    services.registration_cancel(registration=registration)
    assert "Guten Tag" not in OutboxMail.objects.get(to="l@example.org").body_text
