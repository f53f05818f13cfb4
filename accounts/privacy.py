"""Personal-data providers of the accounts app (the account itself) and of core (mails, feedback, audit).

Registered in AccountsConfig.ready; see core.registry for the interface."""

from __future__ import annotations

from django.db.models import Q

from core.crypto import pseudonym
from core.registry import PersonalDataProvider, register_personal_data


def _account(email: str, user):
    from .models import User

    if user is not None:
        return user
    return User.objects.filter(email__iexact=email).first() if email else None


def accounts_export(*, email: str, user) -> dict:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    account = _account(email, user)
    if account is None:
        return {"account": None}
    return {
        "account": {
            "id": account.pk,
            "email": account.email,
            "name": account.name,
            "organisation": account.organisation,
            "department": account.department,
            "organisation_kind": account.organisation_kind,
            "districts": [district.name for district in account.districts.all()],
            "roles": sorted(account.groups.values_list("name", flat=True)),
            "is_staff": account.is_staff,
            "is_active": account.is_active,
            "date_joined": account.date_joined,
            "last_login": account.last_login,
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=account).order_by("pk")
        ],
        # The kind and dates of the second factors only: never their secrets.
        "second_factors": [
            {"type": auth.type, "created_at": auth.created_at, "last_used_at": auth.last_used_at}
            for auth in Authenticator.objects.filter(user=account).order_by("pk")
        ],
        # Invitations to set up the second factor: dates only (the token's hash opens nothing).
        "second_factor_invitations": [
            {"created_at": invitation.created_at, "expires_at": invitation.expires_at, "used_at": invitation.used_at}
            for invitation in account.mfa_invitations.order_by("pk")
        ],
    }


def accounts_erase(*, email: str, user, by=None) -> int:
    """Delete the account (only when the account holder is given; see core.registry)."""
    from core.models import AuditLog

    if user is None or user.pk is None:
        return 0
    # Audit entries keep what a person did in a role, not who they were once the account is gone.
    AuditLog.objects.filter(actor=user).update(actor_repr=f"gelöschtes Konto #{user.pk}")
    user.delete()
    return 1


def core_export(*, email: str, user) -> dict:
    from core.models import AccessibilityFeedback, AuditLog, OutboxMail

    addresses = _addresses(email, user)
    pseudonyms = [pseudonym(address) for address in addresses]
    mails = OutboxMail.objects.filter(_iexact_any("to", addresses)).order_by("created_at")
    about = OutboxMail.objects.filter(about__in=pseudonyms).exclude(_iexact_any("to", addresses))
    feedback = AccessibilityFeedback.objects.filter(_iexact_any("email", addresses)).order_by("created_at")
    data: dict = {
        # Bodies only while a mail waits or failed: delivered ones keep no body (ADR 0015).
        "mails": [_mail(mail) for mail in mails],
        # Mails to others (e.g. the Fachteam) that copy this person's data.
        "mails_about_you": [_mail(mail) for mail in about.order_by("created_at")],
        "accessibility_feedback": [
            {
                "created_at": item.created_at,
                "name": item.name,
                "email": item.email,
                "page_url": item.page_url,
                "message": item.message,
                "handled": item.handled,
            }
            for item in feedback
        ],
    }
    if user is not None and user.pk:
        data["audited_actions"] = [
            {"created_at": entry.created_at, "action": entry.action, "object": entry.object_repr}
            for entry in AuditLog.objects.filter(actor=user).order_by("created_at")
        ]
    # Entries about the person (exports, erasures, role changes, views of their mails, anonymisations).
    data["audit_entries_about_you"] = [
        {
            "created_at": entry.created_at,
            "action": entry.action,
            "object": entry.object_repr,
            "by": "system" if entry.actor_id is None and not entry.actor_repr else "staff",
        }
        for entry in AuditLog.objects.filter(subject__in=pseudonyms).order_by("created_at", "pk")
    ]
    return data


def _mail(mail) -> dict:
    return {
        "created_at": mail.created_at,
        "to": mail.to,
        "subject": mail.subject,
        "topic": mail.topic,
        "status": mail.status,
        "sent_at": mail.sent_at,
        "body_text": mail.body_text,
        "attachments": [attachment.get("filename") for attachment in mail.attachments],
    }


def core_erase(*, email: str, user, by=None) -> int:
    from core.models import AccessibilityFeedback, OutboxMail

    addresses = _addresses(email, user)
    if not addresses:
        return 0
    pseudonyms = [pseudonym(address) for address in addresses]
    mails, _ = OutboxMail.objects.filter(_iexact_any("to", addresses) | Q(about__in=pseudonyms)).delete()
    feedback, _ = AccessibilityFeedback.objects.filter(_iexact_any("email", addresses)).delete()
    return mails + feedback


def _addresses(email: str, user) -> list[str]:
    addresses = {email.strip().lower()} if email else set()
    if user is not None and user.pk:
        from allauth.account.models import EmailAddress

        addresses.add(user.email.lower())
        addresses.update(
            address.lower() for address in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
        )
    return sorted(addresses)


def _iexact_any(field: str, values: list[str]) -> Q:
    condition = Q(pk__in=[])
    for value in values:
        condition |= Q(**{f"{field}__iexact": value})
    return condition


def register() -> None:
    register_personal_data(
        PersonalDataProvider(
            "accounts",
            accounts_export,
            accounts_erase,
            erase_order=1000,
            models=("accounts.user", "account.emailaddress", "mfa.authenticator", "accounts.mfaenrolmentinvitation"),
        )
    )
    register_personal_data(
        PersonalDataProvider(
            "core",
            core_export,
            core_erase,
            erase_order=900,
            models=("core.outboxmail", "core.accessibilityfeedback"),
        )
    )
