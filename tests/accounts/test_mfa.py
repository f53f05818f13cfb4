"""Staff need a second factor (TOTP) before any staff page; with it they get in."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.urls import reverse

from accounts.roles import Role
from core.models import AuditLog
from tests.auth import give_totp, login_with_mfa, totp_code
from tests.factories import UserFactory, WorkshopFactory, WorkshopTeamMemberFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Werkstatt-Test-2026"


@pytest.fixture(autouse=True)
def _clear_cache():
    # TOTP codes are single-use (remembered in the cache) and rate limits live there too.
    cache.clear()


def staff(role: Role = Role.FACHTEAM, **extra):
    user = UserFactory(is_staff=True, **extra)
    user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def login_with_password(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return response


def test_staff_without_mfa_is_told_to_use_the_mailed_invitation_instead_of_the_admin(client):
    user = staff()
    login_with_password(client, user)
    response = client.get("/admin/")
    assert response.status_code == 403
    assert "Einladung" in response.content.decode()


def test_a_password_alone_cannot_enrol_a_second_factor(client):
    user = staff()
    login_with_password(client, user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 403
    response = client.post(reverse("mfa_activate_totp"), {"code": "123456"})
    assert response.status_code == 403
    assert not Authenticator.objects.filter(user=user).exists()
    assert client.get("/admin/").status_code == 403


def invitation_token(user) -> str:
    from accounts import services

    invitation = services.mfa_invitation_send(user=user)
    return invitation.token


def test_the_invitation_is_mailed_and_only_its_hash_is_stored():
    from accounts.models import MfaEnrolmentInvitation
    from core.models import OutboxMail

    user = staff()
    token = invitation_token(user)
    mail = OutboxMail.objects.get(to=user.email)
    assert token in mail.body_text
    stored = MfaEnrolmentInvitation.objects.get(user=user)
    assert token not in stored.token_hash


def test_an_invitation_works_once_and_only_for_its_account(client):
    user, other = staff(), staff()
    token = invitation_token(user)
    login_with_password(client, other)
    assert client.post(reverse("accounts:mfa_enrol", args=[token])).status_code == 404
    client.logout()
    login_with_password(client, user)
    assert client.get(reverse("accounts:mfa_enrol", args=[token])).status_code == 200  # GET only shows a button
    assert client.post(reverse("accounts:mfa_enrol", args=[token]))["Location"] == reverse("mfa_activate_totp")
    client.logout()
    login_with_password(client, user)
    assert client.post(reverse("accounts:mfa_enrol", args=[token])).status_code == 404


def test_an_expired_invitation_is_refused(client):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import MfaEnrolmentInvitation

    user = staff()
    token = invitation_token(user)
    MfaEnrolmentInvitation.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(minutes=1))
    login_with_password(client, user)
    assert client.post(reverse("accounts:mfa_enrol", args=[token])).status_code == 404
    assert client.get(reverse("mfa_activate_totp")).status_code in (302, 403)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 403


@pytest.mark.parametrize("path", ["/admin/", "/admin/workshops/workshop/", "/moderation/", "/dashboard/", "/berichte/"])
def test_no_staff_path_is_reachable_without_mfa(client, path):
    user = staff(is_superuser=True)
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 403
    assert "Einladung" in response.content.decode()


def test_staff_with_mfa_but_password_only_session_must_enter_a_code(client):
    user = staff()
    give_totp(user)
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))


def test_staff_without_mfa_has_no_permissions_on_other_staff_pages(client, rf):
    from accounts.middleware import StaffSecurityMiddleware

    facilitator = staff(Role.MODERATION)
    workshop = WorkshopFactory()
    WorkshopTeamMemberFactory(workshop=workshop, user=facilitator)
    client.force_login(facilitator)
    seen = {}

    def view(request):
        seen["perm"] = request.user.has_perm("workshops.view_attendees", workshop)
        from django.http import HttpResponse

        return HttpResponse("ok")

    request = rf.get("/werkstaetten/x/")
    request.session = client.session
    request.user = facilitator
    from django.contrib.messages.storage.fallback import FallbackStorage

    request._messages = FallbackStorage(request)
    StaffSecurityMiddleware(view)(request)
    assert seen["perm"] is False


def test_check_in_page_path_requires_mfa(client):
    user = staff(Role.BEZIRKSMANAGEMENT)
    client.force_login(user)
    response = client.get("/werkstaetten/some-workshop/einlass/")
    assert response.status_code == 403
    assert "Einladung" in response.content.decode()


def test_login_with_password_and_totp_code_reaches_the_admin(client):
    user = staff()
    give_totp(user)
    response = login_with_password(client, user)
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_wrong_totp_code_does_not_log_in(client):
    user = staff()
    give_totp(user)
    login_with_password(client, user)
    response = client.post(reverse("mfa_authenticate"), {"code": "000000" if totp_code() != "000000" else "111111"})
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_entering_a_code_in_a_running_session_opens_the_admin(client):
    user = staff()
    give_totp(user)
    client.force_login(user)
    response = client.post(reverse("mfa_reauthenticate") + "?next=/admin/", {"code": totp_code(), "next": "/admin/"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db(transaction=True)  # allauth's signal runs after commit, before the session is saved
def test_activating_totp_opens_staff_pages_and_is_audited(client):
    user = staff()
    token = invitation_token(user)
    login_with_password(client, user)
    client.get("/admin/")  # remembered as the page to continue to
    client.post(reverse("accounts:mfa_enrol", args=[token]))  # the mailed, out-of-band invitation
    # allauth asks for the password again before a second factor is added (re-authentication).
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    secret = response.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert AuditLog.objects.filter(action=AuditLog.Action.MFA_ACTIVATE, actor=user).exists()
    assert client.get(reverse("accounts:mfa_continue"))["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_mfa_session_of_another_user_does_not_count(client):
    first = staff()
    login_with_mfa(client, first)
    second = staff()
    give_totp(second)
    client.force_login(second)
    assert client.get("/admin/").status_code == 302


def test_citizen_needs_no_mfa(client):
    citizen = UserFactory()
    client.force_login(citizen)
    assert client.get(reverse("accounts:overview")).status_code == 200


def test_citizen_gets_no_admin(client):
    citizen = UserFactory()
    client.force_login(citizen)
    response = client.get("/admin/")
    assert response.status_code in (302, 403)
    assert "mfa" not in response.get("Location", "")


def test_admin_login_form_is_replaced_by_the_allauth_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_fachteam_resets_a_lost_second_factor_and_it_is_audited(client):
    fachteam = staff()
    login_with_mfa(client, fachteam)
    facilitator = staff(Role.MODERATION)
    give_totp(facilitator)
    response = client.post(
        reverse("admin:accounts_user_changelist"), {"action": "reset_mfa", "_selected_action": [facilitator.pk]}
    )
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=facilitator).exists()
    entry = AuditLog.objects.get(action=AuditLog.Action.MFA_RESET)
    assert entry.actor == fachteam
    assert entry.object_id == str(facilitator.pk)


def test_deactivating_totp_needs_reauthentication(client):
    user = staff()
    login_with_mfa(client, user)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_a_workshop_team_member_without_a_staff_role_needs_mfa_too(client):
    from tests.factories import RegistrationFactory

    partner = UserFactory()  # e.g. a network partner on the team: sees the attendee list
    partner.groups.add(Group.objects.get_or_create(name=Role.NETZWERK.value)[0])
    workshop = WorkshopFactory()
    WorkshopTeamMemberFactory(workshop=workshop, user=partner, role="network_partner")
    RegistrationFactory(workshop=workshop, name="Erika Mustermann")
    client.force_login(partner)
    response = client.get(reverse("reflections:workshop", args=[workshop.slug]))
    assert response.status_code == 403
    assert "Erika Mustermann" not in response.content.decode()
    login_with_mfa(client, partner)
    response = client.get(reverse("reflections:workshop", args=[workshop.slug]))
    assert response.status_code == 200
    assert "Erika Mustermann" in response.content.decode()


def test_deploy_check_refuses_production_without_staff_mfa(settings):
    from accounts.checks import staff_mfa_enforced

    assert staff_mfa_enforced() == []
    settings.STAFF_MFA_REQUIRED = False
    assert [error.id for error in staff_mfa_enforced()] == ["accounts.E001"]
    settings.STAFF_MFA_REQUIRED = True
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "accounts.middleware.StaffSecurityMiddleware"]
    assert [error.id for error in staff_mfa_enforced()] == ["accounts.E002"]
