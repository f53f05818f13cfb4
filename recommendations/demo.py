"""Demo data of this app for `manage.py seed_demo` (idempotent) and bulk data for performance work.

`seed` runs after the workshops and reflections demos and finds their held workshops and insights by query
(never by id). It creates recommendations in every status through the services — so versions, the status
history and the status mails to opted-in registrants come about as in real use — with comments by the
network demo user, endorsements and milestones, then spreads the history over the past weeks.

`seed_scale(recommendations=K)` bulk-creates K recommendations linked to held workshops and their insights,
with versions, history, comments, endorsements and milestones (bulk inserts, no mails)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from districts.models import District
from reflections.models import Insight, Reflection
from workshops.models import Workshop

from . import services
from .models import (
    Comment,
    Contribution,
    Endorsement,
    FieldOfAction,
    HistoryEntry,
    Milestone,
    Recommendation,
    RecommendationVersion,
)

Status = Recommendation.Status
Addressee = Recommendation.Addressee

PATH: list[str] = [Status.CONSULTATION, Status.ADOPTED, Status.IN_PROGRESS, Status.IMPLEMENTED]
NOTIFYING_DEMO = "feste-ansprechperson-im-bezirk"
STATUS_NOTES: dict[str, str] = {
    Status.CONSULTATION: "Zur Abstimmung im Beteiligungsnetzwerk und mit den Fachbereichen.",
    Status.ADOPTED: "Beschlossen in der Steuerungsrunde.",
    Status.IN_PROGRESS: "Umsetzung hat begonnen.",
    Status.IMPLEMENTED: "Umgesetzt.",
}


@dataclass(frozen=True)
class DemoRecommendation:
    slug: str
    title: str
    text: str
    rationale: str
    field: str
    addressee: str
    responsible_unit: str
    status: str
    districts: tuple[str, ...] = ()
    priority: str = Recommendation.Priority.MEDIUM
    due_in_days: int | None = 180
    progress: int = 0
    revised_text: str = ""
    reason: str = ""
    milestones: tuple[tuple[str, int, bool], ...] = ()  # (title, due in days, done)
    comments: tuple[str, ...] = ()
    endorsed: bool = False


DEMO = [
    DemoRecommendation(
        slug="einladungen-in-leichter-sprache",
        title="Einladungen immer auch in Leichter Sprache",
        text=(
            "Jede Einladung zu einer Bezirkswerkstatt erscheint zusätzlich in Leichter Sprache – auf der Website, "
            "als Aushang und in den Stadtteiltreffs."
        ),
        rationale=(
            "In mehreren Werkstätten fehlten Menschen, die schwere Sprache ausschließt. Wo Einladungen in "
            "Leichter Sprache auslagen, kamen mehr Menschen zum ersten Mal."
        ),
        field="kommunikation",
        addressee=Addressee.FACHTEAM,
        responsible_unit="Fachteam Beteiligung",
        status=Status.DRAFT,
        revised_text=(
            "Jede Einladung zu einer Bezirkswerkstatt erscheint zusätzlich in Leichter Sprache – auf der Website, "
            "als Aushang, in den Stadtteiltreffs und über die Netzwerkpartner*innen vor Ort."
        ),
        comments=(
            "Sehr gut! Bitte die Netzwerkpartner*innen einbeziehen – wir verteilen die Einladungen gern mit.",
            "Können wir die Texte gemeinsam mit einer Prüfgruppe für Leichte Sprache abstimmen?",
        ),
        endorsed=True,
    ),
    DemoRecommendation(
        slug="kinderbetreuung-bei-abendterminen",
        title="Kinderbetreuung bei allen Abendterminen",
        text="Bei Werkstätten ab 17 Uhr wird eine Kinderbetreuung vor Ort angeboten, ohne Anmeldung.",
        rationale="Eltern mit kleinen Kindern haben in den Rückmeldungen am häufigsten gefehlt.",
        field="ressourcen",
        addressee=Addressee.ADMINISTRATION,
        responsible_unit="Fachbereich Jugend und Familie",
        status=Status.DRAFT,
        comments=("Im Freizeitheim Linden gibt es dafür schon einen Raum – gern nutzen.",),
    ),
    DemoRecommendation(
        slug="feste-ansprechperson-im-bezirk",
        title="Eine feste Ansprechperson im Bezirksmanagement",
        text=(
            "Jeder Stadtbezirk benennt eine feste Ansprechperson, die Ergebnisse der Werkstätten in die "
            "Verwaltung trägt und den Stand zurückmeldet."
        ),
        rationale="Teilnehmende wussten oft nicht, an wen sie sich nach der Werkstatt wenden können.",
        field="organisation-und-strukturen",
        addressee=Addressee.BEZIRKSRAT,
        responsible_unit="Bezirksmanagement Linden-Limmer",
        status=Status.CONSULTATION,
        districts=("linden-limmer",),
        priority=Recommendation.Priority.HIGH,
        comments=("Das entlastet auch uns im Netzwerk – wir unterstützen das.",),
        endorsed=True,
    ),
    DemoRecommendation(
        slug="ergebnisse-nach-drei-monaten-zurueckmelden",
        title="Ergebnisse nach drei Monaten zurückmelden",
        text=(
            "Alle Teilnehmenden, die zugestimmt haben, erfahren spätestens drei Monate nach der Werkstatt, was aus "
            "ihren Ideen geworden ist – auch wenn noch nichts entschieden ist."
        ),
        rationale="Transparenz und Verbindlichkeit wurden in den Reflexionen am niedrigsten bewertet.",
        field="kommunikation",
        addressee=Addressee.FACHTEAM,
        responsible_unit="Fachteam Beteiligung",
        status=Status.ADOPTED,
        priority=Recommendation.Priority.HIGH,
        due_in_days=90,
        milestones=(("Vorlage für die Rückmeldung abstimmen", 30, False), ("Erste Rückmeldungen versenden", 90, False)),
    ),
    DemoRecommendation(
        slug="methodenkoffer-fuer-eigenregie",
        title="Methodenkoffer für Werkstätten in Eigenregie",
        text=(
            "Städtische Mitarbeitende erhalten einen Methodenkoffer mit erprobten Abläufen, Materialien und "
            "Hinweisen zur Barrierefreiheit, um Werkstätten selbst durchzuführen."
        ),
        rationale="Werkstätten in Eigenregie gelangen besser, wenn erprobte Methoden bereitstanden.",
        field="formate-und-methoden",
        addressee=Addressee.ADMINISTRATION,
        responsible_unit="Fachbereich Planen und Stadtentwicklung",
        status=Status.IN_PROGRESS,
        progress=60,
        due_in_days=120,
        milestones=(("Methoden sammeln und beschreiben", -20, True), ("Schulung für Mitarbeitende", 60, False)),
    ),
    DemoRecommendation(
        slug="werkstaetten-an-barrierefreien-orten",
        title="Werkstätten nur an barrierefreien Orten",
        text="Bezirkswerkstätten finden nur an Orten mit stufenlosem Zugang und barrierefreiem WC statt.",
        rationale="Zwei Werkstätten mussten kurzfristig verlegt werden, weil der Zugang nicht stufenlos war.",
        field="ressourcen",
        addressee=Addressee.FACHTEAM,
        responsible_unit="Fachteam Beteiligung",
        status=Status.IMPLEMENTED,
        due_in_days=-10,
        milestones=(("Liste geeigneter Orte je Stadtbezirk", -40, True),),
    ),
    DemoRecommendation(
        slug="werkstaetten-nur-noch-online",
        title="Werkstätten nur noch online durchführen",
        text="Um Kosten zu sparen, finden Bezirkswerkstätten künftig nur noch als Videokonferenz statt.",
        rationale="Online-Termine sind günstiger und für Berufstätige leichter erreichbar.",
        field="formate-und-methoden",
        addressee=Addressee.RAT,
        responsible_unit="",
        status=Status.REJECTED,
        reason=(
            "Verworfen nach Abstimmung im Netzwerk: Online-Formate schließen viele Menschen aus, die die "
            "Werkstätten erreichen sollen. Online bleibt eine Ergänzung, kein Ersatz."
        ),
        due_in_days=None,
    ),
    DemoRecommendation(
        slug="bezirksrat-beraet-ergebnisse-oeffentlich",
        title="Der Bezirksrat berät Werkstattergebnisse öffentlich",
        text=(
            "Die Ergebnisse jeder Bezirkswerkstatt stehen innerhalb von zwei Monaten auf der Tagesordnung der "
            "öffentlichen Sitzung des Bezirksrats."
        ),
        rationale="So wird sichtbar, dass die Politik die Ergebnisse ernst nimmt (Qualitätsmerkmal Verbindlichkeit).",
        field="politik",
        addressee=Addressee.BEZIRKSRAT,
        responsible_unit="Bezirksrat Linden-Limmer",
        status=Status.IN_PROGRESS,
        districts=("linden-limmer",),
        due_in_days=-12,  # overdue: the owner gets a reminder, the tracker and district page flag it
        progress=30,
        milestones=(("Beschluss des Bezirksrats", -5, True), ("Erste Beratung im Bezirksrat", 45, False)),
    ),
]


# Follow-through demo: decisions (the council's one with a Drucksache imported as an OParl paper), owners, and
# one overdue recommendation whose owner (bezirk@demo.invalid) gets a reminder through the outbox.
DEMO_BODY_ID = "https://ris.example.org/oparl/body/1"
DEMO_PAPER_ID = "https://ris.example.org/oparl/paper/15-2410-2026"
DEMO_PAPER_REFERENCE = "15-2410/2026"
DEMO_PAPER_WEB = "https://ris.example.org/vorlage/15-2410-2026"
OVERDUE_DEMO = "bezirksrat-beraet-ergebnisse-oeffentlich"


def _demo_paper():
    """A council paper as an OParl import would create it (example domain: the demo invents no real link)."""
    from .oparl import oparl_import

    oparl_import(
        documents=[
            [
                {
                    "id": DEMO_BODY_ID,
                    "type": "https://schema.oparl.org/1.1/Body",
                    "name": "Landeshauptstadt Hannover (Demo)",
                },
                {
                    "id": DEMO_PAPER_ID,
                    "type": "https://schema.oparl.org/1.1/Paper",
                    "body": DEMO_BODY_ID,
                    "name": "Ergebnisse der Bezirkswerkstätten öffentlich beraten",
                    "reference": DEMO_PAPER_REFERENCE,
                    "date": f"{timezone.localdate() - timedelta(days=40):%Y-%m-%d}",
                    "paperType": "Antrag",
                    "web": DEMO_PAPER_WEB,
                },
            ]
        ]
    )


def _decision(spec: DemoRecommendation) -> services.DecisionData:
    decided_on = timezone.localdate() - timedelta(days=30)
    if spec.addressee == Addressee.BEZIRKSRAT:
        _demo_paper()
        return services.DecisionData(
            body_kind="bezirksrat",
            body_name="Stadtbezirksrat Linden-Limmer",
            decided_on=decided_on,
            reference=DEMO_PAPER_REFERENCE,
            url=DEMO_PAPER_WEB,
        )
    if spec.addressee == Addressee.RAT:
        return services.DecisionData(
            body_kind="rat",
            body_name="Rat der Landeshauptstadt Hannover",
            decided_on=decided_on,
            reference="0815/2026",
            url="https://ris.example.org/vorlage/0815-2026",
        )
    if spec.addressee == Addressee.ADMINISTRATION:
        return services.DecisionData(
            body_kind="verwaltungsvorstand",
            body_name="Verwaltungsvorstand",
            decided_on=decided_on,
            reference="VV-2026-14",
        )
    return services.DecisionData(
        body_kind="fachteam",
        body_name="Fachteam Beteiligung (Steuerungsrunde)",
        decided_on=decided_on,
        reference=f"Steuerungsrunde {decided_on:%d.%m.%Y}",
    )


def _assign(recommendation: Recommendation, spec: DemoRecommendation, *, users) -> None:
    from accounts.models import OrganisationUnit

    bezirk, fachteam = users.get("bezirk"), users.get("fachteam")
    if "linden-limmer" in spec.districts:
        unit = OrganisationUnit.objects.filter(slug="stadtbezirksmanagement-linden-limmer").first()
        owners = [bezirk] if bezirk is not None else []
    else:
        unit = OrganisationUnit.objects.filter(slug="fachteam-beteiligung").first()
        owners = [fachteam] if fachteam is not None else []
    if unit is not None and bezirk is not None and "linden-limmer" in spec.districts:
        unit.members.add(bezirk)
    services.recommendation_assign(recommendation=recommendation, unit=unit, owners=owners, by=fachteam)
    if spec.slug == OVERDUE_DEMO:
        services.recommendation_set_statement(
            recommendation=recommendation,
            statement=(
                "Der Bezirksrat hat zugestimmt; die erste Beratung verzögert sich, weil die Tagesordnung der "
                "nächsten Sitzung voll ist. Wir melden den neuen Termin hier."
            ),
            by=bezirk,
        )


def _evidence(index: int, workshops: list[Workshop]) -> tuple[list[Workshop], list[Insight]]:
    if not workshops:
        return [], []
    chosen = [workshops[index % len(workshops)], workshops[(index + 2) % len(workshops)]]
    chosen = list(dict.fromkeys(chosen))
    insights = list(
        Insight.objects.filter(
            reflection__workshop__in=chosen, reflection__status=Reflection.Status.SUBMITTED
        ).order_by("reflection__workshop__starts_at", "order", "pk")[:3]
    )
    return chosen, insights


def _transition(recommendation: Recommendation, spec: DemoRecommendation, status: str, *, by) -> None:
    # One recommendation mails its registrants (visible in the outbox); the rest stay quiet.
    services.recommendation_transition(
        recommendation=recommendation,
        to_status=status,
        by=by,
        note=STATUS_NOTES[status],
        notify=spec.slug == NOTIFYING_DEMO,
        decision=_decision(spec) if status in Recommendation.DECIDED else None,
    )


def _backdate(recommendation: Recommendation, *, days_ago: int) -> None:
    """Spread the history over the past weeks (demo only), so the timeline reads like a real one."""
    now = timezone.now()
    entries = list(recommendation.history.order_by("created_at", "pk"))
    step = max(days_ago // max(len(entries), 1), 1)
    for position, entry in enumerate(entries):
        when = now - timedelta(days=days_ago - position * step)
        HistoryEntry.objects.filter(pk=entry.pk).update(created_at=when)
        if entry.kind in (HistoryEntry.Kind.STATUS, HistoryEntry.Kind.CREATED):
            Recommendation.objects.filter(pk=recommendation.pk).update(status_changed_at=when)
    versions = list(recommendation.versions.order_by("number"))
    for position, version in enumerate(versions):
        RecommendationVersion.objects.filter(pk=version.pk).update(
            created_at=now - timedelta(days=days_ago - position * step)
        )


def seed(*, users, stdout) -> None:
    """users: the demo accounts by key (see accounts.demo); stdout: the command's output."""
    fachteam, network = users.get("fachteam"), users.get("netzwerk")
    workshops = list(
        Workshop.objects.filter(status__in=[Workshop.Status.HELD, Workshop.Status.DOCUMENTED])
        .exclude(slug__startswith="scale-")
        .order_by("starts_at")
    )
    fields = {f.slug: f for f in FieldOfAction.objects.all()}
    districts = {d.slug: d for d in District.objects.all()}
    created = 0
    for index, spec in enumerate(DEMO):
        if Recommendation.objects.filter(slug=spec.slug).exists():
            continue
        with transaction.atomic():
            chosen, insights = _evidence(index, workshops)
            today = timezone.localdate()
            recommendation = services.recommendation_create(
                title=spec.title,
                text=spec.text,
                rationale=spec.rationale,
                field=fields[spec.field],
                addressee=spec.addressee,
                responsible_unit=spec.responsible_unit,
                city_wide=not spec.districts,
                districts=[districts[s] for s in spec.districts if s in districts],
                priority=spec.priority,
                due_date=today + timedelta(days=spec.due_in_days) if spec.due_in_days is not None else None,
                workshops=chosen,
                insights=insights,
                reflections=Reflection.objects.submitted().filter(workshop__in=chosen),
                by=fachteam,
                note="Entwurf aus den Erkenntnissen der Werkstätten",
            )
            Recommendation.objects.filter(pk=recommendation.pk).update(slug=spec.slug)
            recommendation.refresh_from_db()
            if spec.revised_text:
                services.recommendation_update(
                    recommendation=recommendation,
                    text=spec.revised_text,
                    by=fachteam,
                    note="Hinweise aus dem Beteiligungsnetzwerk eingearbeitet",
                )
            for text in spec.comments:
                if network is not None:
                    services.comment_add(recommendation=recommendation, author=network, text=text)
            if spec.endorsed:
                for user in (network, fachteam):
                    if user is not None:
                        services.endorsement_add(recommendation=recommendation, user=user)
            if spec.status == Status.REJECTED:
                services.recommendation_transition(
                    recommendation=recommendation, to_status=Status.CONSULTATION, by=fachteam, notify=False
                )
                services.recommendation_transition(
                    recommendation=recommendation,
                    to_status=Status.REJECTED,
                    by=fachteam,
                    reason=spec.reason,
                    notify=False,
                    decision=_decision(spec),
                )
            elif spec.status != Status.DRAFT:
                # Walked up to the last open status; "umgesetzt" comes after the milestones below (a closed
                # recommendation takes no new milestones).
                for status in PATH[: PATH.index(spec.status) + 1]:
                    if status not in Recommendation.CLOSED:
                        _transition(recommendation, spec, status, by=fachteam)
            _assign(recommendation, spec, users=users)
            if spec.progress and spec.status == Status.IN_PROGRESS:
                services.recommendation_set_progress(recommendation=recommendation, progress=spec.progress, by=fachteam)
            for title, due, done in spec.milestones:
                milestone = services.milestone_add(
                    recommendation=recommendation, title=title, due_date=today + timedelta(days=due), by=fachteam
                )
                if done:
                    services.milestone_complete(
                        milestone=milestone, done_on=today + timedelta(days=min(due, 0)), by=fachteam
                    )
            if spec.status == Status.IMPLEMENTED:
                _transition(recommendation, spec, Status.IMPLEMENTED, by=fachteam)
            _backdate(recommendation, days_ago=70 - index * 6)
            created += 1
    reminders = services.followup_reminders_send()
    stdout.write(
        f"Follow-through: owners and decisions recorded (Drucksache {DEMO_PAPER_REFERENCE} with its link), "
        f"{reminders.before + reminders.overdue} reminder(s) and {reminders.escalated} escalation(s) in the outbox; "
        "try /verbindlichkeit/ as bezirk@demo.invalid."
    )
    stdout.write(
        f"Recommendations: {created} new ({Recommendation.objects.count()} in total, every status), with "
        "comments by the network demo user, endorsements, versions and history."
    )
    seed_consultations(users=users, stdout=stdout)
    stdout.write(
        "  Try: /empfehlungen/ (public tracker), /empfehlungen/mitwirken/ as netzwerk@demo.invalid, "
        "/berichte/ as fachteam@demo.invalid"
    )


# --- bulk data for performance work -------------------------------------------------------------------------

SCALE_PREFIX = "scale-empfehlung-"
STATUS_MIX = [
    Status.DRAFT,
    Status.CONSULTATION,
    Status.ADOPTED,
    Status.ADOPTED,
    Status.IN_PROGRESS,
    Status.IN_PROGRESS,
    Status.IN_PROGRESS,
    Status.IMPLEMENTED,
    Status.REJECTED,
]


@transaction.atomic
def seed_scale(*, recommendations: int, stdout) -> None:
    """Bulk data: `recommendations` recommendations (slugs scale-empfehlung-00001 …) in a realistic status mix,
    each linked to 2–5 held workshops and up to 4 of their insights, with 1–3 versions, the status history,
    comments, endorsements and milestones. Idempotent by slug; bulk inserts only (no mails)."""
    rng = random.Random(recommendations)  # noqa: S311  # nosec B311 - reproducible bulk data
    now = timezone.now()
    fields = list(FieldOfAction.objects.order_by("order"))
    districts = list(District.objects.order_by("number"))
    held = list(
        Workshop.objects.filter(status__in=[Workshop.Status.HELD, Workshop.Status.DOCUMENTED])
        .order_by("pk")
        .values_list("pk", "district_id")
    )
    insights_by_workshop: dict[int, list[int]] = {}
    for insight_id, workshop_id in Insight.objects.filter(reflection__status=Reflection.Status.SUBMITTED).values_list(
        "pk", "reflection__workshop_id"
    ):
        insights_by_workshop.setdefault(workshop_id, []).append(insight_id)
    from django.contrib.auth import get_user_model

    User = get_user_model()
    members = []
    for i in range(20):
        email = f"scale-netzwerk-{i}@scale.invalid"
        members.append(
            User.objects.filter(email=email).first() or User.objects.create_user(email, None, name=f"Netzwerk {i}")
        )
    existing = set(Recommendation.objects.filter(slug__startswith=SCALE_PREFIX).values_list("slug", flat=True))
    new = []
    for index in range(1, recommendations + 1):
        slug = f"{SCALE_PREFIX}{index:05d}"
        if slug in existing:
            continue
        status = STATUS_MIX[index % len(STATUS_MIX)]
        new.append(
            Recommendation(
                slug=slug,
                title=f"Lastprobe-Empfehlung {index}: {rng.choice(TITLES)}",
                text=" ".join(rng.choice(SENTENCES) for _ in range(4)),
                rationale=" ".join(rng.choice(SENTENCES) for _ in range(2)),
                field=fields[index % len(fields)],
                addressee=list(Recommendation.Addressee.values)[index % 4],
                responsible_unit=rng.choice(UNITS),
                city_wide=index % 3 == 0,
                priority=list(Recommendation.Priority.values)[index % 3],
                due_date=timezone.localdate() + timedelta(days=rng.randint(-60, 400)),
                progress={Status.IN_PROGRESS: rng.randint(10, 90), Status.IMPLEMENTED: 100}.get(status, 0),
                status=status,
                status_changed_at=now - timedelta(days=rng.randint(1, 300)),
                rejection_reason="Nicht umsetzbar (Lastprobe)." if status == Status.REJECTED else "",
            )
        )
    Recommendation.objects.bulk_create(new, batch_size=1000)
    saved = list(Recommendation.objects.filter(slug__in=[r.slug for r in new]))
    through_w = Recommendation.workshops.through
    through_i = Recommendation.insights.through
    through_d = Recommendation.districts.through
    links_w, links_i, links_d, versions, history, comments, endorsements, milestones = [], [], [], [], [], [], [], []
    for r in saved:
        chosen = rng.sample(held, min(len(held), rng.randint(2, 5))) if held else []
        for workshop_id, _district_id in chosen:
            links_w.append(through_w(recommendation_id=r.pk, workshop_id=workshop_id))
        candidate_insights = [i for workshop_id, _d in chosen for i in insights_by_workshop.get(workshop_id, [])]
        for insight_id in rng.sample(candidate_insights, min(4, len(candidate_insights))):
            links_i.append(through_i(recommendation_id=r.pk, insight_id=insight_id))
        if not r.city_wide:
            scope = {d for _w, d in chosen} or {districts[r.pk % len(districts)].pk}
            for district_id in sorted(scope)[:3]:
                links_d.append(through_d(recommendation_id=r.pk, district_id=district_id))
        for number in range(1, rng.randint(1, 3) + 1):
            versions.append(
                RecommendationVersion(
                    recommendation=r, number=number, title=r.title, text=r.text, rationale=r.rationale, note=""
                )
            )
        history.append(HistoryEntry(recommendation=r, kind=HistoryEntry.Kind.CREATED, to_status=Status.DRAFT))
        path: list[str] = (
            [Status.REJECTED]
            if r.status == Status.REJECTED
            else PATH[: PATH.index(r.status) + 1]
            if r.status in PATH
            else []
        )
        previous: str = Status.DRAFT
        for step in path:
            history.append(
                HistoryEntry(
                    recommendation=r,
                    kind=HistoryEntry.Kind.STATUS,
                    from_status=previous,
                    to_status=step,
                    note="Lastprobe",
                )
            )
            previous = step
        for c in range(rng.randint(0, 3)):
            comments.append(
                Comment(recommendation=r, author=members[(r.pk + c) % len(members)], text=rng.choice(SENTENCES))
            )
        for e in rng.sample(range(len(members)), rng.randint(0, 5)):
            endorsements.append(Endorsement(recommendation=r, user=members[e]))
        if r.status in (Status.ADOPTED, Status.IN_PROGRESS, Status.IMPLEMENTED):
            for m in range(rng.randint(1, 3)):
                milestones.append(
                    Milestone(
                        recommendation=r,
                        title=f"Meilenstein {m + 1}",
                        due_date=timezone.localdate() + timedelta(days=30 * (m + 1)),
                        done_on=timezone.localdate() if r.status == Status.IMPLEMENTED else None,
                        order=m + 1,
                    )
                )
    through_w.objects.bulk_create(links_w, batch_size=5000, ignore_conflicts=True)
    through_i.objects.bulk_create(links_i, batch_size=5000, ignore_conflicts=True)
    through_d.objects.bulk_create(links_d, batch_size=5000, ignore_conflicts=True)
    RecommendationVersion.objects.bulk_create(versions, batch_size=5000)
    HistoryEntry.objects.bulk_create(history, batch_size=5000)
    Comment.objects.bulk_create(comments, batch_size=5000)
    Endorsement.objects.bulk_create(endorsements, batch_size=5000, ignore_conflicts=True)
    Milestone.objects.bulk_create(milestones, batch_size=5000)
    stdout.write(
        f"seed_scale (recommendations): {len(saved)} new recommendations "
        f"({recommendations} requested) linked to {len(held)} held workshops."
    )


TITLES = [
    "Einladungen früher verschicken",
    "Mehr Sitzgelegenheiten im Stadtteil",
    "Räume am Abend öffnen",
    "Ergebnisse sichtbar machen",
    "Dolmetschen anbieten",
    "Jugendliche gezielt ansprechen",
    "Feste Ansprechperson benennen",
    "Methodenkoffer erweitern",
]
SENTENCES = [
    "Die Werkstätten haben gezeigt, dass kleine Gruppen mehr Menschen zu Wort kommen lassen.",
    "Die Verwaltung prüft die Umsetzung gemeinsam mit dem Bezirksrat.",
    "Netzwerkpartner*innen vor Ort verteilen Einladungen in ihren Einrichtungen.",
    "Die Rückmeldung an die Teilnehmenden erfolgt spätestens nach drei Monaten.",
    "Barrierefreie Orte werden bei der Planung zuerst angefragt.",
    "Materialien liegen auch in Leichter Sprache vor.",
    "Die Ergebnisse werden in der nächsten Sitzung öffentlich beraten.",
    "Für die Umsetzung werden Mittel im kommenden Haushalt eingeplant.",
]
UNITS = [
    "Fachteam Beteiligung",
    "Fachbereich Planen und Stadtentwicklung",
    "Fachbereich Jugend und Familie",
    "Bezirksmanagement",
    "Fachbereich Tiefbau",
    "",
]


# --- consultations (issue 12) --------------------------------------------------------------------------------

CONSULTATION_DEMO_SLUG = "demo-konsultation-sitzgelegenheiten"
CONSULTATION_DEMO_ENDED_SLUG = "demo-konsultation-aushaenge"


def seed_consultations(*, users, stdout) -> None:
    """A recommendation in a running consultation (with a Politik comment on a paragraph and a Fachbereich
    suggestion) and one whose consultation ended with every contribution answered. Idempotent."""
    fachteam, politik, fachbereich = users.get("fachteam"), users.get("politik"), users.get("fachbereich")
    if fachteam is None or politik is None or fachbereich is None:
        return
    field = FieldOfAction.objects.order_by("order", "pk").first()
    if field is None:
        return
    now = timezone.now()
    held = list(
        Workshop.objects.filter(status__in=[Workshop.Status.HELD, Workshop.Status.DOCUMENTED])
        .exclude(slug__startswith="scale-")
        .order_by("starts_at")
    )
    chosen, insights = _evidence(1, held)

    def in_consultation(*, slug, title, text, addressee, starts_at, ends_at):
        """A draft recommendation under its demo slug with its consultation open."""
        recommendation = services.recommendation_create(
            title=title,
            text=text,
            field=field,
            addressee=addressee,
            city_wide=True,
            workshops=chosen,
            insights=insights,
            by=fachteam,
            note="Entwurf für die Konsultation",
        )
        Recommendation.objects.filter(pk=recommendation.pk).update(slug=slug)
        recommendation.refresh_from_db()
        consultation = services.consultation_open(
            recommendation=recommendation, starts_at=starts_at, ends_at=ends_at, by=fachteam
        )
        return recommendation, consultation

    if not Recommendation.objects.filter(slug=CONSULTATION_DEMO_SLUG).exists():
        with transaction.atomic():
            _running, consultation = in_consultation(
                slug=CONSULTATION_DEMO_SLUG,
                title="Sitzgelegenheiten an Werkstatt-Orten",
                text=(
                    "Jeder Ort einer Bezirkswerkstatt bietet ausreichend Sitzgelegenheiten mit Lehnen.\n\n"
                    "Die Fachbereiche prüfen mit den Stadtbezirksräten, welche Orte dauerhaft geeignet sind."
                ),
                addressee=Recommendation.Addressee.ADMINISTRATION,
                starts_at=now - timedelta(days=2),
                ends_at=now + timedelta(days=12),
            )
            services.contribution_add(
                consultation=consultation,
                author=fachbereich,
                kind="suggestion",
                paragraph=2,
                text="Wir schlagen eine Liste geprüfter Orte vor.",
                suggested_wording="Der Fachbereich führt eine öffentliche Liste geeigneter Orte.",
            )
    if not Recommendation.objects.filter(slug=CONSULTATION_DEMO_ENDED_SLUG).exists():
        with transaction.atomic():
            ended, consultation = in_consultation(
                slug=CONSULTATION_DEMO_ENDED_SLUG,
                title="Aushänge in den Stadtteilen",
                text="Werkstätten werden zusätzlich mit Aushängen in Stadtteiltreffs angekündigt.",
                addressee=Recommendation.Addressee.FACHTEAM,
                starts_at=now - timedelta(days=30),
                ends_at=now - timedelta(days=1),
            )
            # Contributed while the window was open (the same window the history and the page name).
            contribution = services.contribution_add(
                consultation=consultation,
                author=politik,
                text="Bitte auch in Bibliotheken und Arztpraxen.",
                paragraph=1,
                now=now - timedelta(days=10),
            )
            Contribution.objects.filter(pk=contribution.pk).update(
                created_at=now - timedelta(days=10), updated_at=now - timedelta(days=10)
            )
            services.recommendation_update(
                recommendation=ended,
                text=(
                    "Werkstätten werden zusätzlich mit Aushängen in Stadtteiltreffs, Bibliotheken und Arztpraxen "
                    "angekündigt."
                ),
                by=fachteam,
                note="Hinweis aus der Konsultation übernommen",
            )
            contribution = Contribution.objects.select_related("consultation__version").get(pk=contribution.pk)
            services.contribution_respond(
                contribution=contribution,
                outcome="taken_up",
                reason="Bibliotheken und Arztpraxen sind in Fassung 2 ergänzt.",
                by=fachteam,
            )
    stdout.write(
        f"  Consultation: /empfehlungen/{CONSULTATION_DEMO_SLUG}/#konsultation (running; try politik@demo.invalid), "
        f"/empfehlungen/{CONSULTATION_DEMO_ENDED_SLUG}/#konsultation (answered)"
    )
