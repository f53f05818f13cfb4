"""The audit log: who did what, when, on which object — readable by the Fachteam, editable by nobody."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import Role
from core.models import AuditLog
from core.services import audit_log
from tests.factories import RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_audit_log_records_actor_action_and_object():
    actor = UserFactory(email="fenja@example.org")
    registration = RegistrationFactory(name="Erika Mustermann")
    entry = audit_log(actor=actor, action=AuditLog.Action.SUPPORT_NEEDS_VIEW, obj=registration, details={"n": 1})
    entry.refresh_from_db()
    assert entry.actor == actor
    assert entry.actor_repr == "fenja@example.org"
    assert entry.action == "support_needs.view"
    assert entry.content_type.model_class() is type(registration)
    assert entry.object_id == str(registration.pk)
    assert entry.details == {"n": 1}
    assert entry.created_at is not None


def test_audit_log_never_copies_the_name_of_the_person_concerned():
    registration = RegistrationFactory(name="Erika Mustermann")
    entry = audit_log(actor=None, action=AuditLog.Action.REGISTRATION_ANONYMISE, obj=registration)
    assert "Erika" not in entry.object_repr
    assert entry.object_repr.endswith(f"#{registration.pk}")


def test_audit_log_masks_email_addresses_in_details():
    entry = audit_log(actor=None, action=AuditLog.Action.PERSONAL_DATA_EXPORT, details={"email": "erika@example.org"})
    assert "erika@example.org" not in str(entry.details)
    assert entry.details["email"]["masked"] == "e…@example.org"
    assert len(entry.details["email"]["pseudonym"]) == 64


def test_audit_pseudonym_cannot_be_recomputed_from_a_guessed_address_without_the_key(settings):
    import hashlib
    import hmac

    settings.PARTICIPANT_HASH_KEY = "a-key-that-lives-only-in-the-environment-4711"
    entry = audit_log(actor=None, action=AuditLog.Action.PERSONAL_DATA_EXPORT, details={"email": "Erika@example.org"})
    stored = entry.details["email"]["pseudonym"]
    address = b"erika@example.org"
    unkeyed = {hashlib.sha256(address).hexdigest(), hashlib.sha256(b"person:" + address).hexdigest()}
    guessed_keys = [b"", settings.SECRET_KEY.encode(), b"test-only-key"]
    assert stored not in unkeyed
    assert stored not in {hmac.new(k, b"person:" + address, hashlib.sha256).hexdigest() for k in guessed_keys}
    assert stored == hmac.new(settings.PARTICIPANT_HASH_KEY.encode(), b"person:" + address, hashlib.sha256).hexdigest()
    assert entry.subject == stored


def test_audit_pseudonym_changes_with_the_key(settings):
    first = audit_log(actor=None, action="x", about="erika@example.org").subject
    settings.PARTICIPANT_HASH_KEY = "another-key-of-sufficient-length-0123456789"
    assert audit_log(actor=None, action="x", about="erika@example.org").subject != first


def test_audit_entry_about_a_registration_is_linked_to_its_person_by_pseudonym():
    from core.crypto import pseudonym

    registration = RegistrationFactory(email="erika@example.org")
    entry = audit_log(actor=None, action=AuditLog.Action.SUPPORT_NEEDS_VIEW, obj=registration)
    assert entry.subject == pseudonym("erika@example.org")
    assert "erika" not in entry.subject


def test_audit_log_without_actor_is_the_system():
    entry = audit_log(actor=None, action="retention.run")
    assert entry.actor is None
    assert entry.actor_repr == ""


def _fachteam():
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=Role.FACHTEAM.value))
    return user


def _login(client, user):
    from tests.auth import login_with_mfa

    login_with_mfa(client, user)


def test_fachteam_reads_the_audit_log_in_the_admin(client):
    entry = audit_log(actor=None, action=AuditLog.Action.ATTENDEES_EXPORT)
    _login(client, _fachteam())
    assert client.get(reverse("admin:core_auditlog_changelist")).status_code == 200
    assert client.get(reverse("admin:core_auditlog_change", args=[entry.pk])).status_code == 200


@pytest.mark.parametrize("superuser", [False, True])
def test_nobody_can_add_change_or_delete_audit_entries(client, superuser):
    entry = audit_log(actor=None, action=AuditLog.Action.ATTENDEES_EXPORT)
    user = UserFactory(is_staff=True, is_superuser=True) if superuser else _fachteam()
    _login(client, user)
    assert client.get(reverse("admin:core_auditlog_add")).status_code == 403
    assert client.get(reverse("admin:core_auditlog_delete", args=[entry.pk])).status_code == 403
    response = client.post(reverse("admin:core_auditlog_change", args=[entry.pk]), {"action": "x"})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.action == "attendees.export"
    response = client.post(
        reverse("admin:core_auditlog_changelist"), {"action": "delete_selected", "_selected_action": [entry.pk]}
    )
    assert AuditLog.objects.filter(pk=entry.pk).exists()


def test_other_staff_cannot_read_the_audit_log(client):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=Role.BEZIRKSMANAGEMENT.value))
    _login(client, user)
    assert client.get(reverse("admin:core_auditlog_changelist")).status_code == 403


def test_an_attendee_export_in_the_admin_shows_up_in_the_audit_log(client):
    from tests.factories import WorkshopFactory

    registration = RegistrationFactory(workshop=WorkshopFactory(), name="Erika Mustermann")
    fachteam = _fachteam()
    _login(client, fachteam)
    workshop = registration.workshop
    response = client.get(reverse("admin:workshops_workshop_attendees_csv", args=[workshop.pk]))
    assert response.status_code == 200
    entry = AuditLog.objects.get(action=AuditLog.Action.ATTENDEES_EXPORT)
    assert (entry.actor, entry.object_id) == (fachteam, str(workshop.pk))
    page = client.get(reverse("admin:core_auditlog_changelist")).content.decode()
    assert "Teilnehmendenliste exportiert" in page
    assert fachteam.email in page


def test_viewing_support_needs_in_the_admin_is_audited(client):
    from tests.factories import WorkshopFactory

    workshop = WorkshopFactory()
    fachteam = _fachteam()
    _login(client, fachteam)
    assert client.get(reverse("admin:workshops_workshop_support_needs", args=[workshop.pk])).status_code == 200
    assert AuditLog.objects.filter(action=AuditLog.Action.SUPPORT_NEEDS_VIEW, actor=fachteam).exists()
