"""Admin deletions of personal-data rows are audited like user deletions (issue 15, point 6)."""

import pytest
from django.contrib import admin

from core.admin_audit import personal_data_models
from core.crypto import pseudonym
from core.models import AccessibilityFeedback, AuditLog, OutboxMail
from tests.auth import login_with_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, admin_user):
    login_with_mfa(client, admin_user)
    return client


def test_deleting_a_personal_row_on_its_delete_page_is_audited(staff_client, admin_user):
    feedback = AccessibilityFeedback.objects.create(name="Erika", email="erika@example.org", message="Kontrast")
    response = staff_client.post(f"/admin/core/accessibilityfeedback/{feedback.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not AccessibilityFeedback.objects.exists()
    entry = AuditLog.objects.get(action=AuditLog.Action.OBJECT_DELETE)
    assert (entry.actor, entry.object_id) == (admin_user, str(feedback.pk))
    assert entry.details["via"] == "admin" and entry.details["email"]["masked"] == "e…@example.org"
    assert entry.subject == pseudonym("erika@example.org")
    assert "erika@example.org" not in str(entry.details) and "Erika" not in entry.object_repr


def test_deleting_personal_rows_in_bulk_audits_each(staff_client):
    mails = [OutboxMail.objects.create(to=f"p{i}@example.org", subject="s", body_text="t") for i in range(2)]
    staff_client.post(
        "/admin/core/outboxmail/",
        {"action": "delete_selected", "_selected_action": [m.pk for m in mails], "post": "yes"},
    )
    assert not OutboxMail.objects.exists()
    entries = AuditLog.objects.filter(action=AuditLog.Action.OBJECT_DELETE)
    assert sorted(entries.values_list("object_id", flat=True)) == sorted(str(m.pk) for m in mails)


def test_deleting_a_row_without_personal_data_is_not_audited(staff_client):
    from tests.factories import FormatFactory
    from workshops.models import Format

    kind = FormatFactory()
    staff_client.post(f"/admin/workshops/format/{kind.pk}/delete/", {"post": "yes"})
    assert not Format.objects.filter(pk=kind.pk).exists()
    assert not AuditLog.objects.exists()


def test_every_admin_of_a_personal_data_model_is_hooked_or_audits_itself():
    from django.contrib.admin import ModelAdmin

    personal = personal_data_models()
    for model, model_admin in admin.site._registry.items():
        if model._meta.label_lower in personal:
            assert getattr(model_admin, "_hb_deletions_audited", False), model._meta.label_lower
            delegated = type(model_admin).delete_model is not ModelAdmin.delete_model
            assert delegated or model_admin.log_deletions.__name__ == "log_deletions"


def test_deleting_a_user_in_the_admin_is_audited_once(staff_client):
    from tests.factories import UserFactory

    user = UserFactory(email="olga@example.org")
    staff_client.post(f"/admin/accounts/user/{user.pk}/delete/", {"post": "yes"})
    assert AuditLog.objects.filter(action=AuditLog.Action.OBJECT_DELETE, object_id=str(user.pk)).count() == 1
