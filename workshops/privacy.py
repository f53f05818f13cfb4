"""Personal-data provider of the workshops app: registrations and consent records of a person.

Registered in WorkshopsConfig.ready; the interface is described in core.registry. Erasure goes through
workshops.services.registration_anonymise, so held seats are released (and the waiting list moves on)
exactly as on a normal cancellation."""

from __future__ import annotations

from django.db.models import Q

from core.registry import PersonalDataProvider, register_personal_data

# Secrets and internal bookkeeping that say nothing about the person.
_NOT_EXPORTED = {"confirm_token_hash", "manage_token_hash", "token_seed", "holds_seats"}


def _registrations(email: str, user):
    from .models import Registration

    condition = Q(email__iexact=email) if email else Q(pk__in=[])
    if user is not None and user.pk:
        condition |= Q(user_id=user.pk)
    return (
        Registration.objects.filter(condition)
        .filter(anonymised_at__isnull=True)
        .select_related("workshop", "workshop__district", "quarter")
        .prefetch_related("consents")
        .order_by("created_at", "pk")
    )


def _consent(consent) -> dict:
    return {
        "purpose": consent.purpose,
        "purpose_label": str(consent.get_purpose_display()),
        "text_version": consent.text_version,
        "given_at": consent.given_at,
        "withdrawn_at": consent.withdrawn_at,
    }


def _registration(registration) -> dict:
    data = {}
    for field in registration._meta.concrete_fields:
        if field.name in _NOT_EXPORTED:
            continue
        if field.is_relation:
            continue
        data[field.name] = field.value_from_object(registration)
    data["workshop"] = {
        "title": registration.workshop.title,
        "slug": registration.workshop.slug,
        "district": registration.workshop.district.name,
        "starts_at": registration.workshop.starts_at,
    }
    data["quarter"] = registration.quarter.name if registration.quarter_id else None
    data["linked_to_account"] = registration.user_id is not None
    data["consents"] = [_consent(consent) for consent in registration.consents.all()]
    return data


def export(*, email: str, user) -> dict:
    from .models import ConsentRecord

    registrations = list(_registrations(email, user))
    data: dict = {"registrations": [_registration(registration) for registration in registrations]}
    if user is not None and user.pk:
        from .models import Workshop, WorkshopTeamMember

        data["account_consents"] = [
            _consent(consent) for consent in ConsentRecord.objects.filter(user=user, registration__isnull=True)
        ]
        # Staff: on which teams the person worked and which workshops they created.
        data["team_roles"] = [
            {"workshop": member.workshop.title, "starts_at": member.workshop.starts_at, "role": member.role}
            for member in WorkshopTeamMember.objects.filter(user=user).select_related("workshop")
        ]
        data["workshops_created"] = [
            {"title": workshop.title, "slug": workshop.slug, "created_at": workshop.created_at}
            for workshop in Workshop.objects.filter(created_by=user)
        ]
    return data


def erase(*, email: str, user, by=None) -> int:
    """Anonymise every registration of the person through the normal service (seats are released)."""
    from core.models import AuditLog
    from core.services import audit_log

    from . import services
    from .models import ConsentRecord

    count = 0
    for registration in _registrations(email, user):
        address = registration.email
        services.registration_anonymise(registration=registration)
        audit_log(
            actor=by,
            action=AuditLog.Action.REGISTRATION_ANONYMISE,
            obj=registration,
            details={"reason": "erasure"},
            about=address,
        )
        count += 1
    if user is not None and user.pk:
        deleted, _ = ConsentRecord.objects.filter(user=user, registration__isnull=True).delete()
        count += deleted
    return count


def register() -> None:
    register_personal_data(
        PersonalDataProvider(
            "workshops",
            export,
            erase,
            erase_order=100,
            # Team memberships go with the account (CASCADE); created_by is set to NULL with it.
            models=(
                "workshops.registration",
                "workshops.consentrecord",
                "workshops.workshopteammember",
                "workshops.workshop",
            ),
        )
    )
