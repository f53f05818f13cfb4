"""Demo data of this app for `manage.py seed_demo` (idempotent) and bulk data for performance work.

`seed` runs after the workshops demo and finds the held demo workshops by status and time (never by id):
the most recently ended one is left with documentation debt (nobody has reflected it, so the demo
facilitators can try the reflection form on it); every other held workshop gets submitted reflections
from each facilitating team member (through the services, so the workshop becomes "documented"),
insights, commitments with varied status, participant feedback (some workshops with at least 5 answers,
some with fewer) and the pseudonymous participation trace for the reach figures.

`seed_scale(reflections=N)` creates N past held workshops ("scale-held-00001" …) over the last two years
in all districts, each with a submitted reflection, registrations with check-ins and survey answers."""

from __future__ import annotations

import random
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.exceptions import ApplicationError
from districts.models import District
from workshops.models import Format, Registration, Workshop, WorkshopTeamMember

from . import services
from .models import (
    Commitment,
    CriterionRating,
    FeedbackCriterionAnswer,
    FeedbackInvitation,
    FeedbackResponse,
    Insight,
    ParticipationRecord,
    QualityCriterion,
    Reflection,
)

INSIGHTS = [
    "Kleine Tischgruppen haben mehr Menschen zum Sprechen gebracht als das Plenum.",
    "Ältere Anwohner*innen wünschen sich Sitzgelegenheiten im Schatten – das kam an mehreren Tischen.",
    "Die Verwaltung sollte Zuständigkeiten gleich zu Beginn erklären; viele Fragen gingen an die falsche Stelle.",
    "Mehrsprachige Einladungen über Kitas und Moscheegemeinden haben neue Gruppen erreicht.",
    "Der Termin am frühen Abend schließt Eltern kleiner Kinder aus – Kinderbetreuung hilft nur teilweise.",
    "Teilnehmer*innen wollen wissen, bis wann sie eine Rückmeldung bekommen; ein Datum schafft Vertrauen.",
    "Der Spaziergang hat Orte sichtbar gemacht, die auf dem Plan niemand erwähnt hätte.",
    "Jugendliche beteiligen sich eher, wenn sie vorher in ihrem Treff angesprochen wurden.",
    "Gewerbetreibende und Anwohner*innen haben überraschend viele gemeinsame Interessen.",
]
COMMITMENTS = [
    ("Ergebnisprotokoll an alle Teilnehmer*innen schicken", "Prozessteam", 14, Commitment.Status.DONE),
    ("Prüfen, ob zusätzliche Bänke aufgestellt werden können", "Fachbereich Umwelt und Stadtgrün", 60, "in_progress"),
    ("Ergebnisse im Bezirksrat vorstellen", "Bezirksmanagement", 45, Commitment.Status.OPEN),
    ("Querungshilfe an der genannten Stelle verkehrlich prüfen", "Fachbereich Tiefbau", 90, "in_progress"),
    ("Folgetermin mit den Jugendlichen vereinbaren", "Kinder- und Jugendhaus", 30, Commitment.Status.DONE),
    ("Beleuchtung des Fußwegs prüfen", "Fachbereich Tiefbau", 120, Commitment.Status.DROPPED),
]
SUMMARY = (
    "Rund {people} Menschen haben in der Werkstatt „{title}“ mitgearbeitet – Anwohner*innen, Gewerbetreibende, "
    "Initiativen und Fachleute aus der Verwaltung.\n\n"
    "Im Mittelpunkt stand: {topic}. Die Teilnehmer*innen haben Stärken und Probleme gesammelt und gemeinsam "
    "gewichtet. Besonders wichtig waren Orte zum Verweilen, sichere Wege und eine verlässliche Rückmeldung, "
    "was aus den Vorschlägen wird.\n\n"
    "Die Ergebnisse fließen in die Handlungsempfehlungen der Bezirkswerkstätten ein. Was konkret vereinbart "
    "wurde und wie weit es ist, sehen Sie unten bei den Vereinbarungen."
)
# Survey answers per held workshop, in order of their start (some ≥ 5, some below, for the suppression).
FEEDBACK_COUNTS = [9, 3, 7, 4, 6, 2]


def _rating(rng: random.Random, bias: float) -> int:
    return max(1, min(5, round(rng.gauss(3.6 + bias, 0.8))))


def _reflection_data(workshop: Workshop, member: WorkshopTeamMember, rng: random.Random, criteria, index: int):
    is_lead = member.role == WorkshopTeamMember.Role.LEAD
    attended = services.checked_in_count(workshop=workshop) or 0
    methods = list(dict.fromkeys(workshop.agenda.filter(method__isnull=False).values_list("method_id", flat=True)))
    insights = rng.sample(INSIGHTS, 3 if is_lead else 2)
    commitments = []
    if is_lead:
        for what, who, days, status in rng.sample(COMMITMENTS, 3):
            commitments.append(
                services.CommitmentData(
                    what=what,
                    who=who,
                    due_date=(workshop.starts_at + timedelta(days=days)).date(),
                    status=status,
                    public=True,
                )
            )
    bias = (index % 3) * 0.2 - 0.2
    return services.ReflectionData(
        attendance_count=attended,
        what_worked="Die Kleingruppen und die Moderation an den Tischen haben gut funktioniert; offene Stimmung.",
        what_did_not="Die Zeit für die Gewichtung am Ende war zu knapp; die Technik am Anfang hat gehakt.",
        surprises="Mehr junge Familien als erwartet – und großes Interesse an den nächsten Schritten.",
        not_reached="Menschen ohne Deutschkenntnisse und Jugendliche haben weitgehend gefehlt.",
        internal_notes="Raum war zu warm; nächstes Mal früher lüften. Namensschilder haben geholfen.",
        public_summary=SUMMARY.format(
            people=attended or "zwanzig", title=workshop.title, topic=workshop.topic or workshop.title
        )
        if is_lead
        else None,
        ratings=[
            services.RatingData(
                criterion_id=c.pk,
                rating=_rating(rng, bias),
                note=rng.choice(
                    [
                        "Gut gelungen, Details im Protokoll.",
                        "Hier ist noch Luft nach oben.",
                        "Hat sich deutlich verbessert.",
                        "",
                    ]
                ),
            )
            for c in criteria
        ],
        method_uses=[
            services.MethodUseData(
                method_id=m, how_it_worked="Hat gut funktioniert, etwas mehr Zeit einplanen.", rating=rng.randint(3, 5)
            )
            for m in methods
        ],
        insights=[services.InsightData(text=t, public=True) for t in insights],
        commitments=commitments,
    )


def _seed_feedback(workshop: Workshop, count: int, rng: random.Random, feedback_criteria) -> int:
    """Invitations for the checked-in attendees and `count` anonymous answers (once per workshop)."""
    if workshop.feedback_responses.exists():
        return 0
    attendees = list(workshop.registrations.filter(checked_in_at__isnull=False).order_by("pk"))
    now = timezone.now()
    FeedbackInvitation.objects.bulk_create(
        [
            FeedbackInvitation(
                workshop=workshop,
                registration=r,
                token_hash=services.token_hash(secrets.token_urlsafe(32)),
                expires_at=workshop.ends_at + timedelta(days=28),
                used=i < count,
            )
            for i, r in enumerate(attendees)
        ],
        ignore_conflicts=True,
    )
    count = min(count, len(attendees))
    for _ in range(count):
        response = FeedbackResponse.objects.create(
            workshop=workshop,
            submitted_on=min(timezone.localdate(workshop.ends_at) + timedelta(days=rng.randint(1, 6)), now.date()),
            overall=_rating(rng, 0.4),
            felt_heard=_rating(rng, 0.2),
            knows_next_steps=_rating(rng, -0.5),
            would_return=rng.choice(["yes", "yes", "yes", "maybe", "no"]),
            comment=rng.choice(["", "", "Gerne wieder – bitte auch am Wochenende.", "Mehr Zeit für Fragen wäre gut."]),
        )
        FeedbackCriterionAnswer.objects.bulk_create(
            [
                FeedbackCriterionAnswer(response=response, criterion=c, rating=_rating(rng, -0.1))
                for c in feedback_criteria
            ]
        )
    return count


@transaction.atomic
def seed(*, users, stdout) -> None:
    """users: the demo accounts by key (see accounts.demo); stdout: the command's output."""
    now = timezone.now()
    held = list(
        Workshop.objects.filter(status__in=services.HELD_STATUSES, ends_at__lt=now)
        .exclude(slug__startswith="scale-")
        .order_by("-ends_at")
    )
    if not held:
        stdout.write("Reflections: no held demo workshops found, nothing to do.")
        return
    debt, documented = held[0], held[1:]
    criteria = list(QualityCriterion.objects.active())
    feedback_criteria = services.feedback_criteria()
    reflections = answers = 0
    for index, workshop in enumerate(sorted(documented, key=lambda w: w.starts_at)):
        rng = random.Random(workshop.slug)  # noqa: S311  # nosec B311 - demo data, reproducible
        services.participation_record(workshop=workshop)
        members = workshop.team.filter(role__in=WorkshopTeamMember.FACILITATING_ROLES).select_related("user")
        for member in members.order_by("role"):
            existing = Reflection.objects.filter(workshop=workshop, author=member.user).first()
            if existing is not None and existing.is_submitted:
                continue
            reflection = existing or services.reflection_start(workshop=workshop, author=member.user, now=now)
            services.reflection_save_draft(
                reflection=reflection, data=_reflection_data(workshop, member, rng, criteria, index), by=member.user
            )
            submitted_at = min(workshop.ends_at + timedelta(days=2), now)
            services.reflection_submit(reflection=reflection, by=member.user, now=submitted_at)
            reflections += 1
        with transaction.atomic():
            services.workshop_update_documented(workshop_id=workshop.pk)
        answers += _seed_feedback(workshop, FEEDBACK_COUNTS[index % len(FEEDBACK_COUNTS)], rng, feedback_criteria)
    services.participation_record(workshop=debt)
    owned = _seed_owners(users=users)
    _seed_review(documented, stdout=stdout)
    stdout.write(
        f"Reflections: {owned} commitments given a responsible unit and owners; {reflections} new submitted "
        f"reflections on {len(documented)} held workshops, "
        f"{answers} new survey answers; documentation debt left on /werkstaetten/{debt.slug}/ "
        f"(try /moderation/werkstaetten/{debt.slug}/reflexion/ as its facilitator)."
    )
    stdout.write(
        "  Dashboard: /moderation/auswertung/?bezirk=linden-limmer — public: /werkstaetten/<slug>/dokumentation/"
    )


def _seed_review(documented: list, *, stdout) -> None:
    """Issue 12: the newest documented workshop is in the attendees' review (idempotent); print one
    attendee's review link so the flow can be tried without an account."""
    from workshops.tokens import tokens_for

    candidates = [w for w in documented if services.review_reviewers(workshop=w).exists()]
    if not candidates:
        return
    workshop = max(candidates, key=lambda w: w.ends_at)
    try:
        with transaction.atomic():
            services.documentation_review_open(workshop=workshop)
    except ApplicationError:
        return
    registration = services.review_reviewers(workshop=workshop).order_by("pk").first()
    if registration is not None:
        token = tokens_for(registration).manage
        lead = workshop.team.filter(role=WorkshopTeamMember.Role.LEAD).select_related("user").first()
        lead_email = f"{lead.user.email} answers at " if lead is not None else ""
        stdout.write(
            f"  Attendee review of /werkstaetten/{workshop.slug}/dokumentation/: "
            f"/werkstaetten/anmeldung/{token}/dokumentation-pruefen/ (the lead {lead_email}/moderation/werkstaetten/"
            f"{workshop.slug}/dokumentation-pruefen/)"
        )


DROP_REASON = "Die Beleuchtung wurde im Rahmen der laufenden Sanierung bereits erneuert; eine eigene Prüfung entfällt."


def _seed_owners(*, users) -> int:
    """Follow-through demo: commitments name a responsible unit (matched by the free-text "who") and, in
    Linden-Limmer, the district office demo account as owner; dropped ones get their public reason."""
    from accounts.models import OrganisationUnit

    units = {unit.name: unit for unit in OrganisationUnit.objects.all()}
    bezirk, fachteam = users.get("bezirk"), users.get("fachteam")
    count = 0
    for commitment in Commitment.objects.filter(unit__isnull=True).exclude(workshop__slug__startswith="scale-"):
        district = commitment.workshop.district
        unit = units.get(commitment.who)
        if commitment.who == "Bezirksmanagement":
            unit = units.get(f"Stadtbezirksmanagement {district.name}")
        elif commitment.who == "Prozessteam":
            unit = units.get("Fachteam Beteiligung")
        owners = []
        if district.slug == "linden-limmer" and bezirk is not None:
            owners = [bezirk]
        elif fachteam is not None and unit is not None and unit.kind == OrganisationUnit.Kind.FACHTEAM:
            owners = [fachteam]
        if unit is None and not owners:
            continue
        with transaction.atomic():
            if commitment.status == Commitment.Status.DROPPED and not commitment.drop_reason:
                Commitment.objects.filter(pk=commitment.pk).update(drop_reason=DROP_REASON)
            services.commitment_assign(commitment=commitment, unit=unit, owners=owners, by=fachteam)
        count += 1
    return count


# --- bulk data ------------------------------------------------------------------------------------------------

SCALE_PREFIX = "scale-held-"


@transaction.atomic
def seed_scale(*, reflections: int, stdout) -> None:
    """Bulk data: `reflections` held workshops over the last two years (one submitted reflection each, with
    ratings, two insights and a commitment), 12 confirmed registrations (9 checked in, partly returning
    people), 6 survey answers and the participation trace. Idempotent by slug; written with bulk inserts."""
    now = timezone.now()
    rng = random.Random(reflections)  # noqa: S311  # nosec B311 - reproducible bulk data
    districts = list(District.objects.prefetch_related("quarters").order_by("number"))
    workshop_format = Format.objects.order_by("pk").first() or Format.objects.create(
        name="Werkstattgespräch (Lastprobe)", slug="scale-format"
    )
    facilitators = []
    for i in range(10):
        user = User.objects.filter(email=f"scale-moderation-{i}@scale.invalid").first()
        facilitators.append(
            user or User.objects.create_user(f"scale-moderation-{i}@scale.invalid", None, name=f"Moderation {i}")
        )
    existing = set(Workshop.objects.filter(slug__startswith=SCALE_PREFIX).values_list("slug", flat=True))
    new = []
    for index in range(1, reflections + 1):
        slug = f"{SCALE_PREFIX}{index:05d}"
        if slug in existing:
            continue
        district = districts[index % len(districts)]
        starts_at = (now - timedelta(days=3 + (index * 7) % 720)).replace(minute=0, second=0, microsecond=0)
        new.append(
            Workshop(
                slug=slug,
                title=f"Lastprobe {index}: durchgeführte Werkstatt in {district.name}",
                district=district,
                format=workshop_format,
                topic="Lastprobe",
                description="Erzeugt von seed_scale für Lasttests.",
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=2),
                venue_name="Stadtteilzentrum",
                venue_address="Musterstraße 1, 30159 Hannover",
                capacity=20,
                status=Workshop.Status.HELD,
                run_by=Workshop.RunBy.EIGENREGIE if index % 3 == 0 else Workshop.RunBy.PROTOTYPE,
            )
        )
    Workshop.objects.bulk_create(new, batch_size=1000)
    workshops = list(Workshop.objects.filter(slug__in=[w.slug for w in new]).select_related("district"))
    quarters = {d.pk: list(d.quarters.all()) for d in districts}
    criteria = list(QualityCriterion.objects.active())
    feedback_criteria = services.feedback_criteria()
    team, refl, regs, records, responses = [], [], [], [], []
    for workshop in workshops:
        user = facilitators[workshop.pk % len(facilitators)]
        team.append(WorkshopTeamMember(workshop=workshop, user=user, role=WorkshopTeamMember.Role.LEAD))
        refl.append(
            Reflection(
                workshop=workshop,
                author=user,
                author_role=WorkshopTeamMember.Role.LEAD,
                status=Reflection.Status.SUBMITTED,
                submitted_at=workshop.ends_at + timedelta(days=2),
                attendance_count=9,
                what_worked="Lastprobe",
                public_summary="Zusammenfassung der Lastprobe.",
            )
        )
        for number in range(12):
            person = rng.randint(0, max(reflections * 4, 50))
            email = f"scale-person-{person}@scale.invalid"
            attended = number < 9
            regs.append(
                Registration(
                    workshop=workshop,
                    name=f"Person {person}",
                    email=email,
                    seats=1,
                    status=Registration.Status.CONFIRMED,
                    manage_token_hash=services.token_hash(f"{workshop.slug}:{number}"),
                    confirmed_at=workshop.starts_at - timedelta(days=3),
                    checked_in_at=workshop.starts_at if attended else None,
                    quarter=rng.choice(quarters[workshop.district_id]) if quarters[workshop.district_id] else None,
                )
            )
            records.append(
                ParticipationRecord(workshop=workshop, person_hash=services.participant_hash(email), attended=attended)
            )
        for _ in range(6):
            responses.append(
                FeedbackResponse(
                    workshop=workshop,
                    submitted_on=timezone.localdate(workshop.ends_at),
                    overall=_rating(rng, 0.3),
                    felt_heard=_rating(rng, 0),
                    knows_next_steps=_rating(rng, -0.4),
                    would_return="yes",
                )
            )
    WorkshopTeamMember.objects.bulk_create(team, batch_size=2000)
    Reflection.objects.bulk_create(refl, batch_size=2000)
    Registration.objects.bulk_create(regs, batch_size=2000, ignore_conflicts=True)
    ParticipationRecord.objects.bulk_create(records, batch_size=2000, ignore_conflicts=True)
    FeedbackResponse.objects.bulk_create(responses, batch_size=2000)
    saved = list(Reflection.objects.filter(workshop__in=workshops))
    CriterionRating.objects.bulk_create(
        [CriterionRating(reflection=r, criterion=c, rating=_rating(rng, 0), note="") for r in saved for c in criteria],
        batch_size=5000,
    )
    Insight.objects.bulk_create(
        [Insight(reflection=r, text=rng.choice(INSIGHTS), order=i, public=True) for r in saved for i in range(2)],
        batch_size=5000,
    )
    Commitment.objects.bulk_create(
        [
            Commitment(workshop_id=r.workshop_id, reflection=r, what="Protokoll verschicken", who="Prozessteam")
            for r in saved
        ],
        batch_size=5000,
    )
    saved_responses = FeedbackResponse.objects.filter(workshop__in=workshops)
    FeedbackCriterionAnswer.objects.bulk_create(
        [
            FeedbackCriterionAnswer(response=response, criterion=c, rating=_rating(rng, 0))
            for response in saved_responses
            for c in feedback_criteria
        ],
        batch_size=5000,
    )
    stdout.write(f"seed_scale (reflections): {len(new)} new held workshops with reflections ({reflections} requested).")
