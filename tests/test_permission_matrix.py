"""The permission matrix: every URL pattern of the URL conf × every role → the expected HTTP status.

The patterns are walked from the URL conf (`get_resolver().url_patterns`, recursively). Each one needs an
entry in CASES (how to build a concrete URL with real objects, and the status per role) — a new URL
without an entry fails `test_every_url_pattern_has_a_matrix_entry`. Admin patterns of registered models
(changelist, add, change, history, delete …) are covered generically from ADMIN_MODELS: every registered
ModelAdmin needs an entry there.

Staff log in with the second factor passed (accounts.testing.login_with_mfa); that staff without it get
nothing is tested in tests/accounts/test_mfa.py.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.testing import login_with_mfa
from tests.workshops.factories import (
    DistrictFactory,
    MethodFactory,
    RegistrationFactory,
    UserFactory,
    WorkshopFactory,
    WorkshopTeamMemberFactory,
)

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "citizen",
    "network",
    "facilitator_a",
    "facilitator_b",
    "district_a",  # district office of workshop A's district
    "district_other",  # district office of a district without these workshops
    "fachteam",
)
STAFF_ROLES = ("facilitator_a", "facilitator_b", "district_a", "district_other", "fachteam")


# --- the world ---------------------------------------------------------------------------------------------


@dataclass
class World:
    objects: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError as exc:
            raise AttributeError(name) from exc


def _user(role: Role | None, *, is_staff=False, districts=()):
    user = UserFactory(is_staff=is_staff)
    if role is not None:
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    user.districts.set(districts)
    return user


def build_world() -> World:
    from workshops.models import WorkshopTeamMember

    world = World()
    district_a = DistrictFactory(number=10)
    district_b = DistrictFactory(number=1, name="Mitte", slug="mitte")
    district_c = DistrictFactory(number=5, name="Bezirk 5", slug="bezirk-5")
    workshop_a = WorkshopFactory(district=district_a)
    workshop_b = WorkshopFactory(district=district_b)
    held_a = WorkshopFactory(district=district_a, past=True)
    draft_a = WorkshopFactory(district=district_a, draft=True)
    users = {
        "citizen": _user(None),
        "network": _user(Role.NETZWERK),
        "facilitator_a": _user(Role.MODERATION, is_staff=True),
        "facilitator_b": _user(Role.MODERATION, is_staff=True),
        "district_a": _user(Role.BEZIRKSMANAGEMENT, is_staff=True, districts=[district_a]),
        "district_other": _user(Role.BEZIRKSMANAGEMENT, is_staff=True, districts=[district_c]),
        "fachteam": _user(Role.FACHTEAM, is_staff=True),
    }
    lead = WorkshopTeamMember.Role.LEAD
    WorkshopTeamMemberFactory(workshop=workshop_a, user=users["facilitator_a"], role=lead)
    WorkshopTeamMemberFactory(workshop=held_a, user=users["facilitator_a"], role=lead)
    WorkshopTeamMemberFactory(workshop=workshop_b, user=users["facilitator_b"], role=lead)
    own = RegistrationFactory(workshop=workshop_a, user=users["citizen"], email=users["citizen"].email)
    other = RegistrationFactory(workshop=workshop_a)
    pending = RegistrationFactory(workshop=workshop_a, pending=True)
    world.users = users
    world.objects.update(
        district_a=district_a,
        district_b=district_b,
        workshop_a=workshop_a,
        workshop_b=workshop_b,
        held_a=held_a,
        draft_a=draft_a,
        registration_own=own,
        registration_other=other,
        registration_pending=pending,
        method=MethodFactory(),
        team_member_a=workshop_a.team.first(),
    )
    _build_reflections(world)
    _build_recommendations(world)
    return world


def _build_reflections(world: World) -> None:
    from reflections.models import Reflection

    reflection = Reflection.objects.create(
        workshop=world.held_a,
        author=world.users["facilitator_a"],
        status=Reflection.Status.SUBMITTED,
        submitted_at=timezone.now(),
        attendance_count=12,
        what_worked="Kleine Gruppen.",
        internal_notes="intern",
        public_summary="Zusammenfassung.",
    )
    world.objects["reflection_a"] = reflection


def _build_recommendations(world: World) -> None:
    from recommendations import services
    from recommendations.models import FieldOfAction, Recommendation, ReportJob

    def create(title: str) -> Recommendation:
        return services.recommendation_create(
            title=title,
            text="Einladungen erscheinen auch in Leichter Sprache.",
            field=FieldOfAction.objects.order_by("pk").first(),
            addressee=Recommendation.Addressee.FACHTEAM,
            city_wide=True,
            by=world.users["fachteam"],
        )

    world.objects["recommendation_draft"] = create("Entwurf einer Empfehlung")
    public = create("Beschlossene Empfehlung")
    Recommendation.objects.filter(pk=public.pk).update(status=Recommendation.Status.ADOPTED)
    world.objects["recommendation_public"] = public
    world.objects["report_job"] = ReportJob.objects.create(
        kind=ReportJob.Kind.choices[0][0], requested_by=world.users["fachteam"], title="Bericht"
    )


# --- cases -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    url: Callable[[World], str]
    expect: dict[str, int]
    method: str = "get"
    data: Callable[[World], dict] | None = None
    note: str = ""


def expect(default: int, **overrides: int) -> dict[str, int]:
    unknown = set(overrides) - set(ROLES)
    assert not unknown, unknown
    return {role: overrides.get(role, default) for role in ROLES}


PUBLIC = expect(200)
LOGGED_IN = expect(200, anonymous=302)


def url(name: str, *args: Callable[[World], object] | object) -> Callable[[World], str]:
    def build(world: World) -> str:
        values = [arg(world) if callable(arg) else arg for arg in args]
        return reverse(name, args=values)

    return build


def slug_of(attr: str):
    return lambda world: getattr(world, attr).slug


def pk_of(attr: str):
    return lambda world: getattr(world, attr).pk


def token_of(attr: str, kind: str = "manage_token"):
    return lambda world: getattr(getattr(world, attr), kind)


GUESSED = secrets.token_urlsafe(32)

CASES: dict[str, Case] = {
    # --- core -------------------------------------------------------------------------------------------
    "healthz": Case(url("healthz"), PUBLIC),
    "readyz": Case(url("readyz"), PUBLIC),
    "set_language": Case(url("set_language"), expect(302), method="post", data=lambda w: {"language": "de"}),
    "core:impressum": Case(url("core:impressum"), PUBLIC),
    "core:datenschutz": Case(url("core:datenschutz"), PUBLIC),
    "core:barrierefreiheit": Case(url("core:barrierefreiheit"), PUBLIC),
    "core:leichte_sprache": Case(url("core:leichte_sprache"), PUBLIC),
    # --- accounts (own views) ---------------------------------------------------------------------------
    "accounts:overview": Case(url("accounts:overview"), LOGGED_IN),
    "accounts:personal_data": Case(url("accounts:personal_data"), LOGGED_IN),
    "accounts:delete": Case(url("accounts:delete"), LOGGED_IN, note="GET shows the confirmation"),
    "accounts:deleted": Case(url("accounts:deleted"), PUBLIC),
    "accounts:mfa_continue": Case(url("accounts:mfa_continue"), expect(302)),
    # --- allauth --------------------------------------------------------------------------------------------
    "account_login": Case(url("account_login"), expect(302, anonymous=200)),
    "account_logout": Case(url("account_logout"), expect(200, anonymous=302)),
    "account_inactive": Case(url("account_inactive"), PUBLIC),
    "account_signup": Case(url("account_signup"), expect(302, anonymous=200)),
    "account_reauthenticate": Case(url("account_reauthenticate"), LOGGED_IN),
    "account_email": Case(url("account_email"), LOGGED_IN),
    "account_email_verification_sent": Case(url("account_email_verification_sent"), PUBLIC),
    "account_change_password": Case(url("account_change_password"), LOGGED_IN),
    "account_set_password": Case(url("account_set_password"), expect(302)),
    "account_reset_password": Case(url("account_reset_password"), PUBLIC),
    "account_reset_password_done": Case(url("account_reset_password_done"), PUBLIC),
    "account_reset_password_from_key": Case(url("account_reset_password_from_key", "1", "guessed-key"), PUBLIC),
    "account_reset_password_from_key_done": Case(url("account_reset_password_from_key_done"), PUBLIC),
    "account_confirm_login_code": Case(url("account_confirm_login_code"), expect(302)),
    "account_confirm_email": Case(url("account_confirm_email", "guessed-key"), PUBLIC),
    "mfa_index": Case(url("mfa_index"), LOGGED_IN),
    "mfa_authenticate": Case(url("mfa_authenticate"), expect(302)),
    "mfa_reauthenticate": Case(url("mfa_reauthenticate"), expect(200, anonymous=302, citizen=302, network=302)),
    # Adding a second factor needs re-authentication first (allauth), staff have one already.
    "mfa_activate_totp": Case(url("mfa_activate_totp"), expect(302)),
    "mfa_deactivate_totp": Case(url("mfa_deactivate_totp"), expect(302, citizen=404, network=404)),
    # Recovery-code pages exist only once codes were generated (404 before).
    "mfa_view_recovery_codes": Case(url("mfa_view_recovery_codes"), expect(404, anonymous=302)),
    "mfa_generate_recovery_codes": Case(url("mfa_generate_recovery_codes"), expect(302)),
    "mfa_download_recovery_codes": Case(url("mfa_download_recovery_codes"), expect(404, anonymous=302)),
    # --- API --------------------------------------------------------------------------------------------
    "api-schema": Case(url("api-schema"), PUBLIC),
    "api-docs": Case(url("api-docs"), PUBLIC),
    "district-list": Case(url("district-list"), PUBLIC),
    "district-detail": Case(url("district-detail", slug_of("district_a")), PUBLIC),
    "workshop-list": Case(url("workshop-list"), PUBLIC),
    "workshop-detail": Case(url("workshop-detail", slug_of("workshop_a")), PUBLIC),
    "workshop-registrations": Case(url("workshop-registrations", slug_of("workshop_a")), expect(405)),
    # --- districts and workshops (public) -----------------------------------------------------------------
    "districts:list": Case(url("districts:list"), PUBLIC),
    "workshops:list": Case(url("workshops:list"), PUBLIC),
    "workshops:detail": Case(url("workshops:detail", slug_of("workshop_a")), PUBLIC),
    # Drafts are not public; who may see the workshop internally gets a preview.
    "workshops:detail#draft": Case(
        url("workshops:detail", slug_of("draft_a")), expect(404, district_a=200, fachteam=200)
    ),
    "workshop-detail#draft": Case(url("workshop-detail", slug_of("draft_a")), expect(404)),
    "workshops:registered": Case(url("workshops:registered", slug_of("workshop_a")), PUBLIC),
    "workshops:confirmed": Case(url("workshops:confirmed", slug_of("workshop_a")), PUBLIC),
    "workshops:calendar": Case(url("workshops:calendar", slug_of("workshop_a")), PUBLIC),
    "workshops:district_detail": Case(url("workshops:district_detail", slug_of("district_a")), PUBLIC),
    "workshops:district_calendar": Case(url("workshops:district_calendar", slug_of("district_a")), PUBLIC),
    "workshops:method_list": Case(url("workshops:method_list"), PUBLIC),
    "workshops:method_detail": Case(url("workshops:method_detail", slug_of("method")), PUBLIC),
    "workshops:data_erased": Case(url("workshops:data_erased"), PUBLIC),
    # Token pages: the secret link is the permission; a guessed token is a 404 for everyone.
    "workshops:confirm": Case(url("workshops:confirm", token_of("registration_pending", "confirm_token")), PUBLIC),
    "workshops:manage": Case(url("workshops:manage", token_of("registration_own")), PUBLIC),
    "workshops:my_registrations": Case(url("workshops:my_registrations"), LOGGED_IN),
    # --- staff --------------------------------------------------------------------------------------------
    "workshops:check_in": Case(
        url("workshops:check_in", slug_of("workshop_a")),
        expect(403, anonymous=302, facilitator_a=200, district_a=200, fachteam=200),
    ),
    "reflections:workspace": Case(url("reflections:workspace"), expect(200, anonymous=302, citizen=403, network=403)),
    "reflections:workshop": Case(
        url("reflections:workshop", slug_of("workshop_a")),
        expect(403, anonymous=302, facilitator_a=200, district_a=200, fachteam=200),
    ),
    "reflections:reflection_edit": Case(
        url("reflections:reflection_edit", slug_of("held_a")),
        expect(403, anonymous=302, facilitator_a=200, fachteam=200),
    ),
    "reflections:reflection_autosave": Case(
        url("reflections:reflection_autosave", slug_of("held_a")), expect(405, anonymous=302)
    ),
    "reflections:photos": Case(
        url("reflections:photos", slug_of("held_a")),
        expect(403, anonymous=302, facilitator_a=200, fachteam=200),
    ),
    "reflections:reflection_detail": Case(
        url("reflections:reflection_detail", pk_of("reflection_a")),
        expect(403, anonymous=302, facilitator_a=200, district_a=200, fachteam=200),
    ),
    "reflections:reflection_reopen": Case(
        url("reflections:reflection_reopen", pk_of("reflection_a")), expect(405, anonymous=302)
    ),
    "reflections:documentation_debts": Case(
        url("reflections:documentation_debts"),
        expect(403, anonymous=302, district_a=200, district_other=200, fachteam=200),
    ),
    "reflections:dashboard": Case(
        url("reflections:dashboard"), expect(403, anonymous=302, district_a=200, district_other=200, fachteam=200)
    ),
    # --- public results -------------------------------------------------------------------------------------
    "reflections:documentation": Case(url("reflections:documentation", slug_of("held_a")), PUBLIC),
    "reflections:feedback_thanks": Case(url("reflections:feedback_thanks", slug_of("held_a")), PUBLIC),
    "reflections:feedback": Case(url("reflections:feedback", GUESSED), expect(404)),
    "recommendations:home": Case(url("recommendations:home"), PUBLIC),
    "recommendations:tracker": Case(url("recommendations:tracker"), PUBLIC),
    "recommendations:export_csv": Case(url("recommendations:export_csv"), PUBLIC),
    "recommendations:export_xlsx": Case(url("recommendations:export_xlsx"), PUBLIC),
    # Co-creation of drafts: network members and the Fachteam.
    "recommendations:contribute": Case(
        url("recommendations:contribute"), expect(403, anonymous=302, network=200, fachteam=200)
    ),
    "recommendations:create": Case(url("recommendations:create"), expect(403, anonymous=302, fachteam=200)),
    "recommendations:detail": Case(url("recommendations:detail", slug_of("recommendation_public")), PUBLIC),
    "recommendations:detail#draft": Case(
        url("recommendations:detail", slug_of("recommendation_draft")),
        expect(404, network=200, fachteam=200),
        note="a draft is visible to network members and the Fachteam only",
    ),
    "recommendations:versions": Case(url("recommendations:versions", slug_of("recommendation_public")), PUBLIC),
    "recommendations:edit": Case(
        url("recommendations:edit", slug_of("recommendation_draft")), expect(403, anonymous=302, fachteam=200)
    ),
    "recommendations:comment": Case(
        url("recommendations:comment", slug_of("recommendation_draft")), expect(405, anonymous=302)
    ),
    "recommendations:endorse": Case(
        url("recommendations:endorse", slug_of("recommendation_draft")), expect(405, anonymous=302)
    ),
    "recommendations:transition": Case(
        url("recommendations:transition", slug_of("recommendation_draft")), expect(405, anonymous=302)
    ),
    "recommendations:progress": Case(
        url("recommendations:progress", slug_of("recommendation_public")), expect(405, anonymous=302)
    ),
    "recommendations:milestone": Case(
        url("recommendations:milestone", slug_of("recommendation_public")), expect(405, anonymous=302)
    ),
    "recommendations:reports": Case(
        url("recommendations:reports"),
        expect(403, anonymous=302, citizen=403, district_a=200, district_other=200, fachteam=200),
    ),
    "recommendations:report_detail": Case(
        url("recommendations:report_detail", pk_of("report_job")), expect(404, anonymous=302, fachteam=200)
    ),
    "recommendations:report_status": Case(
        url("recommendations:report_status", pk_of("report_job")), expect(404, anonymous=302, fachteam=200)
    ),
    "recommendations:report_download": Case(
        url("recommendations:report_download", pk_of("report_job")), expect(404, anonymous=302)
    ),
    "recommendations:report_retry": Case(
        url("recommendations:report_retry", pk_of("report_job")), expect(405, anonymous=302)
    ),
    # --- open data API of results -------------------------------------------------------------------------
    "recommendation-list": Case(url("recommendation-list"), PUBLIC),
    "recommendation-detail": Case(url("recommendation-detail", slug_of("recommendation_public")), PUBLIC),
    "recommendation-detail#draft": Case(url("recommendation-detail", slug_of("recommendation_draft")), expect(404)),
    "documentation-list": Case(url("documentation-list"), PUBLIC),
    "documentation-detail": Case(url("documentation-detail", slug_of("held_a")), PUBLIC),
    "quality-criterion-list": Case(url("quality-criterion-list"), PUBLIC),
    "quality-criterion-figures": Case(url("quality-criterion-figures"), PUBLIC),
    "quality-criterion-detail": Case(
        url("quality-criterion-detail", lambda w: _first_criterion().slug),
        PUBLIC,
    ),
}


# Attendee lists of workshop A: its team, the district office of its district, the Fachteam.
ATTENDEE_EXPORT = expect(403, anonymous=302, citizen=302, network=302, facilitator_a=200, district_a=200, fachteam=200)

# Admin: patterns that belong to no model, and the access of each role to each registered model.
ADMIN_CASES: dict[str, Case] = {
    "admin:index": Case(url("admin:index"), expect(200, anonymous=302, citizen=302, network=302)),
    "admin:login": Case(url("admin:login"), expect(302, citizen=403, network=403)),
    "admin:logout": Case(url("admin:logout"), expect(405, anonymous=302, citizen=302, network=302)),
    "admin:password_change": Case(url("admin:password_change"), expect(200, anonymous=302, citizen=302, network=302)),
    "admin:password_change_done": Case(
        url("admin:password_change_done"), expect(200, anonymous=302, citizen=302, network=302)
    ),
    "admin:autocomplete": Case(url("admin:autocomplete"), expect(403, anonymous=302, citizen=302, network=302)),
    "admin:jsi18n": Case(url("admin:jsi18n"), expect(200, anonymous=302, citizen=302, network=302)),
    "admin:view_on_site": Case(
        url("admin:view_on_site", lambda w: _content_type_id(w.workshop_a), pk_of("workshop_a")),
        expect(302, anonymous=302, citizen=302, network=302),
        note="redirects to the public page of the object (or 404 for objects without one)",
    ),
    "admin:app_list": Case(
        url("admin:app_list", "workshops"),
        expect(200, anonymous=302, citizen=302, network=302),
    ),
    "admin:auth_user_password_change": Case(
        url("admin:auth_user_password_change", lambda w: w.users["citizen"].pk),
        expect(403, anonymous=302, citizen=302, network=302, fachteam=200),
    ),
    "admin:workshops_workshop_attendees_csv": Case(
        url("admin:workshops_workshop_attendees_csv", pk_of("workshop_a")), ATTENDEE_EXPORT
    ),
    "admin:workshops_workshop_attendees_xlsx": Case(
        url("admin:workshops_workshop_attendees_xlsx", pk_of("workshop_a")), ATTENDEE_EXPORT
    ),
    "admin:workshops_workshop_signin_pdf": Case(
        url("admin:workshops_workshop_signin_pdf", pk_of("workshop_a")), ATTENDEE_EXPORT
    ),
    # Support needs: the workshop's team and the Fachteam — not the district office.
    "admin:workshops_workshop_support_needs": Case(
        url("admin:workshops_workshop_support_needs", pk_of("workshop_a")),
        expect(403, anonymous=302, citizen=302, network=302, facilitator_a=200, fachteam=200),
    ),
    "admin:accounts_user_access_request": Case(
        url("admin:accounts_user_access_request"),
        expect(403, anonymous=302, citizen=302, network=302, fachteam=200),
    ),
}


def _first_criterion():
    from reflections.models import QualityCriterion

    return QualityCriterion.objects.order_by("order").first()


def _content_type_id(obj) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


@dataclass(frozen=True)
class AdminModel:
    """`obj`: an instance to open (None: only the changelist). `access`: per staff role a string of
    L (changelist), V (view this object), A (add) — anything missing is refused."""

    obj: Callable[[World], object] | None
    access: dict[str, str]


def admin_access(**access: str) -> dict[str, str]:
    return {role: access.get(role, "") for role in STAFF_ROLES}


FACHTEAM_ONLY = admin_access(fachteam="LVA")
FACHTEAM_READS = admin_access(fachteam="LV")

ADMIN_MODELS: dict[str, AdminModel] = {
    "accounts.user": AdminModel(lambda w: w.users["citizen"], FACHTEAM_ONLY),
    "auth.group": AdminModel(lambda w: Group.objects.get(name=Role.MODERATION.value), FACHTEAM_ONLY),
    "mfa.authenticator": AdminModel(None, admin_access(fachteam="L")),
    "account.emailaddress": AdminModel(None, admin_access(fachteam="LA")),
    "core.auditlog": AdminModel(None, FACHTEAM_READS),
    "core.outboxmail": AdminModel(None, admin_access(fachteam="L")),
    "core.page": AdminModel(None, admin_access(fachteam="LA")),
    "core.accessibilityfeedback": AdminModel(None, admin_access(fachteam="L")),
    "districts.district": AdminModel(lambda w: w.district_a, FACHTEAM_READS),  # reference data: no adding
    "workshops.workshop": AdminModel(
        lambda w: w.workshop_a,
        admin_access(facilitator_a="LV", facilitator_b="L", district_a="LV", district_other="L", fachteam="LVA"),
    ),
    # Registrations come from the registration services only: nobody adds them in the admin.
    "workshops.registration": AdminModel(
        lambda w: w.registration_own,
        admin_access(facilitator_a="LV", facilitator_b="L", district_a="LV", district_other="L", fachteam="LV"),
    ),
    "workshops.method": AdminModel(
        lambda w: w.method,
        admin_access(facilitator_a="LV", facilitator_b="LV", district_a="LV", district_other="LV", fachteam="LVA"),
    ),
    "workshops.format": AdminModel(
        None,
        admin_access(facilitator_a="L", facilitator_b="L", district_a="L", district_other="L", fachteam="LA"),
    ),
    "workshops.consentrecord": AdminModel(None, FACHTEAM_READS),
    "districts.quarter": AdminModel(None, admin_access(fachteam="L")),
    "reflections.qualitycriterion": AdminModel(None, admin_access(fachteam="LA")),
    "reflections.reflection": AdminModel(lambda w: w.reflection_a, FACHTEAM_READS),
    "reflections.commitment": AdminModel(None, FACHTEAM_ONLY),
    "reflections.feedbackresponse": AdminModel(None, admin_access(fachteam="L")),
    "reflections.resultphoto": AdminModel(None, FACHTEAM_ONLY),
    "recommendations.recommendation": AdminModel(lambda w: w.recommendation_draft, FACHTEAM_ONLY),
    "recommendations.fieldofaction": AdminModel(None, FACHTEAM_ONLY),
    "recommendations.reportjob": AdminModel(lambda w: w.report_job, FACHTEAM_ONLY),
}


# --- walking the URL conf ----------------------------------------------------------------------------------


def url_patterns(patterns=None, namespace: str = "", prefix: str = ""):
    """(qualified name or route, route) of every pattern, recursively."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern.url_patterns, ns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            yield (f"{namespace}{pattern.name}" if pattern.name else route), route


def admin_model_pattern(name: str) -> str | None:
    """The model label ("app.model") when `name` is one of the admin's per-model patterns."""
    if not name.startswith("admin:"):
        return None
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix) and name[len(prefix) :] in {"changelist", "add", "change", "history", "delete"}:
            return model._meta.label_lower
    return None


def _pattern_names(cases: dict[str, Case]) -> set[str]:
    """Keys are pattern names; "name#variant" adds a further case for the same pattern."""
    return {key.split("#", 1)[0] for key in cases}


def test_every_url_pattern_has_a_matrix_entry():
    missing = []
    covered = _pattern_names(CASES) | _pattern_names(ADMIN_CASES)
    for name, route in url_patterns():
        if name in covered or admin_model_pattern(name):
            continue
        if route.startswith("admin/") and name == route:
            continue  # the admin's catch-all (final_catch_all_view) has no name
        missing.append(f"{name}  ({route})")
    assert missing == [], "URL patterns without an entry in the permission matrix:\n" + "\n".join(missing)


def test_every_registered_admin_model_has_a_matrix_entry():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered - set(ADMIN_MODELS) == set(), "admin models without an entry in ADMIN_MODELS"


def test_matrix_entries_are_not_stale():
    names = {name for name, _route in url_patterns()}
    assert _pattern_names(CASES) - names == set()
    assert _pattern_names(ADMIN_CASES) - names == set()


# --- running the matrix ------------------------------------------------------------------------------------


def clients(world: World) -> dict[str, Client]:
    # A crashing view counts as 500 in the matrix instead of stopping it.
    result = {"anonymous": Client(raise_request_exception=False)}
    for role, user in world.users.items():
        client = Client(raise_request_exception=False)
        if role in STAFF_ROLES:
            login_with_mfa(client, user)
        else:
            client.force_login(user)
        result[role] = client
    return result


def run(case: Case, world: World, client: Client) -> int:
    cache.clear()  # rate limits must not decide a status
    target = case.url(world)
    data = case.data(world) if case.data else None
    response = getattr(client, case.method)(target, data) if data is not None else getattr(client, case.method)(target)
    return response.status_code


def _mismatches(cases: dict[str, Case], world: World, role_clients: dict[str, Client]) -> list[str]:
    problems = []
    for name, case in cases.items():
        for role in ROLES:
            actual = run(case, world, role_clients[role])
            if actual != case.expect[role]:
                problems.append(f"{name:45} {role:15} expected {case.expect[role]}, got {actual}")
    return problems


def test_permission_matrix_pages_and_api():
    world = build_world()
    problems = _mismatches(CASES, world, clients(world))
    assert problems == [], "\n" + "\n".join(problems)


def test_permission_matrix_admin():
    world = build_world()
    role_clients = clients(world)
    problems = _mismatches(ADMIN_CASES, world, role_clients)
    for label, entry in ADMIN_MODELS.items():
        model = next(m for m in admin.site._registry if m._meta.label_lower == label)
        info = (model._meta.app_label, model._meta.model_name)
        obj = entry.obj(world) if entry.obj else None
        targets = [("L", reverse("admin:{}_{}_changelist".format(*info)))]
        targets.append(("A", reverse("admin:{}_{}_add".format(*info))))
        if obj is not None:
            targets.append(("V", reverse("admin:{}_{}_change".format(*info), args=[obj.pk])))
        for role in ROLES:
            access = entry.access.get(role, "")
            for letter, target in targets:
                cache.clear()
                actual = role_clients[role].get(target).status_code
                if role not in STAFF_ROLES:
                    expected = 302  # to the login
                elif letter in access:
                    expected = 200
                elif letter == "V" and "L" in access:
                    expected = 302  # not in the user's restricted list: "does not exist", back to the index
                else:
                    expected = 403
                if actual != expected:
                    problems.append(f"{label:30} {letter} {role:15} expected {expected}, got {actual}  {target}")
    assert problems == [], "\n" + "\n".join(problems)


# --- IDOR ----------------------------------------------------------------------------------------------------


def test_manage_link_of_another_person_is_only_reachable_with_its_token(client):
    world = build_world()
    # The token is the permission: a guessed token is a 404, for anyone.
    assert client.get(reverse("workshops:manage", args=[GUESSED])).status_code == 404
    client.force_login(world.users["citizen"])
    assert client.get(reverse("workshops:manage", args=[GUESSED])).status_code == 404
    assert client.get(reverse("workshops:confirm", args=[GUESSED])).status_code == 404


def test_a_citizen_never_sees_another_persons_registration(client):
    world = build_world()
    client.force_login(world.users["citizen"])
    page = client.get(reverse("workshops:my_registrations")).content.decode()
    assert world.registration_other.name not in page
    assert world.registration_other.email not in page


def test_ids_of_another_persons_registration_give_nothing_in_the_admin(client):
    world = build_world()
    login_with_mfa(client, world.users["facilitator_b"])
    response = client.get(reverse("admin:workshops_registration_change", args=[world.registration_other.pk]))
    assert response.status_code == 302  # not in the facilitator's list: "does not exist"
    assert world.registration_other.email not in client.get(response["Location"], follow=True).content.decode()


# --- support needs: the team and the Fachteam only --------------------------------------------------------

SUPPORT_TEXT = "Bitte Rampe am Seiteneingang"


def _pages_with_attendees(world: World) -> list[str]:
    registration = world.registration_own
    return [
        reverse("reflections:workshop", args=[world.workshop_a.slug]),
        reverse("workshops:check_in", args=[world.workshop_a.slug]),
        reverse("admin:workshops_registration_change", args=[registration.pk]),
        reverse("admin:workshops_registration_changelist") + f"?workshop__id__exact={world.workshop_a.pk}",
        reverse("admin:workshops_workshop_change", args=[world.workshop_a.pk]),
        reverse("admin:workshops_workshop_attendees_csv", args=[world.workshop_a.pk]),
    ]


def _with_support_need(world: World) -> None:
    from workshops.models import Registration

    Registration.objects.filter(pk=world.registration_own.pk).update(
        support_other=SUPPORT_TEXT, support_step_free=True, support_consent_at=timezone.now()
    )


def test_district_office_never_sees_support_needs():
    world = build_world()
    _with_support_need(world)
    client = clients(world)["district_a"]
    for path in _pages_with_attendees(world):
        response = client.get(path)
        assert response.status_code == 200, path
        assert SUPPORT_TEXT not in response.content.decode(), path


def test_the_workshop_team_sees_support_needs():
    world = build_world()
    _with_support_need(world)
    client = clients(world)["facilitator_a"]
    pages = [client.get(path).content.decode() for path in _pages_with_attendees(world)]
    assert any(SUPPORT_TEXT in page for page in pages)
