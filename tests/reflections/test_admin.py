"""The admin of commitments and result photos writes through the services (only changed fields, audited)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from core.models import AuditLog
from reflections import services
from reflections.models import Commitment, ResultPhoto
from tests.auth import login_with_mfa
from tests.factories import UserFactory
from tests.reflections.factories import CommitmentFactory, held_workshop, with_role
from tests.reflections.test_services import PNG

pytestmark = pytest.mark.django_db


@pytest.fixture
def fachteam(client):
    user = with_role(UserFactory(is_staff=True), Role.FACHTEAM)
    login_with_mfa(client, user)
    return user


def commitment_form(commitment: Commitment, **changes) -> dict:
    data = {
        "workshop": commitment.workshop_id,
        "reflection": commitment.reflection_id,
        "what": commitment.what,
        "who": commitment.who,
        "due_date": "",
        "status": commitment.status,
        "public": "on" if commitment.public else "",
        "order": commitment.order,
        "_save": "Sichern",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_admin_commitment_edit_is_audited(client, fachteam):
    commitment = CommitmentFactory()
    url = f"/admin/reflections/commitment/{commitment.pk}/change/"
    response = client.post(url, commitment_form(commitment, who="Fachbereich Umwelt"))
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.who == "Fachbereich Umwelt"
    entry = AuditLog.objects.get(action=services.AUDIT_COMMITMENT_UPDATE)
    assert (entry.actor, entry.details) == (fachteam, {"fields": ["who"]})


def test_admin_commitment_status_change_still_goes_through_the_status_service(client, fachteam):
    commitment = CommitmentFactory()
    before = commitment.status_changed_at
    url = f"/admin/reflections/commitment/{commitment.pk}/change/"
    client.post(url, commitment_form(commitment, status=Commitment.Status.DONE))
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.DONE
    assert commitment.status_changed_at > before
    assert not AuditLog.objects.filter(action=services.AUDIT_COMMITMENT_UPDATE).exists()


def test_commitment_update_keeps_a_status_set_meanwhile():
    commitment = CommitmentFactory()
    stale = Commitment.objects.get(pk=commitment.pk)
    services.commitment_set_status(commitment=commitment, status=Commitment.Status.DONE)
    services.commitment_update(commitment=stale, what="Neue Formulierung")
    commitment.refresh_from_db()
    assert (commitment.what, commitment.status) == ("Neue Formulierung", Commitment.Status.DONE)


def test_commitment_update_refuses_a_reflection_of_another_workshop():
    commitment = CommitmentFactory()
    other = CommitmentFactory()
    with pytest.raises(services.ApplicationError):
        services.commitment_update(commitment=commitment, reflection=other.reflection)


def test_admin_photo_visibility_change_is_audited(client, fachteam):
    photo = services.result_photo_add(
        workshop=held_workshop(), image=SimpleUploadedFile("a.png", PNG), alt_text="Pinnwand"
    )
    url = f"/admin/reflections/resultphoto/{photo.pk}/change/"
    data = {"alt_text": "Pinnwand", "caption": "", "order": photo.order, "_save": "Sichern"}
    response = client.post(url, data)
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.is_public is False
    entry = AuditLog.objects.get(action=services.AUDIT_PHOTO_UPDATE)
    assert (entry.actor, entry.details) == (fachteam, {"fields": ["is_public"], "is_public": False})
    services.result_photo_remove(photo=photo)


def test_photo_update_keeps_the_alt_text_required():
    photo = services.result_photo_add(
        workshop=held_workshop(), image=SimpleUploadedFile("a.png", PNG), alt_text="Pinnwand"
    )
    with pytest.raises(services.ApplicationError):
        services.result_photo_update(photo=photo, alt_text=" ")
    assert ResultPhoto.objects.get().alt_text == "Pinnwand"
    services.result_photo_remove(photo=photo)


def test_admin_commitment_add_goes_through_the_audited_service(client, fachteam):
    reflection = CommitmentFactory().reflection
    Commitment.objects.all().delete()
    data = {
        "workshop": reflection.workshop_id,
        "reflection": reflection.pk,
        "what": "  Bänke aufstellen ",
        "who": "Fachbereich Umwelt",
        "status": Commitment.Status.OPEN,
        "public": "on",
        "order": 0,
        "_save": "Sichern",
    }
    response = client.post("/admin/reflections/commitment/add/", data)
    assert response.status_code == 302
    assert Commitment.objects.get().what == "Bänke aufstellen"
    assert AuditLog.objects.get(action=services.AUDIT_COMMITMENT_CREATE).actor == fachteam


def test_admin_refuses_a_commitment_with_the_reflection_of_another_workshop(client, fachteam):
    commitment = CommitmentFactory()
    other = CommitmentFactory().reflection
    url = f"/admin/reflections/commitment/{commitment.pk}/change/"
    response = client.post(url, commitment_form(commitment, reflection=other.pk))
    assert response.status_code == 200
    commitment.refresh_from_db()
    assert commitment.reflection_id != other.pk
