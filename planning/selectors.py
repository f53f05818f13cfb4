"""Reads of the planning app: concepts with versions and runs, plans visible to a person, stages.

Every list here runs a constant number of queries, whatever the number of workshops or records."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role, user_has_role, user_is_fachteam
from districts.models import District
from reflections.models import CriterionRating, QualityCriterion, Reflection
from workshops.models import Workshop

from .derivation import (
    DEFAULT_THRESHOLDS,
    LeadFact,
    Missing,
    RecordFact,
    Threshold,
    classify_workshop,
    district_stage,
    missing_for_next,
    person_stage,
)
from .models import (
    LEADING_ROLES,
    ROLE_ORDER,
    ChangePoint,
    CoachingNote,
    Concept,
    ConceptAgendaItem,
    ConceptVersion,
    DistrictStage,
    FacilitationRecord,
    FacilitationRole,
    PlanComment,
    PlanStatus,
    PlanTask,
    StageThreshold,
    WorkshopPlan,
)

CITY_KINDS = (User.OrganisationKind.ADMINISTRATION, User.OrganisationKind.DISTRICT_OFFICE)
RUN_STATUSES = (Workshop.Status.PUBLISHED, Workshop.Status.HELD, Workshop.Status.DOCUMENTED)


def is_process_team(user: Any) -> bool:
    return getattr(user, "organisation_kind", "") == User.OrganisationKind.PROCESS_TEAM


def is_city_or_district(user: Any) -> bool:
    return getattr(user, "organisation_kind", "") in CITY_KINDS


# --- stages -------------------------------------------------------------------------------------------------


def thresholds() -> list[Threshold]:
    """The thresholds set in the admin (the defaults when none are set)."""
    rows = [
        Threshold(t.stage, t.role, t.min_count, t.with_coaching)
        for t in StageThreshold.objects.order_by("stage", "role")
    ]
    return rows or list(DEFAULT_THRESHOLDS)


def _record_rows(person_ids: list[int]) -> list[dict[str, Any]]:
    coached = CoachingNote.objects.filter(person_id=OuterRef("person_id"), workshop_id=OuterRef("workshop_id"))
    rows = (
        FacilitationRecord.objects.filter(person_id__in=person_ids, confirmed_at__isnull=False)
        .annotate(coached=Exists(coached))
        .values("person_id", "workshop_id", "role", "coached", "workshop__starts_at")
    )
    return [dict(row) for row in rows]


@dataclass
class StageInfo:
    stage: str
    next_stage: str | None
    missing: list[Missing]
    counts: dict[str, int] = field(default_factory=dict)  # role -> confirmed records

    @property
    def stage_label(self) -> str:
        from .models import Stage

        return str(Stage(self.stage).label)

    @property
    def count_rows(self) -> list[tuple[str, int]]:
        return [(str(FacilitationRole(role).label), self.counts[role]) for role in ROLE_ORDER if role in self.counts]

    @property
    def missing_rows(self) -> list[tuple[str, int, bool]]:
        return [(str(FacilitationRole(m.role).label), m.needed, m.with_coaching) for m in self.missing]

    @property
    def next_stage_label(self) -> str:
        from .models import Stage

        return str(Stage(self.next_stage).label) if self.next_stage else ""


def stage_of(*, user: User) -> StageInfo:
    """A person's derived stage, counts per role and what is missing for the next stage (two queries)."""
    rows = _record_rows([user.pk])
    facts = [RecordFact(r["role"], r["coached"]) for r in rows]
    limits = thresholds()
    following, missing = missing_for_next(facts, limits)
    counts: dict[str, int] = defaultdict(int)
    for fact in facts:
        counts[fact.role] += 1
    return StageInfo(person_stage(facts, limits), following, missing, dict(counts))


def derived_run_by(*, workshop_ids: list[int] | None = None) -> dict[int, str]:
    """The derived classification (Workshop.RunBy value) of the workshops (all when None), from confirmed
    facilitation records; four queries whatever the number of workshops."""
    workshops = Workshop.objects.all() if workshop_ids is None else Workshop.objects.filter(pk__in=workshop_ids)
    starts = dict(workshops.values_list("pk", "starts_at"))
    result = {pk: "prototype" for pk in starts}
    records = list(
        FacilitationRecord.objects.filter(workshop_id__in=list(starts), confirmed_at__isnull=False).values(
            "workshop_id", "person_id", "role", "person__organisation_kind"
        )
    )
    if not records:
        return result
    leads = {r["person_id"] for r in records if r["role"] in LEADING_ROLES}
    history: dict[int, list[tuple[datetime, RecordFact]]] = defaultdict(list)
    for row in _record_rows(list(leads)):
        history[row["person_id"]].append((row["workshop__starts_at"], RecordFact(row["role"], row["coached"])))
    limits = thresholds()
    by_workshop: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        by_workshop[record["workshop_id"]].append(dict(record))
    for workshop_id, rows in by_workshop.items():
        start = starts[workshop_id]
        facts = []
        for row in rows:
            kind = row["person__organisation_kind"]
            earlier = [fact for moment, fact in history.get(row["person_id"], []) if moment < start]
            facts.append(
                LeadFact(
                    role=row["role"],
                    process_team=kind == User.OrganisationKind.PROCESS_TEAM,
                    city_or_district=kind in CITY_KINDS,
                    stage_before=person_stage(earlier, limits) if row["role"] in LEADING_ROLES else "observer",
                )
            )
        result[workshop_id] = classify_workshop(facts)
    return result


def runs(*, now: datetime | None = None) -> QuerySet[Workshop]:
    """Workshops that took place (not drafts, not cancelled)."""
    return Workshop.objects.filter(status__in=RUN_STATUSES, starts_at__lte=now or timezone.now())


def district_stages(*, now: datetime | None = None) -> dict[int, str]:
    """Every district's stage (id → prototyp / tandem / eigenregie), one query."""
    seen: dict[int, list[str]] = defaultdict(list)
    for district_id, run_by in runs(now=now).values_list("district_id", "run_by").distinct():
        seen[district_id].append(run_by)
    return {d: district_stage(values) for d, values in seen.items()}


def district_stage_of(*, district: District, now: datetime | None = None) -> str:
    values = runs(now=now).filter(district=district).values_list("run_by", flat=True).distinct()
    return district_stage(values)


@dataclass
class QuarterRow:
    period: date
    total: int = 0
    tandem: int = 0
    eigenregie: int = 0
    stage: str = DistrictStage.PROTOTYP

    @property
    def label(self) -> str:
        return f"{(self.period.month - 1) // 3 + 1}/{self.period.year}"

    @property
    def share(self) -> float | None:
        return self.eigenregie / self.total if self.total else None

    @property
    def stage_label(self) -> str:
        return str(DistrictStage(self.stage).label)


def district_paths(
    *, district_ids: list[int] | None = None, now: datetime | None = None
) -> dict[int, list[QuarterRow]]:
    """Per district and quarter: workshops, of them in Tandem and in Eigenregie, and the stage reached by
    then (cumulative). One query."""
    scope = runs(now=now)
    if district_ids is not None:
        scope = scope.filter(district_id__in=district_ids)
    rows = (
        scope.annotate(period=TruncQuarter("starts_at", tzinfo=timezone.get_current_timezone()))
        .values("district_id", "period")
        .annotate(
            total=Count("pk"),
            tandem=Count("pk", filter=Q(run_by="tandem")),
            eigen=Count("pk", filter=Q(run_by="eigenregie")),
        )
        .order_by("district_id", "period")
    )
    result: dict[int, list[QuarterRow]] = defaultdict(list)
    reached: dict[int, list[str]] = defaultdict(list)
    for row in rows:
        period = row["period"].date() if isinstance(row["period"], datetime) else row["period"]
        if row["tandem"]:
            reached[row["district_id"]].append("tandem")
        if row["eigen"]:
            reached[row["district_id"]].append("eigenregie")
        result[row["district_id"]].append(
            QuarterRow(period, row["total"], row["tandem"], row["eigen"], district_stage(reached[row["district_id"]]))
        )
    return dict(result)


# --- concepts -----------------------------------------------------------------------------------------------


def concepts_public() -> QuerySet[Concept]:
    """Public concepts with their number of versions and runs (one query)."""
    return Concept.objects.public().annotate(
        version_count=Count("versions", distinct=True),
        run_count=Count(
            "versions__plans",
            filter=Q(versions__plans__workshop__status__in=RUN_STATUSES),
            distinct=True,
        ),
    )


def _versions_prefetch() -> Prefetch:
    return Prefetch(
        "versions",
        queryset=ConceptVersion.objects.select_related("format")
        .prefetch_related(
            Prefetch("agenda", queryset=ConceptAgendaItem.objects.select_related("method")),
            "timeline",
            Prefetch("taken_up", queryset=ChangePoint.objects.select_related("workshop")),
        )
        .order_by("number"),
    )


def concepts_for_api() -> QuerySet[Concept]:
    """Public concepts with versions and runs prefetched (constant queries)."""
    return (
        Concept.objects.public()
        .prefetch_related(
            _versions_prefetch(),
            Prefetch(
                "versions__plans",
                queryset=WorkshopPlan.objects.filter(workshop__status__in=RUN_STATUSES)
                .select_related("workshop__district")
                .order_by("workshop__starts_at"),
            ),
        )
        .order_by("title")
    )


@dataclass
class Run:
    workshop: Workshop
    version_number: int
    documented: bool
    ratings: dict[int, float]  # criterion id -> average facilitator rating
    cells: list[float | None] = field(default_factory=list)  # aligned with ConceptPage.criteria


@dataclass
class ConceptPage:
    concept: Concept
    versions: list[ConceptVersion]
    runs: list[Run]
    criteria: list[QualityCriterion]
    open_points: list[ChangePoint]
    history: list[tuple[ConceptVersion, list[FieldDiff]]]  # newest first, each with its diff to the one before


def concept_page(*, slug: str) -> ConceptPage | None:
    """Everything the public concept page shows, in a constant number of queries."""
    concept = Concept.objects.public().filter(slug=slug).prefetch_related(_versions_prefetch()).first()
    if concept is None:
        return None
    versions = list(concept.versions.all())
    plans = list(
        WorkshopPlan.objects.filter(concept_version__concept=concept, workshop__status__in=RUN_STATUSES)
        .select_related("workshop__district", "concept_version")
        .order_by("workshop__starts_at")
    )
    workshop_ids = [p.workshop_id for p in plans]
    ratings: dict[int, dict[int, float]] = defaultdict(dict)
    for row in (
        CriterionRating.objects.filter(
            reflection__workshop_id__in=workshop_ids,
            reflection__status=Reflection.Status.SUBMITTED,
            rating__isnull=False,
        )
        .values("reflection__workshop_id", "criterion_id")
        .annotate(avg=Avg("rating"))
        .order_by()
    ):
        ratings[row["reflection__workshop_id"]][row["criterion_id"]] = round(float(row["avg"]), 1)
    used = {c for r in ratings.values() for c in r}
    criteria = [c for c in QualityCriterion.objects.order_by("order", "name") if c.pk in used]
    run_list = [
        Run(
            workshop=p.workshop,
            version_number=p.concept_version.number,
            documented=p.workshop.status == Workshop.Status.DOCUMENTED,
            ratings=ratings.get(p.workshop_id, {}),
        )
        for p in plans
    ]
    for run in run_list:
        run.cells = [run.ratings.get(c.pk) for c in criteria]
    open_points = list(
        ChangePoint.objects.filter(concept=concept, taken_up_in__isnull=True)
        .select_related("workshop")
        .order_by("created_at")
    )
    history = []
    previous = None
    for version in versions:
        history.append((version, version_diff(previous, version)))
        previous = version
    return ConceptPage(concept, versions, run_list, criteria, open_points, history[::-1])


# --- diff (word level, same rendering as the recommendations' versions) --------------------------------------

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class DiffSegment:
    op: str  # "equal" | "insert" | "delete"
    text: str


@dataclass
class FieldDiff:
    label: str
    segments: list[DiffSegment]
    changed: bool


def text_diff(old: str, new: str) -> list[DiffSegment]:
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    segments: list[DiffSegment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(DiffSegment("equal", "".join(a[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            segments.append(DiffSegment("delete", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            segments.append(DiffSegment("insert", "".join(b[j1:j2])))
    return segments


def _agenda_text(version: ConceptVersion | None) -> str:
    if version is None:
        return ""
    return "\n".join(f"{item.title} ({item.duration_minutes} Min.)" for item in version.agenda.all())


def version_diff(old: ConceptVersion | None, new: ConceptVersion) -> list[FieldDiff]:
    """Diff of the text fields and the agenda between two versions (against empty for the first)."""
    result = []
    for name in ConceptVersion.DIFF_FIELDS:
        label = str(ConceptVersion._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
        before = getattr(old, name) if old else ""
        after = getattr(new, name)
        result.append(FieldDiff(label, text_diff(before, after), before != after))
    before, after = _agenda_text(old), _agenda_text(new)
    result.append(FieldDiff("Programm", text_diff(before, after), before != after))
    return result


# --- plans --------------------------------------------------------------------------------------------------


def is_planner(user: Any) -> bool:
    """District offices and authorised network partners: the role and at least one assigned district."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not (user_has_role(user, Role.BEZIRKSMANAGEMENT) or user_has_role(user, Role.NETZWERK)):
        return False
    return user.districts.exists()


def planners_of(*, district: District) -> QuerySet[User]:
    """The people who may plan for a district (district offices and authorised network partners)."""
    return (
        User.objects.filter(
            is_active=True,
            districts=district,
            groups__name__in=[Role.BEZIRKSMANAGEMENT.value, Role.NETZWERK.value],
        )
        .distinct()
        .order_by("name", "email")
    )


def plans_visible_to(*, user: Any) -> QuerySet[WorkshopPlan]:
    """The Fachteam sees every plan; planners the plans of their districts."""
    plans = WorkshopPlan.objects.select_related(
        "workshop", "district", "planner", "concept_version__concept", "venue"
    ).annotate(
        open_tasks=Count("tasks", filter=Q(tasks__done_at__isnull=True), distinct=True),
        overdue_tasks=Count(
            "tasks", filter=Q(tasks__done_at__isnull=True, tasks__due_date__lt=timezone.localdate()), distinct=True
        ),
    )
    if user_is_fachteam(user):
        return plans
    if not is_planner(user):
        return plans.none()
    return plans.filter(district__in=user.districts.values("pk"))


@dataclass
class Workspace:
    to_review: list[WorkshopPlan]
    open: list[WorkshopPlan]
    published: list[WorkshopPlan]
    my_tasks: list[PlanTask]
    stages: dict[int, str]


def workspace_for(*, user: Any) -> Workspace:
    plans = list(plans_visible_to(user=user).order_by("workshop__starts_at"))
    to_review = [p for p in plans if p.status == PlanStatus.SUBMITTED] if user_is_fachteam(user) else []
    open_plans = [p for p in plans if p.status != PlanStatus.PUBLISHED and p not in to_review]
    published = [p for p in plans if p.status == PlanStatus.PUBLISHED][::-1][:10]  # the latest ten
    tasks = list(
        PlanTask.objects.filter(assignee_id=user.pk, done_at__isnull=True)
        .select_related("plan__workshop")
        .order_by("due_date")[:20]
    )
    return Workspace(to_review, open_plans, published, tasks, district_stages())


def plan_detail(*, pk: int) -> WorkshopPlan | None:
    return (
        WorkshopPlan.objects.select_related(
            "workshop__format", "district", "planner", "venue", "concept_version__concept", "approved_by"
        )
        .prefetch_related(
            Prefetch("comments", queryset=PlanComment.objects.select_related("author")),
            Prefetch("tasks", queryset=PlanTask.objects.select_related("assignee", "done_by")),
            "workshop__agenda__method",
            "workshop__team__user",
        )
        .filter(pk=pk)
        .first()
    )


def coaching_notes_visible_to(
    *, user: Any, person_ids: list[int], workshop: Workshop | None = None
) -> QuerySet[CoachingNote]:
    """Coaching notes about these people that `user` may read: the Fachteam all, a person those about
    themselves, a coach the ones they wrote."""
    notes = CoachingNote.objects.filter(person_id__in=person_ids).select_related("workshop", "coach", "person")
    if workshop is not None:
        notes = notes.filter(workshop=workshop)
    if user_is_fachteam(user):
        return notes
    return notes.filter(Q(person_id=user.pk) | Q(coach_id=user.pk))
