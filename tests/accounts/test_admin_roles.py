"""Role and permission changes in the admin are audited; only the Fachteam manages roles."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.roles import Role
from core.models import AuditLog
from tests.auth import login_with_mfa
from tests.factories import DistrictFactory, UserFactory

pytestmark = pytest.mark.django_db


def group(role: Role) -> Group:
    return Group.objects.get_or_create(name=role.value)[0]


@pytest.fixture
def fachteam(client):
    user = UserFactory(is_staff=True)
    user.groups.add(group(Role.FACHTEAM))
    login_with_mfa(client, user)
    return user


def change_form(user, **overrides):
    data = {
        "email": user.email,
        "name": user.name,
        "organisation": "",
        "department": "",
        "organisation_kind": "",
        "is_active": "on",
        "groups": [g.pk for g in user.groups.all()],
        "districts": [d.pk for d in user.districts.all()],
    }
    if user.is_staff:
        data["is_staff"] = "on"
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_giving_a_role_in_the_admin_is_audited(client, fachteam):
    person = UserFactory()
    district = DistrictFactory(number=10)
    response = client.post(
        reverse("admin:accounts_user_change", args=[person.pk]),
        change_form(person, groups=[group(Role.BEZIRKSMANAGEMENT).pk], districts=[district.pk], is_staff="on"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    roles = AuditLog.objects.get(action=AuditLog.Action.ROLES_CHANGE)
    assert roles.actor == fachteam
    assert roles.object_id == str(person.pk)
    assert roles.details == {"added": [Role.BEZIRKSMANAGEMENT.value], "removed": []}
    assert AuditLog.objects.get(action=AuditLog.Action.DISTRICTS_CHANGE).details["added"] == ["linden-limmer"]
    staff_change = AuditLog.objects.get(action=AuditLog.Action.STAFF_FLAGS_CHANGE)
    assert staff_change.details == {"is_staff": {"before": False, "after": True}}


def test_removing_a_role_is_audited(client, fachteam):
    person = UserFactory()
    person.groups.add(group(Role.MODERATION))
    client.post(reverse("admin:accounts_user_change", args=[person.pk]), change_form(person, groups=[]))
    assert AuditLog.objects.get(action=AuditLog.Action.ROLES_CHANGE).details == {
        "added": [],
        "removed": [Role.MODERATION.value],
    }


def test_saving_without_changes_writes_no_audit_entry(client, fachteam):
    person = UserFactory()
    client.post(reverse("admin:accounts_user_change", args=[person.pk]), change_form(person))
    assert not AuditLog.objects.exists()


def test_fachteam_cannot_make_anyone_superuser(client, fachteam):
    person = UserFactory()
    client.post(reverse("admin:accounts_user_change", args=[person.pk]), change_form(person, is_superuser="on"))
    person.refresh_from_db()
    assert person.is_superuser is False


def test_fachteam_cannot_change_a_superuser(client, fachteam):
    root = UserFactory(is_staff=True, is_superuser=True)
    response = client.post(reverse("admin:accounts_user_change", args=[root.pk]), change_form(root, is_active=None))
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.is_active is True


def test_changing_the_permissions_of_a_role_is_audited(client, fachteam):
    moderation = group(Role.MODERATION)
    permission = Permission.objects.get(codename="view_outboxmail")
    response = client.post(
        reverse("admin:auth_group_change", args=[moderation.pk]),
        {"name": moderation.name, "permissions": [permission.pk]},
    )
    assert response.status_code == 302
    entry = AuditLog.objects.get(action=AuditLog.Action.PERMISSIONS_CHANGE)
    assert entry.details["added"] == ["core.view_outboxmail"]
    assert entry.details["group"] == Role.MODERATION.value


def test_deleting_a_user_in_the_admin_is_audited(client, fachteam):
    person = UserFactory()
    response = client.post(reverse("admin:accounts_user_delete", args=[person.pk]), {"post": "yes"})
    assert response.status_code == 302
    entry = AuditLog.objects.get(action=AuditLog.Action.OBJECT_DELETE)
    assert entry.object_id == str(person.pk)
    assert person.email not in str(entry.details)


def test_district_staff_cannot_manage_roles(client):
    user = UserFactory(is_staff=True)
    user.groups.add(group(Role.BEZIRKSMANAGEMENT))
    login_with_mfa(client, user)
    person = UserFactory()
    response = client.post(
        reverse("admin:accounts_user_change", args=[person.pk]), change_form(person, groups=[group(Role.FACHTEAM).pk])
    )
    assert response.status_code == 403
    assert not person.groups.exists()


def test_second_factor_secrets_are_not_shown_in_the_admin(client, fachteam):
    from tests.auth import TEST_TOTP_SECRET, give_totp

    person = UserFactory(is_staff=True)
    authenticator = give_totp(person)
    page = client.get(reverse("admin:mfa_authenticator_change", args=[authenticator.pk])).content.decode()
    assert TEST_TOTP_SECRET not in page
