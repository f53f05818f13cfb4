"""Demo data of the planning app for `manage.py seed_demo` (idempotent) and bulk data for `seed_scale`.

Two concepts with versions and runs; Vahrenwald-List already in Eigenregie (a city lead who went the whole
path from observer to lead), Linden-Limmer in tandem (the district office leads with the process team),
Mitte with prototypes only; a planner account per stage; an open checklist with one overdue task; a plan
waiting for the Fachteam's review. Past runs are written as rows (the services refuse past dates), then
the records are confirmed and `run_by` is refreshed through the services."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from districts.models import District
from workshops.models import Format, Method, Workshop, WorkshopTeamMember

from . import services
from .models import (
    ChangePoint,
    CoachingNote,
    Concept,
    ConceptVersion,
    FacilitationRecord,
    PlanStatus,
    PlanTask,
    TaskRole,
    Venue,
    WorkshopPlan,
)

VENUES = [
    ("linden-limmer", "Freizeitheim Linden", "Windheimstraße 4, 30451 Hannover", 60, True, True, True),
    ("linden-limmer", "Stadtteilzentrum Limmer", "Sackmannstraße 27, 30453 Hannover", 35, True, True, False),
    ("vahrenwald-list", "Stadtteilzentrum Lister Turm", "Walderseestraße 100, 30177 Hannover", 80, True, True, True),
    ("vahrenwald-list", "Kulturtreff Vahrenheide", "Wartburgstraße 10, 30179 Hannover", 40, False, False, False),
    ("mitte", "Neues Rathaus, Hodlersaal", "Trammplatz 2, 30159 Hannover", 120, True, True, True),
]

TIMELINE = [
    services.TimelineTask("Raum buchen", -42),
    services.TimelineTask("Gebärdensprachdolmetschung und Kinderbetreuung bestellen", -28),
    services.TimelineTask("Einladung verschicken und aushängen", -21),
    services.TimelineTask("Material und Einladungen in Leichter Sprache drucken", -7),
    services.TimelineTask("Erinnerung an Angemeldete", -2),
    services.TimelineTask("Reflexion im Team", 3, TaskRole.LEAD),
]

PLANNERS = [
    # key, email, name, district slug (the stage of that district in this demo)
    ("planung_eigenregie", "planung.list@demo.invalid", "Lia List (Bezirk in Eigenregie)", "vahrenwald-list"),
    ("planung_prototyp", "planung.mitte@demo.invalid", "Max Mitte (Bezirk mit Prototypen)", "mitte"),
]
LEAD_EMAIL = "leitung.list@demo.invalid"


def _account(email: str, name: str, *, kind: str, role: Role | None, districts: list[str]) -> User:
    from allauth.account.models import EmailAddress

    from accounts.demo import DEMO_PASSWORD, _seed_totp

    user = User.objects.filter(email=email).first() or User.objects.create_user(email, DEMO_PASSWORD)
    user.name, user.organisation_kind, user.is_staff = name, kind, True
    user.organisation = "Landeshauptstadt Hannover"
    user.save()
    if role is not None:
        user.groups.set([Group.objects.get_or_create(name=role.value)[0]])
    user.districts.set(District.objects.filter(slug__in=districts))
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    _seed_totp(user)
    return user


def _concept(slug: str, title: str, summary: str, versions: list[dict[str, Any]], users: dict) -> Concept:
    concept = Concept.objects.filter(slug=slug).first()
    if concept is None:
        first = versions[0]
        concept = services.concept_create(
            title=title,
            summary=summary,
            by=users.get("fachteam"),
            timeline=TIMELINE,
            **first["fields"],
            agenda=first["agenda"],
        )
        if concept.slug != slug:
            Concept.objects.filter(pk=concept.pk).update(slug=slug)
            concept.slug = slug
    return concept


def _later_versions(concept: Concept, versions: list[dict[str, Any]], points: dict[int, list[ChangePoint]]) -> None:
    for number, spec in enumerate(versions[1:], start=2):
        if concept.versions.filter(number=number).exists():
            continue
        services.concept_version_create(
            concept=concept,
            fields=spec["fields"],
            agenda=spec.get("agenda"),
            change_log=spec["change_log"],
            taken_up=points.get(number, []),
        )


def _run(
    *,
    slug: str,
    title: str,
    district: str,
    version: ConceptVersion,
    days: int,
    team: list[tuple[User, str, str]],
    today: datetime,
    status: str = Workshop.Status.HELD,
    venue: Venue | None = None,
) -> Workshop:
    starts_at = today + timedelta(days=days, hours=17)
    workshop, _ = Workshop.objects.update_or_create(
        slug=slug,
        defaults={
            "title": title,
            "district": District.objects.get(slug=district),
            "format_id": version.format_id,
            "description": version.invitation_text or version.goal,
            "participation_level": version.participation_level,
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(minutes=version.duration_minutes),
            "venue_name": venue.name if venue else "Stadtteilzentrum",
            "venue_address": venue.address if venue else "Hannover",
            "venue_step_free": True,
            "capacity": 30,
            "status": status,
        },
    )
    _link(workshop, version, venue)
    for user, team_role, record_role in team:
        WorkshopTeamMember.objects.update_or_create(workshop=workshop, user=user, defaults={"role": team_role})
        FacilitationRecord.objects.update_or_create(
            workshop=workshop,
            person=user,
            defaults={"role": record_role, "confirmed_at": starts_at + timedelta(days=1)},
        )
    return workshop


def _link(workshop: Workshop, version: ConceptVersion, venue: Venue | None = None) -> WorkshopPlan:
    plan, _ = WorkshopPlan.objects.update_or_create(
        workshop=workshop,
        defaults={
            "concept_version": version,
            "district": workshop.district,
            "venue": venue,
            "status": PlanStatus.PUBLISHED,
            "published_at": workshop.starts_at - timedelta(days=30),
        },
    )
    return plan


def _note(person: User, workshop: Workshop, coach: User | None, text: str) -> None:
    CoachingNote.objects.get_or_create(person=person, workshop=workshop, defaults={"coach": coach, "text": text})


def _open_plan(
    *, title: str, version: ConceptVersion, planner: User, district: str, days: int, venue: Venue | None
) -> WorkshopPlan:
    existing = (
        WorkshopPlan.objects.filter(workshop__title=title, planner=planner).exclude(status=PlanStatus.PUBLISHED).first()
    )
    if existing is not None:
        return existing
    start = (timezone.localtime() + timedelta(days=days)).replace(hour=17, minute=0, second=0, microsecond=0)
    return services.plan_create(
        concept_version=version,
        district=District.objects.get(slug=district),
        planner=planner,
        starts_at=start,
        venue=venue,
        title=title,
    )


@transaction.atomic
def seed(*, users: dict[str, User], stdout: Any) -> None:
    """users: the demo accounts by key (see accounts.demo); adds the planners of this app."""
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    for district, name, address, capacity, step_free, toilet, loop in VENUES:
        Venue.objects.update_or_create(
            district=District.objects.get(slug=district),
            name=name,
            defaults={
                "address": address,
                "capacity": capacity,
                "step_free": step_free,
                "accessible_toilet": toilet,
                "induction_loop": loop,
            },
        )
    venues = {v.name: v for v in Venue.objects.all()}
    for key, email, name, district in PLANNERS:
        users[key] = _account(email, name, kind="district_office", role=Role.BEZIRKSMANAGEMENT, districts=[district])
    lead = _account(LEAD_EMAIL, "Lene Leitung", kind="administration", role=Role.MODERATION, districts=[])
    users["leitung"] = lead
    process, office = users["moderation"], users["bezirk"]
    methods = {m.slug: m for m in Method.objects.all()}
    formats = {f.slug: f for f in Format.objects.all()}

    def method(slug: str) -> int | None:
        return methods[slug].pk if slug in methods else None

    walk_versions: list[dict[str, Any]] = [
        {
            "fields": {
                "goal": "Orte im Stadtteil gemeinsam ansehen und vor Ort sammeln, was gut ist und was fehlt.",
                "format": formats["stadtteilspaziergang"],
                "duration_minutes": 120,
                "target_groups": "Nachbarschaft, Gewerbetreibende",
                "roles_needed": "Moderation\nCo-Moderation\nProtokoll",
                "materials": "Stadtteilkarte, Klemmbretter, Stifte",
                "accessibility_checklist": "Route stufenlos prüfen\nPausenplätze mit Sitzgelegenheit",
                "invitation_text": "Kommen Sie mit auf einen Spaziergang durch Ihren Stadtteil.",
            },
            "agenda": [
                services.AgendaStep("Ankommen und Route vorstellen", 15),
                services.AgendaStep("Spaziergang mit fünf Stationen", 90, method("stadtteilspaziergang")),
                services.AgendaStep("Ergebnisse sammeln", 15),
            ],
        },
        {
            "fields": {
                "target_groups": "Nachbarschaft, Gewerbetreibende, Jugendliche, Ältere",
                "accessibility_checklist": "Route stufenlos prüfen\nPausenplätze mit Sitzgelegenheit\n"
                "Abkürzung für alle, die nicht die ganze Strecke gehen",
            },
            "agenda": [
                services.AgendaStep("Ankommen und Route vorstellen", 15),
                services.AgendaStep("Spaziergang mit vier Stationen", 75, method("stadtteilspaziergang")),
                services.AgendaStep("Ergebnisse an der Pinnwand gewichten", 30, method("punktabfrage")),
            ],
            "change_log": "Kürzere Route und Gewichtung am Ende: Ältere kamen beim ersten Mal nicht mit.",
        },
        {
            "fields": {
                "invitation_text": "Kommen Sie mit auf einen Spaziergang durch Ihren Stadtteil. Die Route ist "
                "kurz und stufenlos; eine Abkürzung gibt es auch.",
                "materials": "Stadtteilkarte, Klemmbretter, Stifte, Karten in Leichter Sprache",
            },
            "change_log": "Einladung nennt die Barrierefreiheit; Karten in Leichter Sprache.",
        },
    ]
    talk_versions: list[dict[str, Any]] = [
        {
            "fields": {
                "goal": "In kleinen Runden an Thementischen Ideen sammeln und gemeinsam gewichten.",
                "format": formats["werkstattgespraech"],
                "duration_minutes": 120,
                "target_groups": "Alle im Stadtbezirk",
                "roles_needed": "Moderation\nTischmoderation (je Tisch)\nBezirksmanagement",
                "materials": "Thementische, Plakate, Klebepunkte",
                "accessibility_checklist": "Induktionsschleife\nTische unterfahrbar",
                "invitation_text": "Reden Sie mit: An Thementischen sammeln wir Ihre Ideen für den Stadtbezirk.",
            },
            "agenda": [
                services.AgendaStep("Begrüßung", 10),
                services.AgendaStep("Thementische in zwei Runden", 80, method("world-cafe")),
                services.AgendaStep("Gewichten und nächste Schritte", 30, method("punktabfrage")),
            ],
        },
        {
            "fields": {"duration_minutes": 150},
            "change_log": "Mehr Zeit an den Tischen; die zweite Runde war zu kurz.",
        },
    ]
    walk = _concept(
        "stadtteilspaziergang",
        "Stadtteilspaziergang",
        "Gemeinsam unterwegs: Orte ansehen und vor Ort beraten.",
        walk_versions,
        users,
    )
    talk = _concept(
        "werkstattgespraech-an-thementischen",
        "Werkstattgespräch an Thementischen",
        "Viele Stimmen an Thementischen, am Ende gemeinsam gewichtet.",
        talk_versions,
        users,
    )

    # Runs of version 1 (before the change points of version 2 exist).
    walk_v1 = walk.versions.get(number=1)
    talk_v1 = talk.versions.get(number=1)
    existing = {
        w.slug: w
        for w in Workshop.objects.filter(
            slug__in=[
                "vahrenwalder-park",
                "linden-lindener-marktplatz",
                "steintor-aufenthalt",
                "limmer-wege-an-leine-und-kanal",
            ]
        )
    }
    park = existing.get("vahrenwalder-park")
    if park is not None:
        _link(park, walk_v1)
        point = ChangePoint.objects.filter(workshop=park).first() or services.change_point_add(
            workshop=park, text="Route kürzen: Ältere kamen nicht mit.", by=process
        )
        point2 = ChangePoint.objects.filter(
            workshop=park, text__startswith="Am Ende"
        ).first() or services.change_point_add(
            workshop=park, text="Am Ende gemeinsam gewichten statt nur sammeln.", by=process
        )
        _later_versions(walk, walk_versions[:2], {2: [point, point2]})
    for slug in ("linden-lindener-marktplatz", "steintor-aufenthalt"):
        if slug in existing:
            _link(existing[slug], talk_v1)
    if "linden-lindener-marktplatz" in existing:
        point = ChangePoint.objects.filter(workshop=existing["linden-lindener-marktplatz"]).first() or (
            services.change_point_add(
                workshop=existing["linden-lindener-marktplatz"],
                text="Die zweite Tischrunde braucht mehr Zeit.",
                by=process,
            )
        )
        _later_versions(talk, talk_versions, {2: [point]})
    _later_versions(walk, walk_versions, {})
    walk_v2 = walk.versions.get(number=2)
    walk_v3 = walk.versions.get(number=3)
    if "limmer-wege-an-leine-und-kanal" in existing:
        limmer = existing["limmer-wege-an-leine-und-kanal"]
        _link(limmer, walk_v2)
        if not ChangePoint.objects.filter(workshop=limmer).exists():
            services.change_point_add(
                workshop=limmer, text="Einladung soll sagen, dass die Route stufenlos ist.", by=office
            )
        # Linden-Limmer: the district office leads in tandem with the process team.
        WorkshopTeamMember.objects.update_or_create(workshop=limmer, user=office, defaults={"role": "lead"})
        WorkshopTeamMember.objects.update_or_create(workshop=limmer, user=process, defaults={"role": "co"})
        for person, role in ((office, "tandem_lead"), (process, "co_facilitation")):
            FacilitationRecord.objects.update_or_create(
                workshop=limmer, person=person, defaults={"role": role, "confirmed_at": limmer.starts_at}
            )
        _note(office, limmer, process, "Sichere Zeitführung; beim Sammeln mehr Stimmen einholen.")

    # Vahrenwald-List: Lene Leitung's path from observer to lead, then Eigenregie.
    list_venue = venues.get("Stadtteilzentrum Lister Turm")
    path = [
        (-420, "observer", "trainee", walk_v1),
        (-360, "co_facilitation", "co", talk_v1),
        (-300, "co_facilitation", "co", walk_v1),
        (-240, "tandem_lead", "lead", walk_v2),
        (-180, "tandem_lead", "lead", talk.versions.get(number=2)),
    ]
    for index, (days, role, team_role, version) in enumerate(path, start=1):
        workshop = _run(
            slug=f"lister-werkstatt-{index}",
            title=f"{version.concept.title} in der List ({index})",
            district="vahrenwald-list",
            version=version,
            days=days,
            team=[
                (lead, team_role, role),
                (
                    process,
                    "lead" if role != "tandem_lead" else "co",
                    "lead" if role != "tandem_lead" else "co_facilitation",
                ),
            ],
            today=today,
            status=Workshop.Status.DOCUMENTED if index == 1 else Workshop.Status.HELD,
            venue=list_venue,
        )
        if role == "tandem_lead":
            _note(lead, workshop, process, "Hat die Runde souverän geführt; Zeit für Rückfragen einplanen.")
    _run(
        slug="lister-werkstatt-eigenregie",
        title="Stadtteilspaziergang in der List – in Eigenregie",
        district="vahrenwald-list",
        version=walk_v3,
        days=-45,
        team=[(lead, "lead", "lead"), (users["planung_eigenregie"], "co", "co_facilitation")],
        today=today,
        venue=list_venue,
    )
    # Mitte: the process team runs the prototype.
    if "steintor-aufenthalt" in existing:
        FacilitationRecord.objects.update_or_create(
            workshop=existing["steintor-aufenthalt"],
            person=process,
            defaults={"role": "lead", "confirmed_at": existing["steintor-aufenthalt"].starts_at},
        )
    services.run_by_refresh()

    # Open plans: Linden-Limmer with an overdue task; Mitte waiting for review; List may publish itself.
    plan = _open_plan(
        title="Stadtteilspaziergang Lindener Hafen",
        version=walk_v3,
        planner=office,
        district="linden-limmer",
        days=25,
        venue=venues["Stadtteilzentrum Limmer"],
    )
    first = plan.tasks.order_by("due_date").first()
    if first is not None and first.done_at is None:
        PlanTask.objects.filter(pk=first.pk).update(done_at=timezone.now(), done_by=office)
    mitte = _open_plan(
        title="Werkstattgespräch Mitte: Plätze am Steintor",
        version=talk.versions.get(number=2),
        planner=users["planung_prototyp"],
        district="mitte",
        days=50,
        venue=venues["Neues Rathaus, Hodlersaal"],
    )
    if mitte.status == PlanStatus.DRAFT:
        services.plan_submit(plan=mitte, by=users["planung_prototyp"], note="Bitte prüfen, ob DGS nötig ist.")
    _open_plan(
        title="Stadtteilspaziergang Lister Meile",
        version=walk_v3,
        planner=users["planung_eigenregie"],
        district="vahrenwald-list",
        days=60,
        venue=list_venue,
    )
    stdout.write(
        "Planning: 2 concepts, Vahrenwald-List in Eigenregie, Linden-Limmer in tandem, Mitte prototypes; "
        "planners bezirk@, planung.list@, planung.mitte@, leitung.list@ (lead stage) — try /planung/ and /konzepte/."
    )


# --- bulk data for performance work -------------------------------------------------------------------------

SCALE_PREFIX = "scale-"


def seed_scale(*, concepts: int = 20, stdout: Any) -> None:
    """City-size concepts (with 2 versions each), each bulk workshop linked to a concept version as a run,
    and confirmed facilitation records for their teams; then the run_by cache is refreshed."""
    rng = random.Random(11)  # noqa: S311  # nosec B311 - demo data
    fmt = Format.objects.order_by("pk").first()
    if fmt is None:
        return
    versions: list[ConceptVersion] = []
    for index in range(concepts):
        slug = f"{SCALE_PREFIX}konzept-{index}"
        concept = Concept.objects.filter(slug=slug).first()
        if concept is None:
            concept = services.concept_create(
                title=f"Skalierungskonzept {index}",
                goal="Viele Stimmen hören.",
                format=fmt,
                agenda=[services.AgendaStep("Ankommen", 15), services.AgendaStep("Arbeit in Gruppen", 90)],
                timeline=TIMELINE,
            )
            Concept.objects.filter(pk=concept.pk).update(slug=slug)
            services.concept_version_create(concept=concept, fields={"duration_minutes": 150}, change_log="Länger")
        versions.extend(concept.versions.all())
    workshops = list(
        Workshop.objects.filter(slug__startswith=SCALE_PREFIX).exclude(plan__isnull=False).select_related("district")
    )
    WorkshopPlan.objects.bulk_create(
        [
            WorkshopPlan(
                workshop=w, concept_version=rng.choice(versions), district=w.district, status=PlanStatus.PUBLISHED
            )
            for w in workshops
        ],
        ignore_conflicts=True,
    )
    members = WorkshopTeamMember.objects.filter(
        workshop__slug__startswith=SCALE_PREFIX, role__in=["lead", "co", "trainee"]
    ).values_list("workshop_id", "user_id", "role", "workshop__starts_at")
    mapping = {"lead": "lead", "co": "co_facilitation", "trainee": "observer"}
    FacilitationRecord.objects.bulk_create(
        [
            FacilitationRecord(workshop_id=w, person_id=u, role=mapping[r], confirmed_at=start)
            for w, u, r, start in members
        ],
        ignore_conflicts=True,
    )
    changed = services.run_by_refresh()
    stdout.write(
        f"Planning: {concepts} concepts, {len(workshops)} workshops linked as runs, "
        f"{len(members)} facilitation records, {changed} run_by values refreshed."
    )
