"""Erasure and export cover copies of a person's data in mails to others and audit entries about them
(issue 15, point 3)."""

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from accounts import services
from core.models import AuditLog, OutboxMail
from core.services import accessibility_feedback_submit, audit_log
from tests.factories import RegistrationFactory, UserFactory, WorkshopFactory, WorkshopTeamMemberFactory, register
from workshops import services as workshop_services
from workshops.tokens import tokens_for

pytestmark = pytest.mark.django_db

EMAIL = "erika@example.org"
MESSAGE = "Der Kontrast auf der Karte ist für mich zu schwach, Erika M."


def _feedback_mail(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # still waiting in the outbox
        accessibility_feedback_submit(name="Erika M.", email=EMAIL, page_url="/karte/", message=MESSAGE)
    return OutboxMail.objects.get(to=settings.FACHTEAM_EMAIL)


def test_feedback_mail_to_the_fachteam_is_in_the_export_of_its_sender(django_capture_on_commit_callbacks):
    _feedback_mail(django_capture_on_commit_callbacks)
    data = services.personal_data_export(email=EMAIL)["data"]["core"]
    assert [mail["to"] for mail in data["mails_about_you"]] == [settings.FACHTEAM_EMAIL]
    assert MESSAGE in data["mails_about_you"][0]["body_text"]


def test_feedback_mail_to_the_fachteam_is_erased_with_its_sender(django_capture_on_commit_callbacks):
    _feedback_mail(django_capture_on_commit_callbacks)
    other = OutboxMail.objects.create(to=settings.FACHTEAM_EMAIL, subject="s", body_text="Jemand anderes")
    services.personal_data_erase(email=EMAIL)
    assert not any(MESSAGE in mail.body_text for mail in OutboxMail.objects.all())
    assert OutboxMail.objects.filter(pk=other.pk).exists()


def test_support_needs_mail_to_the_team_is_erased_with_the_person(django_capture_on_commit_callbacks):
    workshop = WorkshopFactory(starts_at=timezone.now() + timedelta(days=60))
    WorkshopTeamMemberFactory(workshop=workshop, user=UserFactory(email="lead@example.org"))
    with django_capture_on_commit_callbacks(execute=False):
        registration = register(
            workshop,
            email=EMAIL,
            support=workshop_services.SupportNeeds(sign_language=True),
            support_consent=True,
        ).registration
        workshop_services.registration_confirm(token=tokens_for(registration).confirm)
    assert OutboxMail.objects.filter(to="lead@example.org", topic="support_team").exists()
    exported = services.personal_data_export(email=EMAIL)["data"]["core"]["mails_about_you"]
    assert [mail["topic"] for mail in exported] == ["support_team"]
    services.personal_data_erase(email=EMAIL)
    assert not OutboxMail.objects.filter(to="lead@example.org", topic="support_team").exists()


def test_export_includes_audit_entries_about_the_person_and_no_others():
    staff = UserFactory(email="fachteam@example.org")
    mine = RegistrationFactory(email=EMAIL)
    theirs = RegistrationFactory(email="max@example.org")
    audit_log(actor=staff, action=AuditLog.Action.SUPPORT_NEEDS_VIEW, obj=mine)
    audit_log(actor=staff, action=AuditLog.Action.SUPPORT_NEEDS_VIEW, obj=theirs)
    services.personal_data_export(email=EMAIL, by=staff)  # audited with the address in details
    entries = services.personal_data_export(email=EMAIL)["data"]["core"]["audit_entries_about_you"]
    assert [entry["action"] for entry in entries] == ["support_needs.view", "personal_data.export"]
    assert all(entry["object"] != f"Anmeldung #{theirs.pk}" for entry in entries)
    assert "fachteam@example.org" not in json.dumps(entries)
