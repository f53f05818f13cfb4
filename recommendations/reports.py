"""The four PDF reports: their parameters, their data (aggregated in the database, a constant number of
queries however many rows) and their rendering with WeasyPrint (core.pdf.render_pdf).

    report_render(kind=..., parameters=...) -> ReportResult(pdf, filename, title, timings)

`timings` separates the time spent on data and charts from the layout by WeasyPrint (the benchmark and the
job row record both). Reports contain aggregates, public summaries, insights and public commitments — never
internal notes, free-text reflections, support needs or attendees' names."""

from __future__ import annotations

import base64
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from typing import Any

from django.db.models import Avg, Count, Prefetch, Q, Sum
from django.db.models.functions import ExtractMonth, ExtractQuarter
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from districts.models import District
from reflections.models import (
    Commitment,
    CriterionRating,
    FeedbackResponse,
    Insight,
    MethodUse,
    QualityCriterion,
    Reflection,
)
from workshops.models import AgendaItem, Registration, Workshop, WorkshopTeamMember

from .models import FieldOfAction, Recommendation, ReportJob

Kind = ReportJob.Kind
# Counts below this are not shown (small groups could be identified); DESIGN §5 privacy.
MIN_COUNT = 5
MONTHS = ["Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"]


class ReportParameterError(ApplicationError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="report_parameters")


@dataclass
class ReportResult:
    pdf: bytes
    filename: str
    title: str
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class Chart:
    """A chart (SVG) with the table of its data; the PDF shows both, the table is the accessible source."""

    title: str
    svg: str
    columns: list[str]
    rows: list[list]
    note: str = ""

    def transposed(self) -> Chart:
        """The same data as one row per series (months as columns): compact for up to 13 categories."""
        if len(self.rows) > 13 or len(self.columns) != 2:
            return self
        columns = [self.columns[0], *[row[0] for row in self.rows]]
        return Chart(self.title, self.svg, columns, [[self.columns[1], *[row[1] for row in self.rows]]], self.note)

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode("utf-8")).decode("ascii")


# --- parameters -------------------------------------------------------------------------------------------


def _parse_date(value, name: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise ReportParameterError(_("Ungültiges Datum für %(name)s.") % {"name": name}) from None


def _year(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise ReportParameterError(_("Bitte geben Sie ein Jahr an.")) from None
    if not 2000 <= year <= 2100:
        raise ReportParameterError(_("Bitte geben Sie ein Jahr zwischen 2000 und 2100 an."))
    return year


def validate_parameters(*, kind: str, parameters: dict) -> dict:
    """Check and normalise the parameters of a report kind; raises ReportParameterError."""
    parameters = dict(parameters or {})
    if kind == Kind.WORKSHOP:
        slug = parameters.get("workshop")
        if not slug or not Workshop.objects.filter(slug=slug).exists():
            raise ReportParameterError(_("Bitte wählen Sie eine vorhandene Werkstatt."))
        return {"workshop": slug}
    if kind == Kind.DISTRICT:
        slug = parameters.get("district")
        if not slug or not District.objects.filter(slug=slug).exists():
            raise ReportParameterError(_("Bitte wählen Sie einen Stadtbezirk."))
        if parameters.get("start") or parameters.get("end"):
            start = _parse_date(parameters.get("start"), _("Beginn"))
            end = _parse_date(parameters.get("end"), _("Ende"))
        else:
            year = _year(parameters.get("year") or timezone.localdate().year)
            start, end = date(year, 1, 1), date(year, 12, 31)
        if end < start:
            raise ReportParameterError(_("Das Ende des Zeitraums liegt vor dem Beginn."))
        return {"district": slug, "start": start.isoformat(), "end": end.isoformat()}
    if kind == Kind.RECOMMENDATIONS:
        return {}
    if kind == Kind.ANNUAL:
        return {"year": _year(parameters.get("year") or timezone.localdate().year)}
    raise ReportParameterError(_("Unbekannte Berichtsart."))


def report_title(*, kind: str, parameters: dict) -> str:
    if kind == Kind.WORKSHOP:
        workshop = Workshop.objects.filter(slug=parameters["workshop"]).only("title").first()
        return _("Werkstattdokumentation: %(title)s") % {"title": workshop.title if workshop else "?"}
    if kind == Kind.DISTRICT:
        district = District.objects.filter(slug=parameters["district"]).only("name").first()
        return _("Bezirksbericht %(district)s, %(start)s – %(end)s") % {
            "district": district.name if district else "?",
            "start": _fmt_date(date.fromisoformat(parameters["start"])),
            "end": _fmt_date(date.fromisoformat(parameters["end"])),
        }
    if kind == Kind.RECOMMENDATIONS:
        return _("Handlungsempfehlungen der Bezirkswerkstätten")
    return _("Jahresauswertung %(year)s") % {"year": parameters["year"]}


# --- helpers ----------------------------------------------------------------------------------------------


def _fmt_date(value: date) -> str:
    return date_format(value, "j. F Y")


def _period(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, dt_time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), dt_time.min, tzinfo=tz),
    )


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _fmt_num(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return f"{value:,}".replace(",", ".")


def _suppressed(value: int | None) -> str:
    if value is None:
        return "–"
    return _fmt_num(value) if value >= MIN_COUNT else _("weniger als %(n)s") % {"n": MIN_COUNT}


def _charts():
    from core import charts

    return charts


def _count_axis_max(values) -> float | None:
    """Small counts would get ticks like 0.25; a fixed axis up to 5 keeps the ticks whole numbers."""
    values = [v for v in values if v is not None]
    return 5 if not values or max(values) < 5 else None


HELD = (Workshop.Status.HELD, Workshop.Status.DOCUMENTED)
VISIBLE = (Workshop.Status.PUBLISHED, Workshop.Status.HELD, Workshop.Status.DOCUMENTED, Workshop.Status.CANCELLED)


def _registration_figures(workshop_filter: Q, *, group_by: str | None = None):
    """Confirmed registrations, registered people (seats), people checked in, waitlist: one query."""
    confirmed = Q(status=Registration.Status.CONFIRMED)
    aggregates = {
        "registrations": Count("pk", filter=confirmed),
        "people": Sum("seats", filter=confirmed, default=0),
        "checked_in": Sum("seats", filter=Q(checked_in_at__isnull=False), default=0),
        "waitlisted": Count("pk", filter=Q(status=Registration.Status.WAITLISTED)),
    }
    queryset = Registration.objects.filter(workshop_filter)
    if group_by:
        return {row[group_by]: row for row in queryset.values(group_by).order_by().annotate(**aggregates)}
    return queryset.aggregate(**aggregates)


def _feedback_figures(feedback_filter: Q) -> dict:
    row = FeedbackResponse.objects.filter(feedback_filter).aggregate(
        count=Count("pk"),
        overall=Avg("overall"),
        felt_heard=Avg("felt_heard"),
        knows_next_steps=Avg("knows_next_steps"),
    )
    row["shown"] = row["count"] >= MIN_COUNT
    return row


def _criteria() -> list[QualityCriterion]:
    return list(QualityCriterion.objects.order_by("order", "name"))


def _criterion_averages(rating_filter: Q) -> dict[int, tuple[float, int]]:
    rows = (
        CriterionRating.objects.filter(
            rating_filter, rating__isnull=False, reflection__status=Reflection.Status.SUBMITTED
        )
        .values("criterion_id")
        .order_by()
        .annotate(avg=Avg("rating"), n=Count("pk"))
    )
    return {row["criterion_id"]: (round(float(row["avg"]), 2), row["n"]) for row in rows}


def _criteria_chart(*, title: str, criteria, averages: dict, comparison: dict | None = None, comparison_label=""):
    charts = _charts()
    used = [c for c in criteria if c.pk in averages or (comparison and c.pk in comparison)]
    if not used:
        return None
    if comparison is not None:
        this_label = _("dieser Zeitraum") if not comparison_label else _("Bezirk")
        svg = charts.grouped_bar_chart_svg(
            title=title,
            categories=[c.name for c in used],
            series={
                this_label: [averages.get(c.pk, (None, 0))[0] for c in used],
                comparison_label: [comparison.get(c.pk, (None, 0))[0] for c in used],
            },
            y_label=_("Durchschnitt (1–5)"),
            y_max=5,
            width=7.0,
        )
        rows = [
            [c.name, _fmt_num(averages.get(c.pk, (None, 0))[0]), _fmt_num(comparison.get(c.pk, (None, 0))[0])]
            for c in used
        ]
        return Chart(title, svg, [_("Qualitätsmerkmal"), this_label, comparison_label], rows)
    svg = charts.bar_chart_svg(
        title=title,
        data=[(c.name, averages[c.pk][0]) for c in used],
        y_label=_("Durchschnitt (1–5)"),
        y_max=5,
        horizontal=True,
    )
    rows = [[c.name, _fmt_num(averages[c.pk][0]), _fmt_num(averages[c.pk][1])] for c in used]
    return Chart(title, svg, [_("Qualitätsmerkmal"), _("Durchschnitt"), _("Bewertungen")], rows)


def _recommendation_status_chart(queryset) -> Chart:
    counts = dict(queryset.values_list("status").order_by().annotate(n=Count("pk")))
    statuses = [s for s in Recommendation.Status if s != Recommendation.Status.DRAFT]
    data = [(str(s.label), counts.get(s.value, 0)) for s in statuses]
    svg = _charts().bar_chart_svg(
        title=_("Handlungsempfehlungen nach Status"),
        data=data,
        y_label=_("Anzahl"),
        horizontal=True,
        y_max=_count_axis_max(v for _k, v in data),
    )
    return Chart(
        _("Handlungsempfehlungen nach Status"), svg, [_("Status"), _("Anzahl")], [[k, _fmt_num(v)] for k, v in data]
    )


def _public_recommendations():
    return Recommendation.objects.public().select_related("field")


# --- (a) workshop documentation ---------------------------------------------------------------------------


def workshop_context(*, parameters: dict, progress: Callable[[int], None]) -> dict:
    workshop = (
        Workshop.objects.select_related("district", "format")
        .prefetch_related("quarters")
        .get(slug=parameters["workshop"])
    )
    team = list(WorkshopTeamMember.objects.filter(workshop=workshop).select_related("user").order_by("role", "pk"))
    agenda = list(AgendaItem.objects.filter(workshop=workshop).select_related("method").order_by("order", "start_time"))
    figures = _registration_figures(Q(workshop=workshop))
    quarters = [
        (row["quarter__name"] or _("ohne Angabe"), row["n"])
        for row in Registration.objects.filter(workshop=workshop, status=Registration.Status.CONFIRMED)
        .values("quarter__name")
        .order_by("quarter__name")
        .annotate(n=Sum("seats"))
    ]
    progress(15)
    reflections = list(
        Reflection.objects.submitted()
        .filter(workshop=workshop)
        .select_related("author")
        .prefetch_related(Prefetch("insights", queryset=Insight.objects.order_by("order", "pk")))
        .order_by("submitted_at")
    )
    criteria = _criteria()
    averages = _criterion_averages(Q(reflection__workshop=workshop))
    method_uses = list(
        MethodUse.objects.filter(reflection__workshop=workshop, reflection__status=Reflection.Status.SUBMITTED)
        .values("method__name")
        .order_by("method__name")
        .annotate(avg=Avg("rating"), n=Count("pk"))
    )
    commitments = list(Commitment.objects.public().filter(workshop=workshop).order_by("order", "pk"))
    feedback = _feedback_figures(Q(workshop=workshop))
    recommendations = list(_public_recommendations().filter(workshops=workshop).order_by("field__order", "title"))
    attendance = [r.attendance_count for r in reflections if r.attendance_count is not None]
    progress(30)
    criteria_chart = _criteria_chart(
        title=_("Qualitätsmerkmale: Selbsteinschätzung des Teams"), criteria=criteria, averages=averages
    )
    progress(45)
    summaries = [r.public_summary for r in reflections if r.public_summary.strip()]
    insights = [insight for r in reflections for insight in r.insights.all()]
    return {
        "workshop": workshop,
        "team": team,
        "team_roles": Counter(m.get_role_display() for m in team),
        "agenda": agenda,
        "figures": figures,
        "attendance": max(attendance) if attendance else None,
        "quarters": [(name, _suppressed(n)) for name, n in quarters],
        "reflection_count": len(reflections),
        "summaries": summaries,
        "insights": insights,
        "criteria_chart": criteria_chart,
        "method_uses": [
            {"name": row["method__name"], "avg": _fmt_num(float(row["avg"]) if row["avg"] else None), "n": row["n"]}
            for row in method_uses
        ],
        "commitments": commitments,
        "feedback": feedback,
        "recommendations": recommendations,
        "subtitle": f"{workshop.district.name} · {_fmt_date(timezone.localtime(workshop.starts_at).date())}",
    }


# --- (b) district report ----------------------------------------------------------------------------------


def district_context(*, parameters: dict, progress: Callable[[int], None]) -> dict:
    district = District.objects.get(slug=parameters["district"])
    start, end = date.fromisoformat(parameters["start"]), date.fromisoformat(parameters["end"])
    since, until = _period(start, end)
    in_period = Q(starts_at__gte=since, starts_at__lt=until)
    workshops = list(
        Workshop.objects.filter(in_period, district=district, status__in=VISIBLE)
        .select_related("format")
        .order_by("starts_at")
    )
    ids = [w.pk for w in workshops]
    per_workshop = _registration_figures(Q(workshop_id__in=ids), group_by="workshop_id")
    reflection_counts = dict(
        Reflection.objects.submitted()
        .filter(workshop_id__in=ids)
        .values_list("workshop_id")
        .order_by()
        .annotate(n=Count("pk"))
    )
    progress(10)
    held = [w for w in workshops if w.status in HELD]
    totals = {
        "workshops": len([w for w in workshops if w.status != Workshop.Status.CANCELLED]),
        "held": len(held),
        "cancelled": len([w for w in workshops if w.status == Workshop.Status.CANCELLED]),
        "eigenregie": len([w for w in held if w.run_by == Workshop.RunBy.EIGENREGIE]),
        "registrations": sum(row["registrations"] for row in per_workshop.values()),
        "people": sum(row["people"] or 0 for row in per_workshop.values()),
        "checked_in": sum(row["checked_in"] or 0 for row in per_workshop.values()),
        "reflections": sum(reflection_counts.values()),
    }
    totals["eigenregie_share"] = _share(totals["eigenregie"], totals["held"])
    rows = []
    for w in workshops:
        figures = per_workshop.get(w.pk, {})
        rows.append(
            {
                "workshop": w,
                "registrations": figures.get("people") or 0,
                "checked_in": figures.get("checked_in") or 0,
                "reflections": reflection_counts.get(w.pk, 0),
            }
        )
    city_filter = Q(reflection__workshop__starts_at__gte=since, reflection__workshop__starts_at__lt=until)
    criteria = _criteria()
    district_avg = _criterion_averages(city_filter & Q(reflection__workshop__district=district))
    city_avg = _criterion_averages(city_filter)
    feedback = _feedback_figures(
        Q(workshop__district=district, workshop__starts_at__gte=since, workshop__starts_at__lt=until)
    )
    insights = list(
        Insight.objects.filter(reflection__workshop_id__in=ids, reflection__status=Reflection.Status.SUBMITTED)
        .select_related("reflection__workshop")
        .order_by("reflection__workshop__starts_at", "order", "pk")
    )
    commitments = list(Commitment.objects.public().filter(workshop_id__in=ids).select_related("workshop"))
    recommendations = list(
        _public_recommendations()
        .filter(Q(districts=district) | Q(workshops__district=district))
        .distinct()
        .order_by("field__order", "title")
    )
    progress(25)
    months: Counter = Counter()
    for w in held:
        local = timezone.localtime(w.starts_at)
        months[(local.year, local.month)] += 1
    month_keys: list[tuple[int, int]] = []
    cursor = date(start.year, start.month, 1)
    while cursor <= end and len(month_keys) < 36:
        month_keys.append((cursor.year, cursor.month))
        cursor = date(cursor.year + (cursor.month // 12), cursor.month % 12 + 1, 1)
    month_data = [(f"{MONTHS[m - 1]} {str(y)[2:]}", months.get((y, m), 0)) for y, m in month_keys]
    month_chart = Chart(
        _("Durchgeführte Werkstätten je Monat"),
        _charts().bar_chart_svg(
            title=_("Durchgeführte Werkstätten je Monat"),
            data=month_data,
            y_label=_("Anzahl"),
            height=3.0,
            y_max=_count_axis_max(n for _label, n in month_data),
        ),
        [_("Monat"), _("Werkstätten")],
        [[label, _fmt_num(n)] for label, n in month_data],
    ).transposed()
    progress(35)
    criteria_chart = _criteria_chart(
        title=_("Qualitätsmerkmale: %(district)s im Vergleich zur Stadt") % {"district": district.name},
        criteria=criteria,
        averages=district_avg,
        comparison=city_avg,
        comparison_label=_("ganze Stadt"),
    )
    progress(50)
    return {
        "district": district,
        "start": start,
        "end": end,
        "totals": totals,
        "rows": rows,
        "month_chart": month_chart,
        "criteria_chart": criteria_chart,
        "feedback": feedback,
        "insights": insights,
        "commitments": commitments,
        "recommendations": recommendations,
        "subtitle": f"{district.name} · {_fmt_date(start)} – {_fmt_date(end)}",
    }


# --- (c) recommendations document -------------------------------------------------------------------------


def recommendations_context(*, parameters: dict, progress: Callable[[int], None]) -> dict:
    statuses = (Recommendation.Status.ADOPTED, Recommendation.Status.IN_PROGRESS)
    recommendations = list(
        Recommendation.objects.filter(status__in=statuses)
        .select_related("field")
        .annotate(endorsement_count=Count("endorsements", distinct=True))
        .prefetch_related(
            Prefetch("districts", queryset=District.objects.order_by("number")),
            Prefetch("workshops", queryset=Workshop.objects.select_related("district").order_by("starts_at")),
            Prefetch(
                "insights",
                queryset=Insight.objects.filter(reflection__status=Reflection.Status.SUBMITTED)
                .select_related("reflection__workshop")
                .order_by("pk"),
            ),
            "milestones",
        )
        .order_by("field__order", "status", "title")
    )
    progress(20)
    by_field: dict[int, list] = defaultdict(list)
    for recommendation in recommendations:
        by_field[recommendation.field_id].append(recommendation)
    fields = [
        {"field": f, "recommendations": by_field[f.pk], "anchor": f"feld-{f.slug}"}
        for f in FieldOfAction.objects.order_by("order", "name")
        if by_field.get(f.pk)
    ]
    status_chart = _recommendation_status_chart(Recommendation.objects.public())
    progress(40)
    return {
        "fields": fields,
        "count": len(recommendations),
        "adopted": sum(r.status == Recommendation.Status.ADOPTED for r in recommendations),
        "in_progress": sum(r.status == Recommendation.Status.IN_PROGRESS for r in recommendations),
        "status_chart": status_chart,
        "subtitle": _("Stand: %(date)s") % {"date": _fmt_date(timezone.localdate())},
    }


# --- (d) annual evaluation --------------------------------------------------------------------------------


def annual_context(*, parameters: dict, progress: Callable[[int], None]) -> dict:
    year = parameters["year"]
    since, until = _period(date(year, 1, 1), date(year, 12, 31))
    in_year = Q(starts_at__gte=since, starts_at__lt=until)
    districts = list(District.objects.order_by("number"))
    workshop_rows: dict[int, dict[str, Any]] = {
        row["district_id"]: dict(row)
        for row in Workshop.objects.filter(in_year, status__in=HELD)
        .values("district_id")
        .order_by()
        .annotate(held=Count("pk"), eigenregie=Count("pk", filter=Q(run_by=Workshop.RunBy.EIGENREGIE)))
    }
    registration_rows = _registration_figures(
        Q(workshop__starts_at__gte=since, workshop__starts_at__lt=until, workshop__status__in=HELD),
        group_by="workshop__district_id",
    )
    cancelled = Workshop.objects.filter(in_year, status=Workshop.Status.CANCELLED).count()
    progress(10)
    per_district = []
    for d in districts:
        w = workshop_rows.get(d.pk, {})
        r = registration_rows.get(d.pk, {})
        per_district.append(
            {
                "district": d,
                "held": w.get("held", 0),
                "eigenregie": w.get("eigenregie", 0),
                "eigenregie_share": _share(w.get("eigenregie", 0), w.get("held", 0)),
                "people": r.get("people") or 0,
                "checked_in": r.get("checked_in") or 0,
            }
        )
    totals = {
        "held": sum(row["held"] for row in per_district),
        "eigenregie": sum(row["eigenregie"] for row in per_district),
        "people": sum(row["people"] for row in per_district),
        "checked_in": sum(row["checked_in"] for row in per_district),
        "districts_reached": sum(1 for row in per_district if row["held"]),
        "cancelled": cancelled,
    }
    totals["eigenregie_share"] = _share(totals["eigenregie"], totals["held"])
    totals["reflections"] = (
        Reflection.objects.submitted().filter(workshop__starts_at__gte=since, workshop__starts_at__lt=until).count()
    )
    feedback = _feedback_figures(Q(workshop__starts_at__gte=since, workshop__starts_at__lt=until))
    formats = list(
        Workshop.objects.filter(in_year, status__in=HELD)
        .values("format__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "format__name")
    )
    # Criteria trend per quarter of the year (by the workshop's date).
    criteria = _criteria()
    trend_rows = (
        CriterionRating.objects.filter(
            rating__isnull=False,
            reflection__status=Reflection.Status.SUBMITTED,
            reflection__workshop__starts_at__gte=since,
            reflection__workshop__starts_at__lt=until,
        )
        .annotate(q=ExtractQuarter("reflection__workshop__starts_at"))
        .values("criterion_id", "q")
        .order_by()
        .annotate(avg=Avg("rating"))
    )
    trend: dict[int, dict[int, float]] = defaultdict(dict)
    for row in trend_rows:
        trend[row["criterion_id"]][row["q"]] = round(float(row["avg"]), 2)
    eigen_rows: dict[int, dict[str, Any]] = {
        row["q"]: dict(row)
        for row in Workshop.objects.filter(in_year, status__in=HELD)
        .annotate(q=ExtractQuarter("starts_at"))
        .values("q")
        .order_by()
        .annotate(held=Count("pk"), eigenregie=Count("pk", filter=Q(run_by=Workshop.RunBy.EIGENREGIE)))
    }
    month_rows = dict(
        Workshop.objects.filter(in_year, status__in=HELD)
        .annotate(m=ExtractMonth("starts_at"))
        .values_list("m")
        .order_by()
        .annotate(n=Count("pk"))
    )
    recommendations_public = Recommendation.objects.public()
    new_recommendations = Recommendation.objects.filter(created_at__gte=since, created_at__lt=until).count()
    progress(25)
    charts = _charts()
    quarter_labels = [f"Q{q} {year}" for q in range(1, 5)]
    used_criteria = [c for c in criteria if trend.get(c.pk)]
    criteria_chart = None
    if used_criteria:
        # Short keys (M1 …) keep the legend small; the table names each criterion in full.
        keys = {c.pk: f"M{i}" for i, c in enumerate(criteria, start=1)}
        series = {keys[c.pk]: [(quarter_labels[q - 1], trend[c.pk].get(q)) for q in range(1, 5)] for c in used_criteria}
        criteria_chart = Chart(
            _("Qualitätsmerkmale im Jahresverlauf"),
            charts.line_chart_svg(
                title=_("Qualitätsmerkmale im Jahresverlauf"),
                series=series,
                y_label=_("Durchschnitt (1–5)"),
                y_max=5,
                y_min=1,
                width=7.0,
                height=4.0,
                desc=_("Liniendiagramm der Durchschnittswerte je Qualitätsmerkmal und Quartal; Werte in der Tabelle."),
            ),
            [_("Qualitätsmerkmal"), *quarter_labels],
            [[f"{keys[c.pk]} {c.name}", *[_fmt_num(trend[c.pk].get(q)) for q in range(1, 5)]] for c in used_criteria],
        )
    progress(35)
    eigen_data: list[tuple[str, float | None]] = []
    for q in range(1, 5):
        quarter_row = eigen_rows.get(q, {})
        eigen_data.append((quarter_labels[q - 1], _share(quarter_row.get("eigenregie", 0), quarter_row.get("held", 0))))
    eigen_chart = Chart(
        _("Anteil der Werkstätten in Eigenregie"),
        charts.line_chart_svg(
            title=_("Anteil der Werkstätten in Eigenregie"),
            series={_("Eigenregie"): eigen_data},
            y_label=_("Anteil in %"),
            y_max=100,
            height=3.0,
        ),
        [_("Quartal"), _("durchgeführt"), _("davon Eigenregie"), _("Anteil")],
        [
            [
                quarter_labels[q - 1],
                _fmt_num(eigen_rows.get(q, {}).get("held", 0)),
                _fmt_num(eigen_rows.get(q, {}).get("eigenregie", 0)),
                (_fmt_num(eigen_data[q - 1][1]) + " %") if eigen_data[q - 1][1] is not None else "–",
            ]
            for q in range(1, 5)
        ],
    )
    month_data = [(MONTHS[m - 1], month_rows.get(m, 0)) for m in range(1, 13)]
    month_chart = Chart(
        _("Durchgeführte Werkstätten je Monat"),
        charts.bar_chart_svg(
            title=_("Durchgeführte Werkstätten je Monat"),
            data=month_data,
            y_label=_("Anzahl"),
            height=3.0,
            y_max=_count_axis_max(n for _label, n in month_data),
        ),
        [_("Monat"), _("Werkstätten")],
        [[label, _fmt_num(n)] for label, n in month_data],
    ).transposed()
    district_chart = Chart(
        _("Durchgeführte Werkstätten je Stadtbezirk"),
        charts.bar_chart_svg(
            title=_("Durchgeführte Werkstätten je Stadtbezirk"),
            data=[(row["district"].name, row["held"]) for row in per_district],
            y_label=_("Anzahl"),
            horizontal=True,
            height=4.0,
            y_max=_count_axis_max(row["held"] for row in per_district),
        ),
        [
            _("Stadtbezirk"),
            _("durchgeführt"),
            _("davon Eigenregie"),
            _("Anteil Eigenregie"),
            _("angemeldete Personen"),
            _("Check-in"),
        ],
        [
            [
                f"{row['district'].number}. {row['district'].name}",
                _fmt_num(row["held"]),
                _fmt_num(row["eigenregie"]),
                (_fmt_num(row["eigenregie_share"]) + " %") if row["eigenregie_share"] is not None else "–",
                _fmt_num(row["people"]),
                _fmt_num(row["checked_in"]),
            ]
            for row in per_district
        ],
    )
    status_chart = _recommendation_status_chart(recommendations_public)
    progress(50)
    return {
        "year": year,
        "totals": totals,
        "per_district": per_district,
        "feedback": feedback,
        "formats": formats,
        "criteria_chart": criteria_chart,
        "eigen_chart": eigen_chart,
        "month_chart": month_chart,
        "district_chart": district_chart,
        "status_chart": status_chart,
        "new_recommendations": new_recommendations,
        "recommendation_total": recommendations_public.count(),
        "subtitle": _("Stadtweite Auswertung %(year)s") % {"year": year},
    }


# --- rendering --------------------------------------------------------------------------------------------

BUILDERS = {
    Kind.WORKSHOP: ("recommendations/reports/workshop.html", workshop_context),
    Kind.DISTRICT: ("recommendations/reports/district.html", district_context),
    Kind.RECOMMENDATIONS: ("recommendations/reports/recommendations.html", recommendations_context),
    Kind.ANNUAL: ("recommendations/reports/annual.html", annual_context),
}


def report_filename(*, kind: str, parameters: dict) -> str:
    parts = [kind, parameters.get("workshop") or parameters.get("district") or str(parameters.get("year") or "")]
    if kind == Kind.DISTRICT:
        parts.append(parameters["start"][:4] if parameters["start"][:4] == parameters["end"][:4] else "")
    stamp = timezone.localdate().isoformat()
    return slugify("-".join(p for p in parts if p))[:80] + f"-{stamp}.pdf"


def report_data(*, kind: str, parameters: dict, progress: Callable[[int], None] | None = None) -> tuple[str, dict]:
    """The template and context of a report: all queries and charts, no layout."""
    parameters = validate_parameters(kind=kind, parameters=parameters)
    template, builder = BUILDERS[Kind(kind)]
    context = builder(parameters=parameters, progress=progress or (lambda _p: None))
    context.update(
        {
            "kind": kind,
            "title": report_title(kind=kind, parameters=parameters),
            "generated_at": timezone.localtime(),
        }
    )
    return template, context


def report_render(*, kind: str, parameters: dict, progress: Callable[[int], None] | None = None) -> ReportResult:
    """Build the data and lay the PDF out (tagged PDF/UA-1, German)."""
    from core.pdf import render_pdf

    progress = progress or (lambda _p: None)
    started = time.perf_counter()
    template, context = report_data(kind=kind, parameters=parameters, progress=progress)
    data_done = time.perf_counter()
    progress(60)
    pdf = render_pdf(template=template, context=context, language="de")
    done = time.perf_counter()
    return ReportResult(
        pdf=pdf,
        filename=report_filename(kind=kind, parameters=validate_parameters(kind=kind, parameters=parameters)),
        title=context["title"],
        timings={"data": round(data_done - started, 3), "layout": round(done - data_done, 3)},
    )
