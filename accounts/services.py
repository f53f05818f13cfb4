"""Account services: data-subject rights (export and erasure) through the personal-data registry, the
Fachteam's MFA reset, and the audit of role and permission changes."""

from __future__ import annotations

import inspect
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError, NotAllowed
from core.models import AuditLog
from core.registry import personal_data_erasers, personal_data_providers
from core.services import audit_log

from .roles import user_is_staff_member

EXPORT_FORMAT = "bezirkswerkstaetten-personal-data/1"


def _normalise(email: str) -> str:
    return (email or "").strip().lower()


def _call(function, **kwargs):
    """Call a provider with the keyword arguments it accepts (older providers may not take `by`)."""
    parameters = inspect.signature(function).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return function(**kwargs)
    return function(**{key: value for key, value in kwargs.items() if key in parameters})


def personal_data_export(*, email: str, user=None, by=None) -> dict:
    """Everything we hold about this person (account and every app's rows linked to the address) as JSON.

    `user`: the account holder asking while logged in; without it, the account registered under the
    address is included too (whoever asks has shown control of the address, or is the Fachteam answering
    an access request). `by`: the staff member answering a request — then the export is audited."""
    from .models import User

    email = _normalise(email or (user.email if user is not None else ""))
    if not email:
        raise ApplicationError(_("Bitte geben Sie eine E-Mail-Adresse an."), code="email_missing")
    account = user if user is not None else User.objects.filter(email__iexact=email).first()
    data = {
        "format": EXPORT_FORMAT,
        "generated_at": timezone.now(),
        "email": email,
        "has_account": account is not None,
        "data": {
            provider.name: _call(provider.export, email=email, user=account) for provider in personal_data_providers()
        },
    }
    if by is not None:
        audit_log(actor=by, action=AuditLog.Action.PERSONAL_DATA_EXPORT, obj=account, details={"email": email})
    # One round trip through JSON: what callers get is exactly what the file will contain.
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def personal_data_erase(*, email: str, user=None, by=None) -> dict:
    """Erase or anonymise everything linked to this person; seats are released through the normal services.

    With `user` (the account holder, logged in and re-authenticated) the account is deleted as well; with
    only an address (a registration's manage link, or the Fachteam for an address) the rows linked to the
    address are erased and an account under that address stays (its holder closes it while logged in).
    Staff accounts are not closed this way: the Fachteam removes them (they carry team and audit records).
    Returns {"erased": {provider: rows}, "account_deleted": bool}."""
    email = _normalise(email or (user.email if user is not None else ""))
    if not email:
        raise ApplicationError(_("Bitte geben Sie eine E-Mail-Adresse an."), code="email_missing")
    if user is not None and user_is_staff_member(user) and by is None:
        raise NotAllowed(
            _("Konten von Mitarbeitenden schließt das Fachteam Beteiligung. Bitte wenden Sie sich an das Fachteam."),
            code="staff_account",
        )
    erased: dict[str, int] = {}
    with transaction.atomic():
        user_id = user.pk if user is not None else None
        for provider in personal_data_erasers():
            erased[provider.name] = int(_call(provider.erase, email=email, user=user, by=by) or 0)
        account_deleted = user_id is not None and erased.get("accounts", 0) > 0
        audit_log(
            actor=by,
            action=AuditLog.Action.ACCOUNT_DELETE if account_deleted else AuditLog.Action.PERSONAL_DATA_ERASE,
            details={"email": email, "erased": erased, "self_service": by is None},
        )
    return {"erased": erased, "account_deleted": account_deleted}


def account_delete(*, user, by=None) -> dict:
    """Close an account: erase everything linked to it and to its addresses, then delete the User row."""
    return personal_data_erase(email=user.email, user=user, by=by)


def mfa_reset(*, user, by) -> int:
    """Remove every second factor of `user` (lost phone): at their next staff page they set up a new one.

    Returns the number of authenticators removed. Audited."""
    from allauth.mfa.models import Authenticator

    with transaction.atomic():
        types = sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True))
        count, _ = Authenticator.objects.filter(user=user).delete()
        audit_log(actor=by, action=AuditLog.Action.MFA_RESET, obj=user, details={"removed": types})
    return count


# --- role and permission changes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AccessSnapshot:
    """What decides a user's access: flags, groups (roles), direct permissions, assigned districts."""

    is_active: bool
    is_staff: bool
    is_superuser: bool
    groups: frozenset[str]
    permissions: frozenset[str]
    districts: frozenset[str]


def user_access_snapshot(*, user) -> AccessSnapshot:
    if user is None or user.pk is None:
        return AccessSnapshot(False, False, False, frozenset(), frozenset(), frozenset())
    return AccessSnapshot(
        is_active=user.is_active,
        is_staff=user.is_staff,
        is_superuser=user.is_superuser,
        groups=frozenset(user.groups.values_list("name", flat=True)),
        permissions=frozenset(
            f"{app}.{codename}"
            for app, codename in user.user_permissions.values_list("content_type__app_label", "codename")
        ),
        districts=frozenset(user.districts.values_list("slug", flat=True)),
    )


def user_access_changes_record(*, user, before: AccessSnapshot, by) -> list[AuditLog]:
    """Compare `user`'s access now with `before` and write one audit entry per kind of change."""
    after = user_access_snapshot(user=user)
    entries = []

    def diff(old: frozenset[str], new: frozenset[str]) -> dict:
        return {"added": sorted(new - old), "removed": sorted(old - new)}

    if before.groups != after.groups:
        entries.append(
            audit_log(
                actor=by, action=AuditLog.Action.ROLES_CHANGE, obj=user, details=diff(before.groups, after.groups)
            )
        )
    if before.permissions != after.permissions:
        entries.append(
            audit_log(
                actor=by,
                action=AuditLog.Action.PERMISSIONS_CHANGE,
                obj=user,
                details=diff(before.permissions, after.permissions),
            )
        )
    flags = {
        name: {"before": getattr(before, name), "after": getattr(after, name)}
        for name in ("is_active", "is_staff", "is_superuser")
        if getattr(before, name) != getattr(after, name)
    }
    if flags:
        entries.append(audit_log(actor=by, action=AuditLog.Action.STAFF_FLAGS_CHANGE, obj=user, details=flags))
    if before.districts != after.districts:
        entries.append(
            audit_log(
                actor=by,
                action=AuditLog.Action.DISTRICTS_CHANGE,
                obj=user,
                details=diff(before.districts, after.districts),
            )
        )
    return entries


def group_permissions_change_record(*, group, before: frozenset[str], by) -> AuditLog | None:
    """Audit a change of the permissions of a role (Django group)."""
    after = frozenset(
        f"{app}.{codename}" for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    )
    if before == after:
        return None
    return audit_log(
        actor=by,
        action=AuditLog.Action.PERMISSIONS_CHANGE,
        obj=group,
        details={"group": group.name, "added": sorted(after - before), "removed": sorted(before - after)},
    )


@transaction.atomic
def organisation_unit_set_members(*, unit, members: list, by=None) -> bool:
    """Set who acts for an organisation unit in the owners' workspace; a change is audit-logged (who was added,
    who removed). Returns whether anything changed."""
    before = set(unit.members.values_list("pk", flat=True))
    after = {member.pk for member in members}
    if before == after:
        return False
    unit.members.set(members)
    audit_log(
        actor=by,
        action="organisation_unit.members",
        obj=unit,
        details={"added": sorted(after - before), "removed": sorted(before - after)},
    )
    return True


# --- out-of-band enrolment of the second factor -----------------------------------------------------------------

SESSION_MFA_ENROLMENT = "hb_mfa_enrolment"


def _mfa_token_hash(token: str) -> str:
    import hashlib

    return hashlib.sha256(token.encode()).hexdigest()


def mfa_invitation_send(*, user, by=None):
    """Mail `user` a single-use link (valid MFA_INVITATION_HOURS) that allows setting up the second factor.

    Earlier unused invitations of the user stop working. The mail goes through the outbox."""
    import secrets
    from datetime import timedelta

    from django.conf import settings

    from core.links import absolute_url
    from core.services import mail_enqueue

    from .models import MfaEnrolmentInvitation

    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        MfaEnrolmentInvitation.objects.filter(user=user, used_at__isnull=True).delete()
        invitation = MfaEnrolmentInvitation.objects.create(
            user=user,
            token_hash=_mfa_token_hash(token),
            expires_at=timezone.now() + timedelta(hours=settings.MFA_INVITATION_HOURS),
        )
        invitation.token = token
        mail_enqueue(
            to=user.email,
            template="accounts/mail/mfa_invitation",
            context={
                "user": user,
                "url": absolute_url("accounts:mfa_enrol", token=token),
                "hours": settings.MFA_INVITATION_HOURS,
            },
            topic="mfa_invitation",
        )
    return invitation


def mfa_invitation_redeem(*, token: str, user, session) -> None:
    """Use an invitation (POST, signed in as its user): this session may now set up the second factor.

    Raises ApplicationError for an unknown, foreign, used or expired link (all answered alike)."""
    import time

    from .models import MfaEnrolmentInvitation

    invalid = ApplicationError(
        _("Dieser Link ist ungültig, abgelaufen oder wurde schon verwendet."), code="mfa_invitation_invalid"
    )
    with transaction.atomic():
        invitation = (
            MfaEnrolmentInvitation.objects.select_for_update().filter(token_hash=_mfa_token_hash(token or "")).first()
        )
        if (
            invitation is None
            or invitation.user_id != user.pk
            or invitation.used_at is not None
            or invitation.expires_at < timezone.now()
        ):
            raise invalid
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at"])
    session[SESSION_MFA_ENROLMENT] = {"user": user.pk, "until": int(time.time()) + 3600}


def session_may_enrol_mfa(session, user) -> bool:
    import time

    grant = session.get(SESSION_MFA_ENROLMENT) or {}
    return grant.get("user") == user.pk and int(grant.get("until", 0)) > time.time()
