"""Data-subject rights: export everything linked to a person; erasure leaves no personal field behind."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import models
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.roles import Role
from core.models import AccessibilityFeedback, AuditLog
from core.registry import personal_data_providers
from core.services import outbox_write
from tests.auth import give_totp, login_with_mfa
from tests.factories import RegistrationFactory, UserFactory
from workshops.models import ConsentRecord, Registration, Workshop

pytestmark = pytest.mark.django_db

NAME = "Erika Mustermann"
EMAIL = "erika.mustermann@example.org"
OTHER_EMAIL = "erika.privat@example.org"
SUPPORT_TEXT = "Bitte eine Rampe am Seiteneingang"
PASSWORD = "Werkstatt-Test-2026"


@pytest.fixture
def person():
    """An account holder with registrations under two addresses, consents, mails and feedback."""
    user = UserFactory(email=EMAIL, name=NAME, organisation="Nachbarschaftsverein Linden", department="Vorstand")
    EmailAddress.objects.create(user=user, email=EMAIL, verified=True, primary=True)
    EmailAddress.objects.create(user=user, email=OTHER_EMAIL, verified=True, primary=False)
    give_totp(user)
    now = timezone.now()
    by_email = RegistrationFactory(
        name=NAME,
        email=EMAIL,
        seats=2,
        support_step_free=True,
        support_other=SUPPORT_TEXT,
        support_consent_at=now,
        status_updates_opt_in=True,
    )
    by_account = RegistrationFactory(name=NAME, email=OTHER_EMAIL, user=user, pending=True)
    waitlisted = RegistrationFactory(name=NAME, email=EMAIL, waitlisted=True)
    for registration in (by_email, by_account):
        ConsentRecord.objects.create(
            registration=registration, purpose=ConsentRecord.Purpose.PRIVACY, text_version="2026-01"
        )
    ConsentRecord.objects.create(
        registration=by_email, purpose=ConsentRecord.Purpose.SUPPORT_NEEDS, text_version="2026-01"
    )
    ConsentRecord.objects.create(user=user, purpose=ConsentRecord.Purpose.STATUS_UPDATES, text_version="2026-01")
    outbox_write(to=EMAIL, subject="Ihre Anmeldung", body_text=f"Hallo {NAME}")
    AccessibilityFeedback.objects.create(name=NAME, email=EMAIL, message="Der Kontrast ist zu schwach.")
    # Contributions in the other apps (their providers export and erase them).
    from tests.recommendations.factories import CommentFactory, EndorsementFactory

    comment = CommentFactory(author=user, text="Bitte auch an Gebärdensprache denken, sagt Erika.")
    EndorsementFactory(user=user, recommendation=comment.recommendation)
    return {"user": user, "by_email": by_email, "by_account": by_account, "waitlisted": waitlisted}


@pytest.fixture
def bystander():
    return RegistrationFactory(name="Max Nachbar", email="max@example.org")


# --- export -------------------------------------------------------------------------------------------------


def test_export_contains_the_account(person):
    data = services.personal_data_export(email=EMAIL, user=person["user"])
    account = data["data"]["accounts"]
    assert account["account"]["email"] == EMAIL
    assert account["account"]["name"] == NAME
    assert account["account"]["organisation"] == "Nachbarschaftsverein Linden"
    assert {a["email"] for a in account["email_addresses"]} == {EMAIL, OTHER_EMAIL}
    assert [f["type"] for f in account["second_factors"]] == ["totp"]


def test_export_never_contains_secrets(person):
    text = json.dumps(services.personal_data_export(email=EMAIL, user=person["user"]))
    assert person["user"].password not in text
    assert person["by_email"].manage_token_hash not in text
    assert "secret" not in text


def test_export_contains_every_registration_and_consent(person, bystander):
    data = services.personal_data_export(email=EMAIL, user=person["user"])
    registrations = data["data"]["workshops"]["registrations"]
    assert {r["id"] for r in registrations} == {person[k].pk for k in ("by_email", "by_account", "waitlisted")}
    first = next(r for r in registrations if r["id"] == person["by_email"].pk)
    assert first["support_other"] == SUPPORT_TEXT
    assert first["workshop"]["title"] == person["by_email"].workshop.title
    assert {c["purpose"] for c in first["consents"]} == {"privacy", "support_needs"}
    assert [c["purpose"] for c in data["data"]["workshops"]["account_consents"]] == ["status_updates"]
    assert bystander.email not in json.dumps(data)


def test_export_contains_mails_and_feedback(person):
    data = services.personal_data_export(email=EMAIL, user=person["user"])
    assert [m["subject"] for m in data["data"]["core"]["mails"]] == ["Ihre Anmeldung"]
    assert data["data"]["core"]["accessibility_feedback"][0]["message"] == "Der Kontrast ist zu schwach."


def test_export_by_address_includes_the_account_under_that_address(person):
    data = services.personal_data_export(email=EMAIL.upper())
    assert data["has_account"] is True
    assert data["data"]["accounts"]["account"]["email"] == EMAIL


def test_export_is_plain_json(person):
    data = services.personal_data_export(email=EMAIL, user=person["user"])
    assert json.loads(json.dumps(data)) == data


def _person_links(model, user, emails):
    """The rows of `model` linked to the person: a FK to the user, or an e-mail field with one of the addresses."""
    condition = models.Q(pk__in=[])
    linked = False
    for field in model._meta.get_fields():
        if not getattr(field, "concrete", False):
            continue
        if field.is_relation and field.related_model is apps.get_model(settings.AUTH_USER_MODEL):
            condition |= models.Q(**{field.name: user})
            linked = True
        elif isinstance(field, models.EmailField):
            for email in emails:
                condition |= models.Q(**{f"{field.name}__iexact": email})
            linked = True
    if model is apps.get_model(settings.AUTH_USER_MODEL):
        condition |= models.Q(pk=user.pk)
        linked = True
    return linked, condition


# Links that are not data about the person as a data subject but records of a staff member's work;
# they are exported (core: "audited_actions", workshops: team and created workshops) but kept on erasure.
NOT_SUBJECT_DATA: dict[str, str] = {
    "core.auditlog": "accountability record of a staff member's action; actor label scrubbed on erasure",
    # The e-mail field is a unit's functional mailbox, not a person's; members are a many-to-many link that
    # disappears with the account.
    "accounts.organisationunit": "reference data of the city's organisation; functional mailbox only",
}

# Models of providers that do not declare `models` (registered before the field existed): which provider
# covers them and how — reviewed against reflections/privacy.py and recommendations/privacy.py.
COVERED_ELSEWHERE: dict[str, tuple[str, str]] = {
    "reflections.reflection": ("reflections", "exported by author; erasure unlinks the author"),
    "reflections.resultphoto": ("reflections", "the city's documentation; uploader SET_NULL with the account"),
    "recommendations.comment": ("recommendations", "exported; erasure blanks text and author"),
    "recommendations.endorsement": ("recommendations", "exported; erasure deletes"),
    "recommendations.reportjob": ("recommendations", "exported; erasure unlinks"),
    "recommendations.recommendation": ("recommendations", "the city's record; creator SET_NULL with the account"),
    "recommendations.recommendationversion": ("recommendations", "the city's record; author SET_NULL"),
    "recommendations.historyentry": ("recommendations", "the city's record; actor SET_NULL"),
}


def test_every_model_linked_to_a_person_is_declared_by_a_provider():
    providers = {provider.name for provider in personal_data_providers()}
    declared = {label for provider in personal_data_providers() for label in provider.models}
    declared |= {label for label, (provider, _how) in COVERED_ELSEWHERE.items() if provider in providers}
    undeclared = []
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    for model in apps.get_models():
        if model._meta.label_lower in NOT_SUBJECT_DATA or model._meta.app_label in {"admin", "sessions"}:
            continue
        linked, _ = _person_links(model, user_model(pk=1), ["x@example.org"])
        if linked and model._meta.label_lower not in declared:
            undeclared.append(model._meta.label_lower)
    assert undeclared == [], (
        f"models linked to a person that no personal-data provider declares: {undeclared} — register a "
        "PersonalDataProvider(..., models=(...)) in the app's AppConfig.ready (see core/registry.py)"
    )


def test_every_row_linked_to_the_person_is_in_the_export(person):
    """Generic: each linked row's text values show up in the export (rows of every registered model)."""
    data = json.dumps(services.personal_data_export(email=EMAIL, user=person["user"]), ensure_ascii=False)
    missing = []
    for model in apps.get_models():
        if model._meta.label_lower in NOT_SUBJECT_DATA or model._meta.app_label in {"admin", "sessions"}:
            continue
        linked, condition = _person_links(model, person["user"], [EMAIL, OTHER_EMAIL])
        if not linked:
            continue
        for row in model._default_manager.filter(condition):
            texts = [
                str(field.value_from_object(row))
                for field in model._meta.concrete_fields
                if isinstance(field, models.CharField | models.TextField)
                and field.value_from_object(row)
                and not field.name.endswith(("hash", "seed", "password", "secret"))
                and field.editable
            ]
            if texts and not any(text in data for text in texts):
                missing.append(f"{model._meta.label_lower} #{row.pk}")
    assert missing == []


# --- erasure --------------------------------------------------------------------------------------------------


def _personal_strings():
    return [NAME, "Erika", "Mustermann", EMAIL, OTHER_EMAIL, "erika", SUPPORT_TEXT]


def _assert_no_personal_field(row, user_pk):
    for field in row._meta.concrete_fields:
        value = field.value_from_object(row)
        if isinstance(value, str):
            for secret in _personal_strings():
                assert secret.lower() not in value.lower(), f"{row._meta.label}.{field.name} still holds {secret!r}"
        if field.is_relation and field.related_model is apps.get_model(settings.AUTH_USER_MODEL):
            assert value != user_pk, f"{row._meta.label}.{field.name} still points at the person"
        if field.name.startswith("support_") and isinstance(field, models.BooleanField):
            assert value is False, f"{row._meta.label}.{field.name} still set"


def test_account_deletion_leaves_no_personal_field_behind(person, bystander, django_capture_on_commit_callbacks):
    user = person["user"]
    user_pk = user.pk
    with django_capture_on_commit_callbacks(execute=True):
        result = services.account_delete(user=user)
    assert result["account_deleted"] is True
    assert not type(user).objects.filter(pk=user_pk).exists()
    for key in ("by_email", "by_account", "waitlisted"):
        registration = Registration.objects.get(pk=person[key].pk)
        assert registration.anonymised_at is not None
        _assert_no_personal_field(registration, user_pk)
    # Nothing anywhere still links to the person (every model, every FK to the user and e-mail field).
    gone = type(user)(pk=user_pk)
    for model in apps.get_models():
        linked, condition = _person_links(model, gone, [EMAIL, OTHER_EMAIL])
        if linked and model._meta.label_lower not in NOT_SUBJECT_DATA:
            assert not model._default_manager.filter(condition).exists(), model._meta.label_lower
    # Consent proofs of anonymised registrations stay (purpose, version, time) without any personal link.
    for consent in ConsentRecord.objects.all():
        _assert_no_personal_field(consent, user_pk)
    # No text field of any row anywhere still holds the name or an address of the person.
    leftovers = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                for needle in (NAME, EMAIL, OTHER_EMAIL, SUPPORT_TEXT):
                    if model._default_manager.filter(**{f"{field.name}__icontains": needle}).exists():
                        leftovers.append(f"{model._meta.label}.{field.name} ~ {needle}")
    assert leftovers == []
    bystander.refresh_from_db()
    assert bystander.name == "Max Nachbar"


def test_erasure_releases_held_seats_through_the_normal_service(person, django_capture_on_commit_callbacks):
    workshop = person["by_email"].workshop
    Workshop.objects.filter(pk=workshop.pk).update(capacity=2)  # full: the two seats are held by the person
    next_in_line = RegistrationFactory(workshop=workshop, waitlisted=True, name="Nora Warteliste")
    with django_capture_on_commit_callbacks(execute=True):
        services.account_delete(user=person["user"])
    workshop.refresh_from_db()
    next_in_line.refresh_from_db()
    assert Registration.objects.get(pk=person["by_email"].pk).status == Registration.Status.CANCELLED
    assert next_in_line.status == Registration.Status.OFFERED
    assert workshop.seats_held == next_in_line.seats


def test_erasure_through_a_manage_link_keeps_the_account(person):
    result = services.personal_data_erase(email=EMAIL)
    assert result["account_deleted"] is False
    assert type(person["user"]).objects.filter(pk=person["user"].pk).exists()
    assert Registration.objects.get(pk=person["by_email"].pk).anonymised_at is not None
    # The registration under the account's other address is the account holder's to delete.
    assert Registration.objects.get(pk=person["by_account"].pk).anonymised_at is None


def test_erasure_is_audited_without_the_address(person):
    services.personal_data_erase(email=EMAIL)
    entry = AuditLog.objects.get(action=AuditLog.Action.PERSONAL_DATA_ERASE)
    assert EMAIL not in json.dumps(entry.details)
    assert entry.details["email"]["masked"] == "e…@example.org"
    assert AuditLog.objects.filter(action=AuditLog.Action.REGISTRATION_ANONYMISE).count() == 2


def test_staff_accounts_are_not_closed_by_self_service():
    from core.exceptions import NotAllowed

    staff = UserFactory(is_staff=True)
    staff.groups.add(Group.objects.get_or_create(name=Role.MODERATION.value)[0])
    with pytest.raises(NotAllowed):
        services.account_delete(user=staff)
    assert type(staff).objects.filter(pk=staff.pk).exists()


# --- pages ------------------------------------------------------------------------------------------------------


def test_account_holder_downloads_their_data(client, person):
    client.force_login(person["user"])
    response = client.post(reverse("accounts:personal_data"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["data"]["accounts"]["account"]["email"] == EMAIL


def test_deleting_the_account_needs_reauthentication(client, person):
    cache.clear()
    client.force_login(person["user"])
    response = client.post(reverse("accounts:delete"), {"confirm": "on"})
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]
    assert type(person["user"]).objects.filter(pk=person["user"].pk).exists()


def test_deleting_the_account_needs_confirmation(client, person):
    client.force_login(person["user"])
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.post(reverse("accounts:delete"), {})
    assert response.status_code == 200
    assert type(person["user"]).objects.filter(pk=person["user"].pk).exists()


def test_account_holder_deletes_the_account(client, person, django_capture_on_commit_callbacks):
    client.force_login(person["user"])
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:delete"), {"confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:deleted")
    assert not type(person["user"]).objects.filter(email=EMAIL).exists()
    assert client.get(reverse("accounts:overview")).status_code == 302  # logged out


def test_suspended_delete_request_is_resumed_after_reauthentication(client, person, django_capture_on_commit_callbacks):
    client.force_login(person["user"])
    response = client.post(reverse("accounts:delete"), {"confirm": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(response["Location"], {"password": PASSWORD})
    assert not type(person["user"]).objects.filter(email=EMAIL).exists()


# --- access request in the admin -----------------------------------------------------------------------------


def _fachteam():
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=Role.FACHTEAM.value)[0])
    return user


def test_fachteam_answers_an_access_request_and_it_is_audited(client, person):
    fachteam = _fachteam()
    login_with_mfa(client, fachteam)
    response = client.post(reverse("admin:accounts_user_access_request"), {"email": EMAIL})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert len(data["data"]["workshops"]["registrations"]) == 3
    entry = AuditLog.objects.get(action=AuditLog.Action.PERSONAL_DATA_EXPORT)
    assert entry.actor == fachteam
    assert EMAIL not in json.dumps(entry.details)


def test_access_request_for_an_address_without_account(client, bystander):
    login_with_mfa(client, _fachteam())
    response = client.post(reverse("admin:accounts_user_access_request"), {"email": "max@example.org"})
    data = json.loads(response.content)
    assert data["has_account"] is False
    assert [r["name"] for r in data["data"]["workshops"]["registrations"]] == ["Max Nachbar"]


def test_district_staff_cannot_answer_access_requests(client, person):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=Role.BEZIRKSMANAGEMENT.value)[0])
    login_with_mfa(client, user)
    response = client.post(reverse("admin:accounts_user_access_request"), {"email": EMAIL})
    assert response.status_code == 403


def test_fachteam_sees_consent_records_read_only(client, person):
    login_with_mfa(client, _fachteam())
    assert client.get(reverse("admin:workshops_consentrecord_changelist")).status_code == 200
    consent = ConsentRecord.objects.first()
    response = client.post(reverse("admin:workshops_consentrecord_change", args=[consent.pk]), {"text_version": "x"})
    assert response.status_code == 403
    consent.refresh_from_db()
    assert consent.text_version == "2026-01"


# --- the manage link of a registration (people without an account) -------------------------------------------


def test_manage_link_downloads_the_data_of_its_address(client, person, bystander):
    response = client.post(
        reverse("workshops:manage", args=[person["by_email"].manage_token]), {"action": "export_data"}
    )
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["email"] == EMAIL
    assert "max@example.org" not in response.content.decode()


def test_manage_link_erases_the_data_of_its_address(client, person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("workshops:manage", args=[person["by_email"].manage_token]),
            {"action": "erase_data", "confirm_erase": "yes"},
        )
    assert response.status_code == 302
    registration = Registration.objects.get(pk=person["by_email"].pk)
    assert registration.anonymised_at is not None
    _assert_no_personal_field(registration, person["user"].pk)
    # The old link is dead now.
    assert client.get(reverse("workshops:manage", args=[person["by_email"].manage_token])).status_code == 404
