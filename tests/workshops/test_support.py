"""Support needs are acknowledged and handled (issue 10, point 2)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import OutboxMail
from tests.factories import RegistrationFactory, UserFactory, WorkshopFactory, WorkshopTeamMemberFactory, register
from workshops import services
from workshops.models import Registration, WorkshopTeamMember
from workshops.tokens import tokens_for

pytestmark = pytest.mark.django_db

SIGN = services.SupportNeeds(sign_language=True)


def _team(workshop):
    lead = WorkshopTeamMemberFactory(workshop=workshop, user=UserFactory(email="lead@example.org"))
    co = WorkshopTeamMemberFactory(
        workshop=workshop, user=UserFactory(email="co@example.org"), role=WorkshopTeamMember.Role.CO
    )
    WorkshopTeamMemberFactory(
        workshop=workshop, user=UserFactory(email="trainee@example.org"), role=WorkshopTeamMember.Role.TRAINEE
    )
    return lead, co


def _confirmed_with_needs(workshop, **kwargs) -> Registration:
    registration = register(
        workshop, email="deaf@example.org", support=SIGN, support_consent=True, **kwargs
    ).registration
    return services.registration_confirm(token=tokens_for(registration).confirm)


def test_confirmed_needs_are_sent_to_lead_and_co_facilitators_without_details_in_the_subject():
    workshop = WorkshopFactory(title="Marktplatz", starts_at=timezone.now() + timedelta(days=60))
    _team(workshop)
    _confirmed_with_needs(workshop)
    mails = OutboxMail.objects.filter(topic="support_team")
    assert sorted(mails.values_list("to", flat=True)) == ["co@example.org", "lead@example.org"]
    for mail in mails:
        assert "Gebärden" not in mail.subject and "DGS" not in mail.subject
        assert "Gebärdensprachdolmetschung" in mail.body_text
        assert "DRINGEND" not in mail.subject


def test_needs_entered_shortly_before_the_date_are_flagged_urgent(settings):
    settings.WORKSHOPS_SUPPORT_URGENT_DAYS = 21
    workshop = WorkshopFactory(starts_at=timezone.now() + timedelta(days=10))
    _team(workshop)
    registration = _confirmed_with_needs(workshop)
    assert registration.support_urgent
    assert OutboxMail.objects.filter(topic="support_team", subject__startswith="DRINGEND").count() == 2


def test_a_pending_hold_does_not_yet_alarm_the_team():
    workshop = WorkshopFactory()
    _team(workshop)
    register(workshop, support=SIGN, support_consent=True)
    assert not OutboxMail.objects.filter(topic="support_team").exists()


def test_confirmation_mail_repeats_the_needs_and_says_by_when_the_team_answers():
    workshop = WorkshopFactory(starts_at=timezone.now() + timedelta(days=60))
    _confirmed_with_needs(workshop)
    mail = OutboxMail.objects.get(to="deaf@example.org", topic="confirmed")
    assert "Gebärdensprachdolmetschung (DGS)" in mail.body_text
    assert "sagt Ihnen bis" in mail.body_text


def test_manage_page_repeats_the_needs_and_their_state(client):
    registration = RegistrationFactory(support_sign_language=True, support_status="open")
    page = client.get(f"/werkstaetten/anmeldung/{registration.manage_token}/").content.decode()
    assert "Gebärdensprachdolmetschung (DGS)" in page
    assert "sagt Ihnen bis" in page


def test_team_marks_a_need_arranged_and_the_person_is_told_in_their_language():
    registration = RegistrationFactory(
        support_sign_language=True, support_status="open", email="p@example.org", language="en"
    )
    services.registration_support_answer(registration=registration, status="arranged", note="Frau K. dolmetscht.")
    registration.refresh_from_db()
    assert registration.support_status == "arranged" and registration.support_answered_at
    mail = OutboxMail.objects.get(to="p@example.org", topic="support_answer")
    assert "Frau K. dolmetscht." in mail.body_text
    assert "Guten Tag" not in mail.body_text


def test_team_marks_a_need_not_possible_and_the_person_is_told():
    registration = RegistrationFactory(support_sign_language=True, support_status="open", email="p@example.org")
    services.registration_support_answer(registration=registration, status="not_possible")
    assert "nicht organisieren" in OutboxMail.objects.get(to="p@example.org", topic="support_answer").body_text


def test_person_withdraws_needs_from_the_manage_link(client):
    registration = RegistrationFactory(support_sign_language=True, support_status="open")
    url = f"/werkstaetten/anmeldung/{registration.manage_token}/"
    client.post(url, {"action": "support_update"})
    registration.refresh_from_db()
    assert (registration.has_support_needs, registration.support_status) == (False, "")


def test_person_changes_needs_from_the_manage_link_and_the_team_hears_again(client):
    workshop = WorkshopFactory(starts_at=timezone.now() + timedelta(days=60))
    _team(workshop)
    registration = RegistrationFactory(workshop=workshop, support_sign_language=True, support_status="arranged")
    url = f"/werkstaetten/anmeldung/{registration.manage_token}/"
    client.post(url, {"action": "support_update", "support_induction_loop": "on", "support_consent": "on"})
    registration.refresh_from_db()
    assert (registration.support_sign_language, registration.support_induction_loop) == (False, True)
    assert registration.support_status == "open"
    assert OutboxMail.objects.filter(topic="support_team").count() == 2
