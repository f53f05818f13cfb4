"""Reads of the reflections app that depend on who is asking or aggregate many rows.

Every function runs a constant number of queries whatever the data size: aggregation happens in the
database (GROUP BY), lists use select_related / prefetch_related."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from districts.models import District, Quarter
from workshops.models import Registration, Workshop, WorkshopTeamMember

from .models import (
    Commitment,
    CriterionRating,
    FeedbackCriterionAnswer,
    FeedbackInvitation,
    FeedbackResponse,
    ParticipationRecord,
    QualityCriterion,
    Reflection,
    ResultPhoto,
)
from .services import HELD_STATUSES, REQUIRED_REFLECTION_ROLES, token_hash


def min_count() -> int:
    return settings.PUBLIC_MIN_COUNT


# --- small value types --------------------------------------------------------------------------------------------


@dataclass
class Cell:
    """A sum and a count; the average is exact however cells are combined."""

    total: float = 0
    n: int = 0

    @property
    def average(self) -> float | None:
        return self.total / self.n if self.n else None

    @property
    def suppressed(self) -> bool:
        return 0 < self.n < min_count()

    def public_average(self) -> float | None:
        """The average, or None when fewer than PUBLIC_MIN_COUNT values are behind it."""
        return self.average if self.n >= min_count() else None

    def __add__(self, other: Cell) -> Cell:
        return Cell(self.total + other.total, self.n + other.n)


def period_label(period: date | datetime) -> str:
    quarter = (period.month - 1) // 3 + 1
    return f"Q{quarter}/{period.year}"


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _next_quarter(day: date) -> date:
    return date(day.year + (day.month >= 10), (day.month + 2) % 12 + 1, 1)


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# --- facilitator workspace ----------------------------------------------------------------------------------------


@dataclass
class WorkspaceEntry:
    workshop: Workshop
    role: str
    role_label: str
    reflection: Reflection | None = None

    @property
    def must_reflect(self) -> bool:
        return self.role in REQUIRED_REFLECTION_ROLES

    @property
    def may_reflect(self) -> bool:
        return self.role in WorkshopTeamMember.FACILITATING_ROLES


@dataclass
class Workspace:
    upcoming: list[WorkspaceEntry]
    needs_reflection: list[WorkspaceEntry]
    done: list[WorkspaceEntry]


def workspace_for(*, user, now: datetime | None = None, done_limit: int = 10) -> Workspace:
    """The facilitator's own workshops (two queries): upcoming, past ones still needing the user's
    reflection, and recently reflected ones."""
    now = now or timezone.now()
    memberships = (
        WorkshopTeamMember.objects.filter(user=user)
        .exclude(workshop__status=Workshop.Status.CANCELLED)
        .select_related("workshop", "workshop__district", "workshop__format")
        .order_by("workshop__starts_at")
    )
    memberships = list(memberships)
    reflections = {
        r.workshop_id: r
        for r in Reflection.objects.filter(author=user, workshop_id__in=[m.workshop_id for m in memberships])
    }
    upcoming, needs, done = [], [], []
    for member in memberships:
        entry = WorkspaceEntry(
            workshop=member.workshop,
            role=member.role,
            role_label=member.get_role_display(),
            reflection=reflections.get(member.workshop_id),
        )
        workshop = member.workshop
        if workshop.ends_at >= now:
            upcoming.append(entry)
            if workshop.starts_at <= now and entry.may_reflect and not _submitted(entry):
                needs.append(entry)
        elif workshop.status != Workshop.Status.DRAFT:
            if entry.may_reflect and not _submitted(entry):
                needs.append(entry)
            elif _submitted(entry):
                done.append(entry)
    done.sort(key=lambda e: e.workshop.starts_at, reverse=True)
    return Workspace(upcoming=upcoming, needs_reflection=needs, done=done[:done_limit])


def _submitted(entry: WorkspaceEntry) -> bool:
    return entry.reflection is not None and entry.reflection.is_submitted


def workshop_attendees(*, workshop: Workshop) -> dict:
    """The attendee list of a workshop (one query) with counts."""
    registrations = list(
        workshop.registrations.filter(
            status__in=[Registration.Status.CONFIRMED, Registration.Status.PENDING, Registration.Status.OFFERED]
        )
        .select_related("quarter")
        .order_by("name")
    )
    confirmed = [r for r in registrations if r.status == Registration.Status.CONFIRMED]
    return {
        "registrations": registrations,
        "confirmed_people": sum(r.seats for r in confirmed),
        "checked_in_people": sum(r.seats for r in confirmed if r.checked_in_at),
        "with_support_needs": sum(1 for r in registrations if r.has_support_needs),
    }


def workshop_team(*, workshop: Workshop) -> list[dict]:
    """Team members with their reflection status (two queries)."""
    reflections = {r.author_id: r for r in Reflection.objects.filter(workshop=workshop)}
    return [
        {"member": member, "reflection": reflections.get(member.user_id)}
        for member in workshop.team.select_related("user").order_by("role", "user__name")
    ]


# --- documentation debt -------------------------------------------------------------------------------------------


@dataclass
class Debt:
    workshop: Workshop
    missing: list  # users (lead/co) without a submitted reflection
    drafts: int
    days_since_end: int


def documentation_debts(*, now: datetime | None = None, districts: QuerySet | None = None) -> list[Debt]:
    """Held workshops whose documentation is incomplete: a lead/co without a submitted reflection, or no
    submitted reflection at all. Oldest first; three queries."""
    now = now or timezone.now()
    workshops = (
        Workshop.objects.filter(status=Workshop.Status.HELD, ends_at__lt=now)
        .select_related("district")
        .prefetch_related(
            Prefetch(
                "team",
                queryset=WorkshopTeamMember.objects.filter(role__in=REQUIRED_REFLECTION_ROLES).select_related("user"),
                to_attr="required_team",
            ),
            Prefetch("reflections", queryset=Reflection.objects.only("workshop_id", "author_id", "status")),
        )
        .order_by("ends_at")
    )
    if districts is not None:
        workshops = workshops.filter(district__in=districts)
    debts = []
    for workshop in workshops:
        submitted = {r.author_id for r in workshop.reflections.all() if r.is_submitted}
        drafts = sum(1 for r in workshop.reflections.all() if not r.is_submitted)
        missing = [m.user for m in workshop.required_team if m.user_id not in submitted]
        if missing or not submitted:
            days = (now - workshop.ends_at).days
            debts.append(Debt(workshop=workshop, missing=missing, drafts=drafts, days_since_end=days))
    return debts


def debt_reminder_keys(debt: Debt) -> list[str]:
    """Dedupe keys of the reminder mails of a debt (see services.documentation_debt_remind)."""
    return [f"reflections:debt:{debt.workshop.pk}:{person.pk}" for person in debt.missing]


def debt_escalation_key(debt: Debt) -> str:
    return f"reflections:debt-fachteam:{debt.workshop.pk}"


def documentation_debt_mails_sent(*, debts: list[Debt]) -> set[str]:
    """Which reminder and escalation mails of these debts are in the outbox (one query)."""
    from core.models import OutboxMail

    keys = [key for debt in debts for key in [*debt_reminder_keys(debt), debt_escalation_key(debt)]]
    return set(OutboxMail.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True)) if keys else set()


# --- participant feedback -----------------------------------------------------------------------------------------


def feedback_invitation_by_token(*, token: str) -> FeedbackInvitation | None:
    return FeedbackInvitation.objects.select_related("workshop").filter(token_hash=token_hash(token or "")).first()


@dataclass
class FeedbackSummary:
    n: int
    overall: Cell
    felt_heard: Cell
    knows_next_steps: Cell
    would_return: dict[str, int]
    criteria: list[tuple[QualityCriterion, Cell]]

    @property
    def shown(self) -> bool:
        """Results are shown only where at least PUBLIC_MIN_COUNT people answered."""
        return self.n >= min_count()


def feedback_summaries(*, workshop_ids: list[int]) -> dict[int, FeedbackSummary]:
    """Feedback figures per workshop (three queries for any number of workshops)."""
    rows = (
        FeedbackResponse.objects.filter(workshop_id__in=workshop_ids)
        .values("workshop_id")
        .annotate(
            n=Count("pk"),
            overall_sum=Sum("overall"),
            overall_n=Count("overall"),
            heard_sum=Sum("felt_heard"),
            heard_n=Count("felt_heard"),
            next_sum=Sum("knows_next_steps"),
            next_n=Count("knows_next_steps"),
            again_yes=Count("pk", filter=Q(would_return=FeedbackResponse.Again.YES)),
            again_maybe=Count("pk", filter=Q(would_return=FeedbackResponse.Again.MAYBE)),
            again_no=Count("pk", filter=Q(would_return=FeedbackResponse.Again.NO)),
        )
        .order_by()
    )
    criteria_rows = (
        FeedbackCriterionAnswer.objects.filter(response__workshop_id__in=workshop_ids)
        .values("response__workshop_id", "criterion_id")
        .annotate(total=Sum("rating"), n=Count("rating"))
        .order_by()
    )
    criteria = {c.pk: c for c in QualityCriterion.objects.all()}
    per_workshop_criteria: dict[int, list] = defaultdict(list)
    for row in criteria_rows:
        per_workshop_criteria[row["response__workshop_id"]].append(
            (criteria[row["criterion_id"]], Cell(row["total"] or 0, row["n"]))
        )
    summaries = {}
    for row in rows:
        summaries[row["workshop_id"]] = FeedbackSummary(
            n=row["n"],
            overall=Cell(row["overall_sum"] or 0, row["overall_n"]),
            felt_heard=Cell(row["heard_sum"] or 0, row["heard_n"]),
            knows_next_steps=Cell(row["next_sum"] or 0, row["next_n"]),
            would_return={"yes": row["again_yes"], "maybe": row["again_maybe"], "no": row["again_no"]},
            criteria=sorted(per_workshop_criteria[row["workshop_id"]], key=lambda item: (item[0].order, item[0].name)),
        )
    return summaries


def feedback_summary(*, workshop: Workshop) -> FeedbackSummary | None:
    return feedback_summaries(workshop_ids=[workshop.pk]).get(workshop.pk)


# --- public documentation -----------------------------------------------------------------------------------------


def documented_workshops() -> QuerySet:
    """Workshops with a public documentation page: held or documented."""
    return Workshop.objects.filter(status__in=HELD_STATUSES).select_related("district", "format")


@dataclass
class Documentation:
    workshop: Workshop
    summaries: list[Reflection]
    commitments: list[Commitment]
    photos: list[ResultPhoto]
    feedback: FeedbackSummary | None
    reflections_submitted: int
    attendance: int | None = None
    extra: dict = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.summaries or self.commitments or self.photos)


def _public_commitments() -> QuerySet:
    # From submitted reflections, or entered without a reflection (e.g. by the Fachteam in the admin).
    return Commitment.objects.public().filter(
        Q(reflection__isnull=True) | Q(reflection__status=Reflection.Status.SUBMITTED)
    )


def workshop_documentation(*, workshop: Workshop) -> Documentation:
    """What the public documentation page shows (a constant number of queries)."""
    submitted = list(
        Reflection.objects.submitted().filter(workshop=workshop).select_related("author").order_by("submitted_at")
    )
    # The lead writes the joint public summary; any other public summary follows it.
    summaries = sorted(
        (r for r in submitted if r.public_summary.strip()),
        key=lambda r: (r.author_role != WorkshopTeamMember.Role.LEAD, r.submitted_at),
    )
    lead_counts = [r.attendance_count for r in submitted if r.author_role == WorkshopTeamMember.Role.LEAD]
    counts = [c for c in lead_counts if c is not None] or [r.attendance_count for r in submitted if r.attendance_count]
    return Documentation(
        workshop=workshop,
        summaries=summaries,
        commitments=list(_public_commitments().filter(workshop=workshop).order_by("due_date", "order", "pk")),
        photos=list(ResultPhoto.objects.filter(workshop=workshop, is_public=True)),
        feedback=feedback_summary(workshop=workshop),
        reflections_submitted=len(submitted),
        attendance=counts[0] if counts else None,
    )


# --- dashboard ----------------------------------------------------------------------------------------------------


@dataclass
class ReachRow:
    period: date
    registrations: int = 0
    registered_people: int = 0
    attended_registrations: int = 0
    attended_people: int = 0
    first_time: int = 0
    returning: int = 0

    @property
    def label(self) -> str:
        return period_label(self.period)

    @property
    def no_show_rate(self) -> float | None:
        if not self.registrations:
            return None
        return 1 - self.attended_registrations / self.registrations


@dataclass
class EigenregieRow:
    period: date
    total: int = 0
    eigenregie: int = 0

    @property
    def label(self) -> str:
        return period_label(self.period)

    @property
    def share(self) -> float | None:
        return self.eigenregie / self.total if self.total else None


@dataclass
class QuarterReach:
    quarter: Quarter
    people: int

    @property
    def per_10000(self) -> float | None:
        if not self.quarter.population:
            return None
        return self.people * 10000 / self.quarter.population


@dataclass
class Dashboard:
    start: date | None
    end: date | None
    districts: list[District]  # the districts in scope
    criteria: list[QualityCriterion]
    periods: list[date]
    over_time: dict[int, dict[date, Cell]]  # criterion -> period -> cell
    per_district: dict[int, dict[int, Cell]]  # criterion -> district -> cell
    facilitators: dict[int, Cell]  # criterion -> all ratings in scope
    participants: dict[int, Cell]  # criterion -> all participant answers in scope
    reach: list[ReachRow]
    quarters: list[QuarterReach]
    eigenregie: list[EigenregieRow]
    workshop_count: int

    @property
    def period_labels(self) -> list[str]:
        return [period_label(p) for p in self.periods]

    @property
    def compared_criteria(self) -> list[QualityCriterion]:
        return [c for c in self.criteria if c.pk in self.participants]

    @property
    def reach_total(self) -> ReachRow:
        total = ReachRow(period=date.min)
        for row in self.reach:
            for name in (
                "registrations",
                "registered_people",
                "attended_registrations",
                "attended_people",
                "first_time",
                "returning",
            ):
                setattr(total, name, getattr(total, name) + getattr(row, name))
        return total

    @property
    def quarters_reached(self) -> int:
        return sum(1 for q in self.quarters if q.people)


def dashboard_scope(*, districts: QuerySet | list | None, start: date | None, end: date | None) -> QuerySet:
    """Held / documented workshops in the districts (None = all) starting within [start, end]."""
    workshops = Workshop.objects.filter(status__in=HELD_STATUSES)
    if districts is not None:
        workshops = workshops.filter(district__in=districts)
    if start:
        workshops = workshops.filter(starts_at__gte=_local_midnight(start))
    if end:
        workshops = workshops.filter(starts_at__lt=_local_midnight(end + timedelta(days=1)))
    return workshops


def _period(field_name: str) -> TruncQuarter:
    return TruncQuarter(field_name, tzinfo=timezone.get_current_timezone())


def dashboard_data(
    *, districts: QuerySet | list | None, start: date | None = None, end: date | None = None
) -> Dashboard:
    """All figures of the insight dashboard for the scope, aggregated in the database (ten queries,
    whatever the number of workshops, reflections or answers)."""
    if districts is not None and not isinstance(districts, QuerySet):
        districts = [getattr(d, "pk", d) for d in districts]
    scope = dashboard_scope(districts=districts, start=start, end=end)
    scope_ids = scope.values("pk")
    district_list = list(District.objects.filter(pk__in=districts) if districts is not None else District.objects.all())
    submitted_ratings = CriterionRating.objects.filter(
        reflection__status=Reflection.Status.SUBMITTED, reflection__workshop__in=scope_ids, rating__isnull=False
    )

    over_time: dict[int, dict[date, Cell]] = defaultdict(dict)
    facilitators: dict[int, Cell] = defaultdict(Cell)
    periods: set[date] = set()
    for row in (
        submitted_ratings.annotate(period=_period("reflection__workshop__starts_at"))
        .values("criterion_id", "period")
        .annotate(total=Sum("rating"), n=Count("rating"))
        .order_by()
    ):
        period = _as_date(row["period"])
        cell = Cell(row["total"], row["n"])
        over_time[row["criterion_id"]][period] = cell
        facilitators[row["criterion_id"]] = facilitators[row["criterion_id"]] + cell
        periods.add(period)

    per_district: dict[int, dict[int, Cell]] = defaultdict(dict)
    for row in (
        submitted_ratings.values("criterion_id", "reflection__workshop__district_id")
        .annotate(total=Sum("rating"), n=Count("rating"))
        .order_by()
    ):
        per_district[row["criterion_id"]][row["reflection__workshop__district_id"]] = Cell(row["total"], row["n"])

    participants: dict[int, Cell] = {}
    for row in (
        FeedbackCriterionAnswer.objects.filter(response__workshop__in=scope_ids)
        .values("criterion_id")
        .annotate(total=Sum("rating"), n=Count("rating"))
        .order_by()
    ):
        participants[row["criterion_id"]] = Cell(row["total"], row["n"])

    used = set(over_time) | set(participants)
    criteria = [c for c in QualityCriterion.objects.order_by("order", "name") if c.is_active or c.pk in used]

    reach: dict[date, ReachRow] = {}
    for row in (
        Registration.objects.filter(workshop__in=scope_ids, status=Registration.Status.CONFIRMED)
        .annotate(period=_period("workshop__starts_at"))
        .values("period")
        .annotate(
            registrations=Count("pk"),
            people=Sum("seats"),
            attended=Count("pk", filter=Q(checked_in_at__isnull=False)),
            attended_people=Sum("seats", filter=Q(checked_in_at__isnull=False)),
        )
        .order_by()
    ):
        period = _as_date(row["period"])
        reach[period] = ReachRow(
            period=period,
            registrations=row["registrations"],
            registered_people=row["people"] or 0,
            attended_registrations=row["attended"],
            attended_people=row["attended_people"] or 0,
        )
    earlier = ParticipationRecord.objects.filter(
        person_hash=OuterRef("person_hash"), attended=True, workshop__starts_at__lt=OuterRef("workshop__starts_at")
    )
    for row in (
        ParticipationRecord.objects.filter(workshop__in=scope_ids, attended=True)
        .annotate(period=_period("workshop__starts_at"), returning=Exists(earlier))
        .values("period")
        .annotate(first=Count("pk", filter=Q(returning=False)), again=Count("pk", filter=Q(returning=True)))
        .order_by()
    ):
        period = _as_date(row["period"])
        target = reach.setdefault(period, ReachRow(period=period))
        target.first_time, target.returning = row["first"], row["again"]

    people_by_quarter = dict(
        Registration.objects.filter(
            workshop__in=scope_ids,
            status=Registration.Status.CONFIRMED,
            checked_in_at__isnull=False,
            quarter__isnull=False,
        )
        .values("quarter_id")
        .annotate(people=Sum("seats"))
        .order_by()
        .values_list("quarter_id", "people")
    )
    quarters = [
        QuarterReach(quarter=q, people=people_by_quarter.get(q.pk, 0))
        for q in Quarter.objects.filter(district__in=[d.pk for d in district_list]).select_related("district")
    ]

    eigenregie: dict[date, EigenregieRow] = {}
    workshop_count = 0
    for row in (
        scope.annotate(period=_period("starts_at"))
        .values("period")
        .annotate(total=Count("pk"), eigen=Count("pk", filter=Q(run_by=Workshop.RunBy.EIGENREGIE)))
        .order_by()
    ):
        period = _as_date(row["period"])
        eigenregie[period] = EigenregieRow(period=period, total=row["total"], eigenregie=row["eigen"])
        workshop_count += row["total"]
        periods.add(period)

    periods |= set(reach)
    period_list = _continuous_quarters(periods)
    return Dashboard(
        start=start,
        end=end,
        districts=district_list,
        criteria=criteria,
        periods=period_list,
        over_time=dict(over_time),
        per_district=dict(per_district),
        facilitators=dict(facilitators),
        participants=participants,
        reach=[reach.get(p, ReachRow(period=p)) for p in period_list],
        quarters=quarters,
        eigenregie=[eigenregie.get(p, EigenregieRow(period=p)) for p in period_list],
        workshop_count=workshop_count,
    )


def _continuous_quarters(periods: set[date]) -> list[date]:
    if not periods:
        return []
    current, last = _quarter_start(min(periods)), _quarter_start(max(periods))
    result = []
    while current <= last and len(result) < 200:
        result.append(current)
        current = _next_quarter(current)
    return result


# --- public aggregates (API) ------------------------------------------------------------------------------------------


def criterion_figures(*, districts: QuerySet | list | None = None, start: date | None = None, end: date | None = None):
    """Public per-criterion figures for the scope: facilitators' and participants' averages and counts;
    averages (and counts) below PUBLIC_MIN_COUNT are suppressed. The queries of dashboard_data."""
    data = dashboard_data(districts=districts, start=start, end=end)
    threshold = min_count()

    def public(cell: Cell | None) -> dict:
        cell = cell or Cell()
        shown = cell.n >= threshold
        return {
            "n": cell.n if shown else None,
            "average": round(cell.average, 2) if shown and cell.average is not None else None,
            "suppressed": 0 < cell.n < threshold,
        }

    return [
        {
            "criterion": criterion,
            "facilitators": public(data.facilitators.get(criterion.pk)),
            "participants": public(data.participants.get(criterion.pk)),
            "periods": [
                {"period": period_label(p), **public(data.over_time.get(criterion.pk, {}).get(p))} for p in data.periods
            ],
        }
        for criterion in data.criteria
    ]
