"""The permission matrix: every URL pattern of the URL conf × every role → the expected HTTP status.

The patterns are walked from the URL conf (`get_resolver().url_patterns`, recursively). Each one needs an
entry in CASES (how to build a concrete URL with real objects, and the status per role) — a new URL
without an entry fails `test_every_url_pattern_has_a_matrix_entry`. Admin patterns of registered models
(changelist, add, change, history, delete …) are covered generically from ADMIN_MODELS: every registered
ModelAdmin needs an entry there.

Staff log in with the second factor passed (tests.auth.login_with_mfa); that staff without it get
nothing is tested in tests/accounts/test_mfa.py.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.roles import Role
from tests.auth import login_with_mfa
from tests.factories import (
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
    "politik",  # member of the Stadtbezirksrat of workshop A's district
    "fachbereich",  # member of a unit of the city administration
)
# Staff roles have the admin (is_staff); Politik and Fachbereich log in with the second factor too, but have no admin.
STAFF_ROLES = ("facilitator_a", "facilitator_b", "district_a", "district_other", "fachteam")
MFA_ROLES = (*STAFF_ROLES, "politik", "fachbereich")


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
        "politik": _user(Role.POLITIK, districts=[district_a]),
        "fachbereich": _user(Role.FACHBEREICH),
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
    _build_planning(world)
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
    # File URLs: a public and a non-public photo of the held workshop (its documentation is public).
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from reflections import services as reflection_services

    for key, is_public in (("photo_public", True), ("photo_private", False)):
        buffer = BytesIO()
        Image.new("RGB", (4, 3), (200, 30, 40)).save(buffer, format="PNG")
        world.objects[key] = reflection_services.result_photo_add(
            workshop=world.held_a,
            image=SimpleUploadedFile("photo.png", buffer.getvalue(), "image/png"),
            alt_text="Pinnwand",
            is_public=is_public,
        )


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
    # Follow-through: the district office of district A answers for a commitment and the public recommendation.
    from reflections.models import Commitment

    public.owners.add(world.users["district_a"])
    commitment = Commitment.objects.create(
        workshop=world.held_a, reflection=world.reflection_a, what="Bänke prüfen", who="Bezirksmanagement"
    )
    commitment.owners.add(world.users["district_a"])
    world.objects["commitment_a"] = commitment
    consulted = create("Empfehlung in der Konsultation")
    now = timezone.now()
    consultation = services.consultation_open(
        recommendation=consulted, starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=7)
    )
    world.objects["contribution"] = services.contribution_add(
        consultation=consultation, author=world.users["politik"], text="Auch die Stadtteile.", paragraph=1
    )
    world.objects["proposal"] = services.proposal_create(
        title="Mehr Bänke",
        text="Im Quartier.",
        field=FieldOfAction.objects.order_by("pk").first(),
        by=world.users["network"],
    )
    world.objects["report_job"] = ReportJob.objects.create(
        kind=ReportJob.Kind.choices[0][0], requested_by=world.users["fachteam"], title="Bericht"
    )
    from django.core.files.base import ContentFile

    done = ReportJob.objects.create(
        kind=ReportJob.Kind.choices[0][0],
        requested_by=world.users["fachteam"],
        title="Fertiger Bericht",
        status=ReportJob.Status.DONE,
    )
    done.file.save("report.pdf", ContentFile(b"%PDF-1.4 matrix"), save=True)
    world.objects["report_job_done"] = done


def _build_planning(world: World) -> None:
    from planning import services
    from tests.planning.factories import concept, future, latest_version

    version = latest_version(concept())
    world.objects["concept"] = version.concept
    plan = services.plan_create(
        concept_version=version, district=world.district_a, planner=world.users["district_a"], starts_at=future(60)
    )
    world.objects["plan_a"] = plan
    world.objects["plan_task_a"] = plan.tasks.first()


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
    "metrics": Case(url("metrics"), expect(403), note="only with METRICS_TOKEN or from METRICS_ALLOWED_NETWORKS"),
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
    # The mailed enrolment invitation: an unknown token opens nothing.
    "accounts:mfa_enrol": Case(url("accounts:mfa_enrol", "unknown-token"), expect(404, anonymous=302)),
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
    "workshop-registration-stamp": Case(url("workshop-registration-stamp", slug_of("workshop_a")), PUBLIC),
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
    "reflections:workspace": Case(
        url("reflections:workspace"),
        expect(200, anonymous=302, citizen=403, network=403, politik=403, fachbereich=403),
        note="Politik and Fachbereich reach it once they are on a workshop team",
    ),
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
    # Issue 12: the joint debrief (who may read the reflections) and the follow-up reflection (team members).
    "reflections:debrief": Case(
        url("reflections:debrief", slug_of("held_a")),
        expect(403, anonymous=302, facilitator_a=200, district_a=200, fachteam=200),
    ),
    "reflections:follow_up": Case(
        url("reflections:follow_up", slug_of("held_a")),
        expect(403, anonymous=302, facilitator_a=200),
        note="only the workshop's team looks back; the Fachteam reads the follow-ups on the debrief page",
    ),
    # Issue 12: the lead's side of the attendees' review (who may read the reflections reads along).
    "reflections:review_manage": Case(
        url("reflections:review_manage", slug_of("held_a")),
        expect(403, anonymous=302, facilitator_a=200, district_a=200, fachteam=200),
    ),
    "reflections:photos": Case(
        url("reflections:photos", slug_of("held_a")),
        expect(403, anonymous=302, facilitator_a=200, fachteam=200),
    ),
    # File URLs: a non-public photo only for who manages the photos; a public one of a documented workshop for all.
    "reflections:photo_file": Case(
        url("reflections:photo_file", pk_of("photo_private")), expect(404, facilitator_a=200, fachteam=200)
    ),
    "reflections:photo_file#public": Case(url("reflections:photo_file", pk_of("photo_public")), expect(200)),
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
    # The attendee's review link is the registration's manage token; a guessed one opens nothing.
    "reflections:review": Case(url("reflections:review", GUESSED), expect(404)),
    "recommendations:home": Case(url("recommendations:home"), PUBLIC),
    "recommendations:tracker": Case(url("recommendations:tracker"), PUBLIC),
    "recommendations:export_csv": Case(url("recommendations:export_csv"), PUBLIC),
    "recommendations:export_xlsx": Case(url("recommendations:export_xlsx"), PUBLIC),
    # Co-creation of drafts: network members and the Fachteam.
    "recommendations:contribute": Case(url("recommendations:contribute"), expect(200, anonymous=302, citizen=403)),
    "recommendations:create": Case(url("recommendations:create"), expect(403, anonymous=302, fachteam=200)),
    "recommendations:detail": Case(url("recommendations:detail", slug_of("recommendation_public")), PUBLIC),
    "recommendations:detail#draft": Case(
        url("recommendations:detail", slug_of("recommendation_draft")),
        expect(404, network=200, fachteam=200),
        note="a draft is visible to network members and the Fachteam only",
    ),
    # Issue 12: proposals and the consultation.
    "recommendations:propose": Case(url("recommendations:propose"), expect(200, anonymous=302, citizen=403)),
    "recommendations:proposal": Case(
        url("recommendations:proposal", pk_of("proposal")), expect(403, anonymous=302, network=200, fachteam=200)
    ),
    "recommendations:consultation_open": Case(
        url("recommendations:consultation_open", slug_of("recommendation_draft")), expect(405, anonymous=302)
    ),
    "recommendations:contribution_add": Case(
        url("recommendations:contribution_add", slug_of("recommendation_public")), expect(405, anonymous=302)
    ),
    "recommendations:contribution_respond": Case(
        url("recommendations:contribution_respond", slug_of("recommendation_public"), pk_of("contribution")),
        expect(405, anonymous=302),
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
    # File URLs: the PDF only for those who may see the job (the requesting Fachteam member).
    "recommendations:report_download#file": Case(
        url("recommendations:report_download", pk_of("report_job_done")), expect(404, anonymous=302, fachteam=200)
    ),
    "recommendations:report_retry": Case(
        url("recommendations:report_retry", pk_of("report_job")), expect(405, anonymous=302)
    ),
    # --- follow-through: the owners' workspace (owners and the Fachteam) ------------------------------------
    "recommendations:followup": Case(
        url("recommendations:followup"), expect(403, anonymous=302, district_a=200, fachteam=200)
    ),
    "recommendations:followup_commitment": Case(
        url("recommendations:followup_commitment", pk_of("commitment_a")),
        expect(403, anonymous=302, district_a=200, fachteam=200),
    ),
    "recommendations:followup_commitment#post": Case(
        url("recommendations:followup_commitment", pk_of("commitment_a")),
        expect(403, anonymous=302, district_a=200, fachteam=200),
        method="post",
        data=lambda w: {"action": "milestone"},
        note="an empty milestone form: shown again with its error, nothing changes",
    ),
    "recommendations:followup_recommendation": Case(
        url("recommendations:followup_recommendation", slug_of("recommendation_public")),
        expect(403, anonymous=302, district_a=200, fachteam=200),
    ),
    "recommendations:followup_recommendation#draft": Case(
        url("recommendations:followup_recommendation", slug_of("recommendation_draft")),
        expect(403, anonymous=302),
        note="drafts are not in follow-up, not even for the Fachteam",
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
    # --- notifications: subscriptions, feeds, open data --------------------------------------------------
    "notifications:follow": Case(url("notifications:follow"), PUBLIC, note="without a query: what one can follow"),
    "notifications:follow#incomplete": Case(
        lambda w: reverse("notifications:follow") + "?art=district", expect(404), note="a link without a target"
    ),
    "notifications:follow#district": Case(
        lambda w: reverse("notifications:follow") + f"?art=district&ziel={w.district_a.slug}", PUBLIC
    ),
    "notifications:follow#post": Case(
        url("notifications:follow"),
        expect(302),
        method="post",
        data=lambda w: {"kind": "district", "target": w.district_a.slug, "email": "m@example.org", "consent": "on"},
    ),
    "notifications:requested": Case(url("notifications:requested"), PUBLIC),
    # Token pages: the secret link is the permission; a guessed token is a 404 for everyone.
    "notifications:confirm": Case(url("notifications:confirm", GUESSED), expect(404)),
    "notifications:manage": Case(url("notifications:manage", GUESSED), expect(404)),
    "notifications:unsubscribe": Case(url("notifications:unsubscribe", GUESSED), expect(404)),
    "notifications:unsubscribe#post": Case(
        url("notifications:unsubscribe", GUESSED), expect(404), method="post", data=lambda w: {}
    ),
    "notifications:unsubscribe_all": Case(url("notifications:unsubscribe_all", GUESSED), expect(404)),
    "notifications:calendar": Case(url("notifications:calendar"), PUBLIC),
    "notifications:district_calendar": Case(url("notifications:district_calendar", slug_of("district_a")), PUBLIC),
    "notifications:news_feed": Case(url("notifications:news_feed"), PUBLIC),
    "notifications:district_news_feed": Case(url("notifications:district_news_feed", slug_of("district_a")), PUBLIC),
    "notifications:open_data": Case(url("notifications:open_data"), PUBLIC),
    "notifications:open_data_catalog": Case(url("notifications:open_data_catalog"), PUBLIC),
    "notifications:open_data_download": Case(url("notifications:open_data_download", "werkstaetten", "csv"), PUBLIC),
    "subscription-create": Case(url("subscription-create"), expect(405)),
    "subscription-create#post": Case(
        url("subscription-create"),
        expect(400),
        method="post",
        data=lambda w: {"kind": "district", "target": w.district_a.slug, "email": "m@example.org"},
        note="no consent: 400 for everyone",
    ),
}

# --- planning (issue 11): planners are district offices with assigned districts; the Fachteam reviews ------------
PLANNERS = expect(403, anonymous=302, district_a=200, district_other=200, fachteam=200)
PLAN_A = expect(403, anonymous=302, district_a=200, fachteam=200)
CASES.update(
    {
        "planning:workspace": Case(url("planning:workspace"), PLANNERS),
        "planning:plan_create": Case(url("planning:plan_create"), PLANNERS),
        "planning:plan_detail": Case(url("planning:plan_detail", pk_of("plan_a")), PLAN_A),
        "planning:plan_edit": Case(url("planning:plan_edit", pk_of("plan_a")), PLAN_A),
        "planning:plan_agenda": Case(url("planning:plan_agenda", pk_of("plan_a")), PLAN_A),
        "planning:plan_team": Case(url("planning:plan_team", pk_of("plan_a")), expect(405, anonymous=302)),
        "planning:plan_action": Case(url("planning:plan_action", pk_of("plan_a")), expect(405, anonymous=302)),
        "planning:plan_action#submit": Case(
            url("planning:plan_action", pk_of("plan_a")),
            expect(403, anonymous=302, district_a=302),
            method="post",
            data=lambda w: {"action": "submit"},
            note="only the district's planner submits; the Fachteam reviews",
        ),
        "planning:task_toggle": Case(url("planning:task_toggle", pk_of("plan_task_a")), expect(405, anonymous=302)),
        "planning:workshop_record": Case(
            url("planning:workshop_record", slug_of("held_a")),
            expect(403, anonymous=302, facilitator_a=200, district_a=200, fachteam=200),
        ),
        "planning:concept_list": Case(url("planning:concept_list"), PUBLIC),
        "planning:concept_detail": Case(url("planning:concept_detail", slug_of("concept")), PUBLIC),
        "concept-list": Case(url("concept-list"), PUBLIC),
        "concept-detail": Case(url("concept-detail", slug_of("concept")), PUBLIC),
    }
)


# Attendee lists of workshop A: its team, the district office of its district, the Fachteam.
ATTENDEE_EXPORT = expect(
    403,
    anonymous=302,
    citizen=302,
    network=302,
    politik=302,
    fachbereich=302,
    facilitator_a=200,
    district_a=200,
    fachteam=200,
)

# Admin: patterns that belong to no model, and the access of each role to each registered model.
ADMIN_CASES: dict[str, Case] = {
    "admin:index": Case(
        url("admin:index"), expect(200, anonymous=302, citizen=302, network=302, politik=302, fachbereich=302)
    ),
    "admin:login": Case(url("admin:login"), expect(302, citizen=403, network=403, politik=403, fachbereich=403)),
    "admin:logout": Case(
        url("admin:logout"), expect(405, anonymous=302, citizen=302, network=302, politik=302, fachbereich=302)
    ),
    "admin:password_change": Case(
        url("admin:password_change"), expect(200, anonymous=302, citizen=302, network=302, politik=302, fachbereich=302)
    ),
    "admin:password_change_done": Case(
        url("admin:password_change_done"),
        expect(200, anonymous=302, citizen=302, network=302, politik=302, fachbereich=302),
    ),
    "admin:autocomplete": Case(
        url("admin:autocomplete"), expect(403, anonymous=302, citizen=302, network=302, politik=302, fachbereich=302)
    ),
    "admin:jsi18n": Case(
        url("admin:jsi18n"), expect(200, anonymous=302, citizen=302, network=302, politik=302, fachbereich=302)
    ),
    "admin:view_on_site": Case(
        url("admin:view_on_site", lambda w: _content_type_id(w.workshop_a), pk_of("workshop_a")),
        expect(302, anonymous=302, citizen=302, network=302, politik=302, fachbereich=302),
        note="redirects to the public page of the object (or 404 for objects without one)",
    ),
    "admin:app_list": Case(
        url("admin:app_list", "workshops"),
        expect(200, anonymous=302, citizen=302, network=302, politik=302, fachbereich=302),
    ),
    "admin:auth_user_password_change": Case(
        url("admin:auth_user_password_change", lambda w: w.users["citizen"].pk),
        expect(403, anonymous=302, citizen=302, network=302, politik=302, fachbereich=302, fachteam=200),
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
        expect(
            403, anonymous=302, citizen=302, network=302, politik=302, fachbereich=302, facilitator_a=200, fachteam=200
        ),
    ),
    "admin:accounts_user_access_request": Case(
        url("admin:accounts_user_access_request"),
        expect(403, anonymous=302, citizen=302, network=302, politik=302, fachbereich=302, fachteam=200),
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
    "accounts.organisationunit": AdminModel(None, FACHTEAM_ONLY),
    "recommendations.recommendation": AdminModel(lambda w: w.recommendation_draft, FACHTEAM_ONLY),
    "recommendations.fieldofaction": AdminModel(None, FACHTEAM_ONLY),
    "recommendations.reportjob": AdminModel(lambda w: w.report_job, FACHTEAM_ONLY),
    # Moderation of consultation contributions: the Fachteam hides one with a reason; nobody adds them here.
    "recommendations.contribution": AdminModel(lambda w: w.contribution, FACHTEAM_READS),
    # Read-only: people manage their subscriptions through their own links.
    "notifications.subscription": AdminModel(None, admin_access(fachteam="L")),
    "notifications.event": AdminModel(None, admin_access(fachteam="L")),
    "planning.stagethreshold": AdminModel(None, FACHTEAM_ONLY),
    "planning.venue": AdminModel(None, FACHTEAM_ONLY),
    "planning.concept": AdminModel(lambda w: w.concept, FACHTEAM_ONLY),
    "planning.conceptversion": AdminModel(None, FACHTEAM_ONLY),
    "planning.workshopplan": AdminModel(lambda w: w.plan_a, FACHTEAM_READS),
    "planning.facilitationrecord": AdminModel(None, admin_access(fachteam="L")),
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
        if role in MFA_ROLES:
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
