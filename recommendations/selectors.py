"""Reads of the recommendations app that depend on who asks; every list a constant number of queries."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, QuerySet

from districts.models import District
from reflections.models import Insight, Reflection
from workshops.models import Workshop

from .models import Comment, HistoryEntry, Recommendation, RecommendationVersion, ReportJob


def can_view_drafts(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("recommendations.view_draft"))


def recommendations_visible_to(*, user) -> QuerySet[Recommendation]:
    """Public recommendations for everyone; drafts too for the network and the Fachteam."""
    queryset = Recommendation.objects.all()
    return queryset if can_view_drafts(user) else queryset.public()


@dataclass(frozen=True)
class TrackerFilters:
    status: str = ""
    field: str = ""
    district: str = ""  # a district slug, or "stadtweit"
    addressee: str = ""
    q: str = ""


CITY_WIDE = "stadtweit"


def tracker_list(*, user, filters: TrackerFilters, public_only: bool = False) -> QuerySet[Recommendation]:
    """The tracker's list: filtered, with field, districts, counts — three queries however many rows."""
    queryset = Recommendation.objects.public() if public_only else recommendations_visible_to(user=user)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.field:
        queryset = queryset.filter(field__slug=filters.field)
    if filters.addressee:
        queryset = queryset.filter(addressee=filters.addressee)
    if filters.district == CITY_WIDE:
        queryset = queryset.filter(city_wide=True)
    elif filters.district:
        matching = Recommendation.objects.filter(
            Q(districts__slug=filters.district) | Q(workshops__district__slug=filters.district)
        ).values("pk")
        queryset = queryset.filter(pk__in=matching)
    if filters.q:
        queryset = queryset.filter(Q(title__icontains=filters.q) | Q(text__icontains=filters.q))
    return (
        queryset.select_related("field", "owner_unit")
        .prefetch_related(Prefetch("districts", queryset=District.objects.order_by("number")))
        .annotate(
            workshop_count=Count("workshops", distinct=True),
            endorsement_count=Count("endorsements", distinct=True),
        )
        .order_by("field__order", "title")
    )


def export_rows(*, filters: TrackerFilters) -> list[list]:
    """Rows of the public CSV/XLSX export (public recommendations only)."""
    recommendations = tracker_list(user=None, filters=filters, public_only=True).prefetch_related(
        Prefetch("workshops", queryset=Workshop.objects.order_by("starts_at").only("title", "slug", "starts_at"))
    )
    rows = []
    for r in recommendations:
        rows.append(
            [
                r.title,
                r.get_status_display(),
                r.field.name,
                r.get_addressee_display(),
                r.responsible_unit,
                "stadtweit" if r.city_wide else ", ".join(d.name for d in r.districts.all()),
                r.get_priority_display(),
                r.due_date.isoformat() if r.due_date else "",
                r.progress,
                r.status_changed_at.date().isoformat() if r.status_changed_at else "",
                r.endorsement_count,  # type: ignore[attr-defined]  # annotated in tracker_list
                "; ".join(w.title for w in r.workshops.all()),
                r.text,
                r.rejection_reason,
            ]
        )
    return rows


EXPORT_COLUMNS = [
    "Titel",
    "Status",
    "Handlungsfeld",
    "Adressat*in",
    "zuständige Stelle",
    "Geltungsbereich",
    "Priorität",
    "Frist",
    "Fortschritt (%)",
    "Status seit",
    "Unterstützungen",
    "Werkstätten",
    "Empfehlung",
    "Grund für das Verwerfen",
]


def recommendation_detail(*, slug: str, user) -> Recommendation | None:
    """One recommendation with everything its page shows, or None when it does not exist or is not visible."""
    return (
        recommendations_visible_to(user=user)
        .select_related("field", "created_by", "owner_unit", "council_paper", "decision", "decision__paper")
        .prefetch_related(
            Prefetch("districts", queryset=District.objects.order_by("number")),
            "milestones",
            Prefetch("history", queryset=HistoryEntry.objects.select_related("actor").order_by("created_at", "pk")),
        )
        .annotate(
            endorsement_count=Count("endorsements", distinct=True), version_count=Count("versions", distinct=True)
        )
        .filter(slug=slug)
        .first()
    )


@dataclass
class EvidenceWorkshop:
    workshop: Workshop
    summaries: list[str]
    insights: list[Insight]


def evidence_trail(*, recommendation: Recommendation) -> dict:
    """The public evidence: linked workshops with the public summaries of their submitted reflections, and the
    linked insights (grouped under their workshop). Never internal notes or the free texts of reflections."""
    workshops = list(
        recommendation.workshops.select_related("district", "format")
        .prefetch_related(
            Prefetch(
                "reflections",
                queryset=Reflection.objects.submitted()
                .exclude(public_summary="")
                .only("pk", "workshop_id", "public_summary", "status"),
                to_attr="public_reflections",
            )
        )
        .order_by("starts_at")
    )
    insights = list(
        recommendation.insights.filter(reflection__status=Reflection.Status.SUBMITTED, public=True)
        .select_related("reflection__workshop__district")
        .order_by("reflection__workshop__starts_at", "order", "pk")
    )
    linked_reflections = list(
        recommendation.reflections.submitted().exclude(public_summary="").select_related("workshop")
    )
    by_workshop: dict[int, EvidenceWorkshop] = {}
    for w in workshops:
        by_workshop[w.pk] = EvidenceWorkshop(w, [r.public_summary for r in w.public_reflections], [])
    for reflection in linked_reflections:
        entry = by_workshop.setdefault(reflection.workshop_id, EvidenceWorkshop(reflection.workshop, [], []))
        if reflection.public_summary not in entry.summaries:
            entry.summaries.append(reflection.public_summary)
    for insight in insights:
        workshop = insight.reflection.workshop
        entry = by_workshop.setdefault(workshop.pk, EvidenceWorkshop(workshop, [], []))
        entry.insights.append(insight)
    items = sorted(by_workshop.values(), key=lambda e: e.workshop.starts_at)
    return {"workshops": items, "count": len(items), "insight_count": len(insights)}


def comments_for(*, recommendation: Recommendation) -> list[Comment]:
    return list(recommendation.comments.select_related("author").order_by("created_at", "pk"))


def recommendations_for_workshop(*, workshop) -> list[Recommendation]:
    """Public recommendations whose evidence includes the workshop (directly or through its insights)."""
    return list(
        Recommendation.objects.public()
        .filter(Q(workshops=workshop) | Q(insights__reflection__workshop=workshop))
        .distinct()
        .select_related("field")
        .order_by("field__order", "title")
    )


def versions_of(*, recommendation: Recommendation) -> list[RecommendationVersion]:
    return list(recommendation.versions.select_related("created_by").order_by("-number"))


# --- diff ---------------------------------------------------------------------------------------------------

# Words, runs of whitespace and single punctuation marks: "Aushang," differs from "Aushang" only by the comma.
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class DiffSegment:
    op: str  # "equal" | "insert" | "delete"
    text: str


def text_diff(old: str, new: str) -> list[DiffSegment]:
    """A word-level diff (difflib) as segments; whitespace is kept so the text reads as before."""
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


@dataclass
class FieldDiff:
    label: str
    segments: list[DiffSegment]
    changed: bool


def version_diff(old: RecommendationVersion | None, new: RecommendationVersion) -> list[FieldDiff]:
    """Diff of title, text and rationale between two versions (against empty for the first version)."""
    result = []
    for name in ("title", "text", "rationale"):
        label = str(RecommendationVersion._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
        before = getattr(old, name) if old else ""
        after = getattr(new, name)
        result.append(FieldDiff(label, text_diff(before, after), before != after))
    return result


# --- report jobs ----------------------------------------------------------------------------------------------


def report_jobs_for(*, user, all_jobs: bool = False) -> QuerySet[ReportJob]:
    queryset = ReportJob.objects.select_related("requested_by").order_by("-created_at", "-pk")
    if all_jobs and user.has_perm("recommendations.change_reportjob"):
        return queryset
    return queryset.filter(requested_by=user)


def workshops_for_reports(*, user) -> QuerySet[Workshop]:
    """Workshops whose documentation the user may request: the Fachteam all, district staff their districts'."""
    from workshops.selectors import workshops_for_user

    return (
        workshops_for_user(user, Workshop.objects.exclude(status=Workshop.Status.DRAFT))
        .select_related("district")
        .order_by("-starts_at")
    )


def districts_for_reports(*, user) -> QuerySet[District]:
    if user.has_perm("recommendations.change_reportjob"):
        return District.objects.order_by("number")
    return user.districts.order_by("number")


# --- follow-through (issue 13) ---------------------------------------------------------------------------------


@dataclass
class FollowUp:
    commitments: list
    recommendations: list
    overdue_commitments: list
    overdue_recommendations: list


def _commitments_prefetched(queryset):
    from reflections.models import CommitmentMilestone

    return queryset.select_related("workshop", "workshop__district", "unit").prefetch_related(
        "owners", Prefetch("milestones", queryset=CommitmentMilestone.objects.order_by("due_date", "pk"))
    )


def _recommendations_prefetched(queryset):
    return queryset.select_related("field", "owner_unit").prefetch_related("owners", "milestones")


def followup_for(*, user, today=None) -> FollowUp:
    """The owners' workspace: what the user answers for (open first, by due date); for the Fachteam also
    every overdue item. A constant number of queries."""
    from reflections.models import Commitment

    commitments = _commitments_prefetched(Commitment.objects.owned_by(user)).order_by(
        "status", F("due_date").asc(nulls_last=True), "pk"
    )
    recommendations = _recommendations_prefetched(Recommendation.objects.public().owned_by(user)).order_by(
        "status", F("due_date").asc(nulls_last=True), "pk"
    )
    overdue_c: list = []
    overdue_r: list = []
    if user.has_perm("recommendations.assign_owners"):
        overdue_c = list(_commitments_prefetched(Commitment.objects.overdue(today=today)).order_by("due_date", "pk"))
        overdue_r = list(
            _recommendations_prefetched(Recommendation.objects.overdue(today=today)).order_by("due_date", "pk")
        )
    return FollowUp(list(commitments), list(recommendations), overdue_c, overdue_r)


def overdue_in_district(*, district, today=None) -> tuple[list, list]:
    """Public overdue recommendations whose scope names the district (or city-wide ones are left out: they
    belong to the city page) and public overdue commitments of the district's workshops."""
    from reflections.models import Commitment

    recommendations = list(
        Recommendation.objects.overdue(today=today)
        .filter(Q(districts=district) | Q(workshops__district=district))
        .distinct()
        .select_related("owner_unit")
        .order_by("due_date", "pk")
    )
    commitments = list(
        Commitment.objects.public()
        .overdue(today=today)
        .filter(workshop__district=district, workshop__status__in=["held", "documented"])
        .select_related("workshop", "unit")
        .order_by("due_date", "pk")
    )
    return recommendations, commitments


def overdue_counts(*, district=None, today=None) -> dict[str, int]:
    from reflections.models import Commitment

    recommendations = Recommendation.objects.overdue(today=today)
    commitments = Commitment.objects.overdue(today=today)
    if district is not None:
        recommendations = recommendations.filter(Q(districts=district) | Q(workshops__district=district)).distinct()
        commitments = commitments.filter(workshop__district=district)
    return {"recommendations": recommendations.count(), "commitments": commitments.count()}


def commitments_for(*, recommendation: Recommendation) -> list:
    """Public commitments made in the workshops the recommendation came from (its evidence), with owners."""
    from reflections.models import Commitment

    return list(
        Commitment.objects.public()
        .filter(workshop__in=recommendation.workshops.all())
        .select_related("workshop", "unit")
        .order_by("workshop__starts_at", "order", "pk")
    )


def consultation_contributions(*, consultation) -> list:
    """The contributions of a consultation with author, response and the version that took them up (one query)."""
    from .models import Contribution

    return list(
        Contribution.objects.filter(consultation=consultation)
        .select_related("author", "response", "response__version")
        .order_by("paragraph", "created_at", "pk")
    )


def proposals_for(*, user, all_proposals: bool = False):
    """Open proposals for the Fachteam (`all_proposals`), else the user's own."""
    from .models import Proposal

    rows = Proposal.objects.select_related("field", "proposed_by", "recommendation")
    if all_proposals:
        return rows.filter(status=Proposal.Status.OPEN)
    return rows.filter(proposed_by_id=user.pk)


def responses_by_version(*, recommendation: Recommendation) -> dict[int, list]:
    """The documented responses per version that took contributions up (one query): which suggestion led to
    which change. Moderated (hidden) contributions are left out."""
    from .models import ContributionResponse

    result: dict[int, list] = defaultdict(list)
    rows = (
        ContributionResponse.objects.filter(
            version__recommendation=recommendation, contribution__hidden_at__isnull=True
        )
        .select_related("contribution")
        .order_by("contribution__paragraph", "contribution__created_at", "pk")
    )
    for response in rows:
        if response.version_id is not None:
            result[response.version_id].append(response)
    return dict(result)
