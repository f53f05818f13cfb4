"""Reads of the reflections app that depend on who is asking or aggregate many rows.

Every function runs a constant number of queries whatever the data size: aggregation happens in the
database (GROUP BY), lists use select_related / prefetch_related."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncQuarter
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.rules import is_fachteam
from districts.models import District, Quarter
from workshops.models import Registration, Workshop, WorkshopTeamMember, arrived_people

from .models import (
    HELD_STATUSES,
    PERSPECTIVE_ROLES,
    REQUIRED_REFLECTION_ROLES,
    Commitment,
    CriterionRating,
    Debrief,
    DocumentationReview,
    FeedbackCriterionAnswer,
    FeedbackInvitation,
    FeedbackResponse,
    FollowUpReflection,
    ParticipationRecord,
    QualityCriterion,
    Reflection,
    ResultPhoto,
    ReviewComment,
)
from .tokens import token_hash


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


# Days a filter may name: no workshop lies outside, and at the ends of the calendar (0001-01-01 in UTC,
# 9999-12-31 plus a day) the conversion overflows. A filter day outside is clamped, which changes no result.
FIRST_FILTER_DAY = date(1900, 1, 1)
LAST_FILTER_DAY = date(9000, 12, 31)


def _local_midnight(day: date) -> datetime:
    day = min(max(day, FIRST_FILTER_DAY), LAST_FILTER_DAY)
    return timezone.make_aware(datetime.combine(day, time.min))


# --- criterion averages (one computation for dashboard, documentation, API and reports) ---------------------------


def submitted_ratings() -> QuerySet[CriterionRating]:
    """Facilitators' criterion ratings that count: given, and in a submitted reflection. Ratings from the other
    perspectives (Politik, Fachbereich, …) are shown on the debrief page, not mixed into facilitators' figures."""
    return CriterionRating.objects.filter(reflection__status=Reflection.Status.SUBMITTED, rating__isnull=False).exclude(
        reflection__author_role__in=PERSPECTIVE_ROLES
    )


def criterion_cells(answers: QuerySet) -> dict[int, Cell]:
    """Sum and count of the ratings per criterion in `answers` (CriterionRating or FeedbackCriterionAnswer
    rows, already filtered to the scope): one query. The average of a cell is exact however cells combine."""
    rows = answers.values("criterion_id").annotate(total=Sum("rating"), n=Count("rating")).order_by()
    return {row["criterion_id"]: Cell(row["total"] or 0, row["n"]) for row in rows}


def criterion_cells_by(answers: QuerySet, *, by: str) -> dict[int, dict[Any, Cell]]:
    """Like criterion_cells, one level deeper: criterion -> value of `by` (a field or annotation) -> cell."""
    result: dict[int, dict[Any, Cell]] = defaultdict(dict)
    rows = answers.values("criterion_id", by).annotate(total=Sum("rating"), n=Count("rating")).order_by()
    for row in rows:
        result[row["criterion_id"]][row[by]] = Cell(row["total"] or 0, row["n"])
    return dict(result)


# --- workshops per month ------------------------------------------------------------------------------------------


def _next_month(day: date) -> date:
    return date(day.year + (day.month // 12), day.month % 12 + 1, 1)


def held_workshops_per_month(*, workshops: QuerySet, start: date, end: date, limit: int = 36) -> list[tuple[date, int]]:
    """Held workshops of `workshops` per calendar month (local time) from start to end, months without one
    included (at most `limit` months): one query."""
    counts = {
        _as_date(row["month"]): row["n"]
        for row in workshops.filter(status__in=HELD_STATUSES)
        .annotate(month=TruncMonth("starts_at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    }
    months: list[tuple[date, int]] = []
    cursor = date(start.year, start.month, 1)
    while cursor <= end and len(months) < limit:
        months.append((cursor, counts.get(cursor, 0)))
        cursor = _next_month(cursor)
    return months


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
        """Every team role reflects (issue 12): facilitators with the full form, the others from their view."""
        return bool(self.role)


@dataclass
class Workspace:
    upcoming: list[WorkspaceEntry]
    needs_reflection: list[WorkspaceEntry]
    done: list[WorkspaceEntry]


def workspace_for(*, user, now: datetime | None = None, done_limit: int = 10) -> Workspace:
    """The facilitator's own workshops (two queries): upcoming, past ones still needing the user's
    reflection, and recently reflected ones."""
    now = now or timezone.now()
    memberships = list(
        WorkshopTeamMember.objects.filter(user=user)
        .exclude(workshop__status=Workshop.Status.CANCELLED)
        .select_related("workshop", "workshop__district", "workshop__format")
        .order_by("workshop__starts_at")
    )
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
        "checked_in_people": sum(r.arrived_seats for r in confirmed),
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
    reminded: bool = False  # set by the debt list: a reminder mail is in the outbox
    escalated: bool = False  # set by the debt list: the Fachteam was told


def staff_districts(*, user) -> QuerySet[District] | None:
    """Districts whose figures the user may see: None = all (Fachteam), else the assigned districts."""
    if is_fachteam(user):
        return None
    return user.districts.all()


def documentation_debt_workshops(*, now: datetime | None = None, districts: QuerySet | None = None) -> QuerySet:
    """Held workshops whose documentation is incomplete, oldest first, decided in the database (one query
    however many workshops were held): a lead/co without a submitted reflection, or no submitted
    reflection at all."""
    now = now or timezone.now()
    submitted = Reflection.objects.filter(workshop=OuterRef("pk"), status=Reflection.Status.SUBMITTED)
    member_submitted = Reflection.objects.filter(
        workshop=OuterRef("workshop"), author=OuterRef("user"), status=Reflection.Status.SUBMITTED
    )
    member_missing = WorkshopTeamMember.objects.filter(
        workshop=OuterRef("pk"), role__in=REQUIRED_REFLECTION_ROLES
    ).filter(~Exists(member_submitted))
    workshops = Workshop.objects.filter(status=Workshop.Status.HELD, ends_at__lt=now).filter(
        ~Exists(submitted) | Exists(member_missing)
    )
    if districts is not None:
        workshops = workshops.filter(district__in=districts)
    return workshops.order_by("ends_at", "pk")


def documentation_debts(
    *, now: datetime | None = None, districts: QuerySet | None = None, workshops: Any = None
) -> list[Debt]:
    """The debts of `workshops` (a slice of documentation_debt_workshops, e.g. one page) or of every held
    workshop: who is missing, drafts begun, days since the end. Three queries."""
    now = now or timezone.now()
    if workshops is None:
        workshops = documentation_debt_workshops(now=now, districts=districts)
    workshops = workshops.select_related("district").prefetch_related(
        Prefetch(
            "team",
            queryset=WorkshopTeamMember.objects.filter(role__in=REQUIRED_REFLECTION_ROLES).select_related("user"),
            to_attr="required_team",
        ),
        Prefetch("reflections", queryset=Reflection.objects.only("workshop_id", "author_id", "status")),
    )
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
    if not keys:
        return set()
    sent = OutboxMail.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True)
    return {key for key in sent if key}


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

    def public_would_return(self) -> dict[str, int | None]:
        """The would-return counts for publication: 0 or at least PUBLIC_MIN_COUNT, else None. When exactly one
        count is withheld, the total `n` would give it away by subtraction, so the smallest other non-zero
        count is withheld too (complementary suppression)."""
        limit = min_count()
        public: dict[str, int | None] = {
            key: (count if count == 0 or count >= limit else None) for key, count in self.would_return.items()
        }
        if list(public.values()).count(None) == 1:
            others = [key for key, value in public.items() if value]
            if others:
                public[min(others, key=lambda key: self.would_return[key])] = None
        return public


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
    criteria_cells = criterion_cells_by(
        FeedbackCriterionAnswer.objects.filter(response__workshop_id__in=workshop_ids), by="response__workshop_id"
    )
    criteria = {c.pk: c for c in QualityCriterion.objects.all()}
    per_workshop_criteria: dict[int, list] = defaultdict(list)
    for criterion_id, cells in criteria_cells.items():
        for workshop_id, cell in cells.items():
            per_workshop_criteria[workshop_id].append((criteria[criterion_id], cell))
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
class ReviewFigures:
    review: DocumentationReview
    comments: int
    flags: int
    flags_answered: int


def review_figures(*, workshop: Workshop) -> ReviewFigures | None:
    """The attendees' review of a workshop's documentation with its counts (two queries), or None."""
    review = DocumentationReview.objects.filter(workshop=workshop).first()
    if review is None:
        return None
    counts = review.comments.aggregate(
        comments=Count("pk"),
        flags=Count("pk", filter=Q(kind=ReviewComment.Kind.FLAG)),
        answered=Count("pk", filter=Q(kind=ReviewComment.Kind.FLAG, answered_at__isnull=False)),
    )
    return ReviewFigures(review, counts["comments"], counts["flags"], counts["answered"])


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
    review: ReviewFigures | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.summaries or self.commitments or self.photos)

    @property
    def under_review(self) -> bool:
        """Attendees are reviewing the draft: summary and commitments are not public yet."""
        return self.review is not None and not self.review.review.is_published


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
    review = review_figures(workshop=workshop)
    # While attendees review the draft, neither its summary nor its commitments are public yet.
    hidden = review is not None and not review.review.is_published
    return Documentation(
        workshop=workshop,
        summaries=[] if hidden else summaries,
        commitments=[]
        if hidden
        else list(_public_commitments().filter(workshop=workshop).order_by("due_date", "order", "pk")),
        photos=list(ResultPhoto.objects.filter(workshop=workshop, is_public=True)),
        feedback=feedback_summary(workshop=workshop),
        reflections_submitted=len(submitted),
        attendance=counts[0] if counts else None,
        review=review,
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
        workshops = workshops.filter(starts_at__lt=_local_midnight(min(end, LAST_FILTER_DAY) + timedelta(days=1)))
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
    ratings = submitted_ratings().filter(reflection__workshop__in=scope_ids)

    over_time: dict[int, dict[date, Cell]] = defaultdict(dict)
    facilitators: dict[int, Cell] = defaultdict(Cell)
    periods: set[date] = set()
    by_period = criterion_cells_by(ratings.annotate(period=_period("reflection__workshop__starts_at")), by="period")
    for criterion_id, cells in by_period.items():
        for raw_period, cell in cells.items():
            period = _as_date(raw_period)
            over_time[criterion_id][period] = cell
            facilitators[criterion_id] = facilitators[criterion_id] + cell
            periods.add(period)

    per_district = criterion_cells_by(ratings, by="reflection__workshop__district_id")
    participants = criterion_cells(FeedbackCriterionAnswer.objects.filter(response__workshop__in=scope_ids))

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
            attended_people=Sum(arrived_people(), filter=Q(checked_in_at__isnull=False)),
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
    for period, (first, again) in _first_and_returning(scope_ids).items():
        target = reach.setdefault(period, ReachRow(period=period))
        target.first_time, target.returning = first, again

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
        per_district=per_district,
        facilitators=dict(facilitators),
        participants=participants,
        reach=[reach.get(p, ReachRow(period=p)) for p in period_list],
        quarters=quarters,
        eigenregie=[eigenregie.get(p, EigenregieRow(period=p)) for p in period_list],
        workshop_count=workshop_count,
    )


def _first_and_returning(scope_ids: QuerySet) -> dict[date, tuple[int, int]]:
    """Attended participations in the scope per quarter: (first time, returning). Returning = the same person
    attended an earlier workshop (anywhere, also before the scope). One query: each person's first
    attendance is aggregated once (a correlated EXISTS per participation cost seconds at 10× city scale)."""
    from django.db import connection
    from django.utils.dateparse import parse_datetime

    records, workshops = ParticipationRecord._meta.db_table, Workshop._meta.db_table
    scope_sql, scope_params = scope_ids.query.sql_with_params()
    sql = f"""
        WITH firsts AS (
            SELECT p.person_hash AS person_hash, MIN(w.starts_at) AS first_at
            FROM {records} p INNER JOIN {workshops} w ON w.id = p.workshop_id
            WHERE p.attended GROUP BY p.person_hash
        )
        SELECT w.starts_at,
            SUM(CASE WHEN w.starts_at > f.first_at THEN 0 ELSE 1 END),
            SUM(CASE WHEN w.starts_at > f.first_at THEN 1 ELSE 0 END)
        FROM {records} p
            INNER JOIN {workshops} w ON w.id = p.workshop_id
            INNER JOIN firsts f ON f.person_hash = p.person_hash
        WHERE p.attended AND p.workshop_id IN ({scope_sql})
        GROUP BY w.id, w.starts_at
    """  # noqa: S608  # nosec B608 - table names from model meta; the scope is the ORM's SQL with its parameters
    result: dict[date, tuple[int, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, scope_params)
        for starts_at, first, again in cursor.fetchall():
            if isinstance(starts_at, str):  # SQLite
                starts_at = parse_datetime(starts_at)
            if timezone.is_naive(starts_at):
                starts_at = timezone.make_aware(starts_at, UTC)
            period = _quarter_start(timezone.localtime(starts_at).date())
            before = result.get(period, (0, 0))
            result[period] = (before[0] + int(first), before[1] + int(again))
    return result


def _continuous_quarters(periods: set[date]) -> list[date]:
    if not periods:
        return []
    current, last = _quarter_start(min(periods)), _quarter_start(max(periods))
    result: list[date] = []
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


# --- team diversity (issue 12) ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamDiversityRow:
    """Per quarter: held workshops with a team, average number of organisation kinds and of units (distinct
    organisations) per team, and how many teams had at least three kinds (multiprofessional)."""

    period: date
    label: str
    workshops: int
    avg_kinds: float
    avg_units: float
    multiprofessional: int


MULTIPROFESSIONAL_MIN_KINDS = 3


@dataclass(frozen=True)
class TeamComposition:
    """One workshop's team: the organisation kinds (the team role when the kind is not recorded) and the
    units (distinct organisations) of its members."""

    workshop_id: int
    district_id: int
    period: date
    kinds: frozenset[str]
    units: frozenset[str]

    @property
    def kind_labels(self) -> list[str]:
        """The kinds in words, e.g. ["Politik (Bezirksrat, Rat)", "Stadtverwaltung"]."""
        from accounts.models import User

        labels = []
        for kind in sorted(self.kinds):
            if kind.startswith("role:"):
                role = kind.removeprefix("role:")
                labels.append(str(dict(WorkshopTeamMember.Role.choices).get(role, role)))
            else:
                labels.append(str(dict(User.OrganisationKind.choices).get(kind, kind)))
        return sorted(set(labels))


def team_compositions(*, workshops: QuerySet) -> list[TeamComposition]:
    """The composition of each workshop's team (workshops without a team are left out). One query."""
    rows = WorkshopTeamMember.objects.filter(workshop__in=workshops).values_list(
        "workshop_id",
        "workshop__district_id",
        "workshop__starts_at",
        "role",
        "user__organisation_kind",
        "user__organisation",
    )
    teams: dict[int, tuple[int, date, set[str], set[str]]] = {}
    for workshop_id, district_id, starts_at, role, kind, organisation in rows:
        period = _quarter_start(timezone.localtime(starts_at).date())
        entry = teams.setdefault(workshop_id, (district_id, period, set(), set()))
        entry[2].add(kind or f"role:{role}")
        if organisation:
            entry[3].add(organisation.strip().lower())
    return [
        TeamComposition(workshop_id, district_id, period, frozenset(kinds), frozenset(units))
        for workshop_id, (district_id, period, kinds, units) in teams.items()
    ]


def diversity_summary(compositions: list[TeamComposition], *, period: date, label: str) -> TeamDiversityRow:
    """Averages of a group of teams (a quarter, a district, a year)."""
    n = len(compositions)
    return TeamDiversityRow(
        period=period,
        label=label,
        workshops=n,
        avg_kinds=round(sum(len(c.kinds) for c in compositions) / n, 1) if n else 0.0,
        avg_units=round(sum(len(c.units) for c in compositions) / n, 1) if n else 0.0,
        multiprofessional=sum(1 for c in compositions if len(c.kinds) >= MULTIPROFESSIONAL_MIN_KINDS),
    )


def team_diversity(*, workshops: QuerySet) -> list[TeamDiversityRow]:
    """Figures for the criteria "Multiprofessionelle Projektteams" and "Interdisziplinäres Arbeiten" from the
    real team records (organisation kind and organisation of each member; the team role when the kind is not
    recorded), per quarter. One query."""
    by_period: dict[date, list[TeamComposition]] = {}
    for composition in team_compositions(workshops=workshops):
        by_period.setdefault(composition.period, []).append(composition)
    return [
        diversity_summary(by_period[period], period=period, label=period_label(period)) for period in sorted(by_period)
    ]


# --- joint debrief (issue 12) ---------------------------------------------------------------------------------


@dataclass
class DebriefRating:
    author: str
    role_label: str
    rating: int | None
    note: str


@dataclass
class DebriefRow:
    criterion: QualityCriterion
    ratings: list[DebriefRating]
    participants: Cell | None

    @property
    def given(self) -> list[int]:
        return [r.rating for r in self.ratings if r.rating is not None]

    @property
    def team_average(self) -> float | None:
        return sum(self.given) / len(self.given) if self.given else None

    @property
    def spread(self) -> int | None:
        """Highest minus lowest rating of the team: 0 = one opinion, 4 = as far apart as the scale allows."""
        return max(self.given) - min(self.given) if self.given else None

    @property
    def divided(self) -> bool:
        return (self.spread or 0) >= 2


@dataclass
class DebriefData:
    workshop: Workshop
    debrief: Debrief | None
    rows: list[DebriefRow]
    reflections: list[Reflection]
    feedback: FeedbackSummary | None
    take_back: list[Reflection]
    insights: list
    follow_ups: list[FollowUpReflection]
    pending: list[WorkshopTeamMember]

    @property
    def feedback_shown(self) -> bool:
        return self.feedback is not None and self.feedback.shown


def debrief_data(*, workshop: Workshop) -> DebriefData:
    """The joint debrief of a workshop (a constant number of queries): the team's submitted ratings per
    criterion from every perspective, their spread, the participants' survey per criterion (only where the
    n ≥ PUBLIC_MIN_COUNT rule allows), what the perspectives take back, all insights and the follow-ups."""
    reflections = list(
        Reflection.objects.submitted()
        .filter(workshop=workshop)
        .select_related("author")
        .prefetch_related(
            Prefetch("ratings", queryset=CriterionRating.objects.select_related("criterion")),
            "insights",
        )
        .order_by("submitted_at", "pk")
    )
    feedback = feedback_summary(workshop=workshop)
    participant_cells = {c.pk: cell for c, cell in feedback.criteria} if feedback and feedback.shown else {}
    criteria: dict[int, QualityCriterion] = {}
    per_criterion: dict[int, list[DebriefRating]] = defaultdict(list)
    for reflection in reflections:
        author = reflection.author.get_full_name() if reflection.author else str(_("ehemaliges Konto"))
        for rating in reflection.ratings.all():
            criteria[rating.criterion_id] = rating.criterion
            per_criterion[rating.criterion_id].append(
                DebriefRating(author, reflection.author_role_label, rating.rating, rating.note)
            )
    rows = [
        DebriefRow(criterion=c, ratings=per_criterion[c.pk], participants=participant_cells.get(c.pk))
        for c in sorted(criteria.values(), key=lambda c: (c.order, c.name))
    ]
    submitted_authors = {r.author_id for r in reflections}
    pending = [
        m
        for m in workshop.team.select_related("user").order_by("role", "user__name")
        if m.user_id not in submitted_authors
    ]
    return DebriefData(
        workshop=workshop,
        debrief=Debrief.objects.filter(workshop=workshop).select_related("done_by").first(),
        rows=rows,
        reflections=reflections,
        feedback=feedback,
        take_back=[r for r in reflections if r.take_back.strip()],
        insights=[(r, insight) for r in reflections for insight in r.insights.all()],
        follow_ups=list(
            FollowUpReflection.objects.filter(workshop=workshop).select_related("author").order_by("created_at")
        ),
        pending=pending,
    )


def review_page_data(*, workshop: Workshop) -> dict:
    """What an attendee reviews: the lead's draft summary (and any other) and the public commitments."""
    submitted = list(
        Reflection.objects.submitted().filter(workshop=workshop).exclude(public_summary="").order_by("submitted_at")
    )
    summaries = sorted(submitted, key=lambda r: (r.author_role != WorkshopTeamMember.Role.LEAD, r.submitted_at))
    return {
        "summaries": summaries,
        "commitments": list(_public_commitments().filter(workshop=workshop).order_by("due_date", "order", "pk")),
    }
