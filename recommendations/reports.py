"""The four PDF reports: their parameters, their data (aggregated in the database, a constant number of
queries however many rows) and their rendering with WeasyPrint (core.pdf.render_pdf).

    report_render(kind=..., parameters=...) -> ReportResult(pdf, filename, title, timings)

`timings` separates the time spent on data and charts from the layout by WeasyPrint (the benchmark and the
job row record both). Reports contain aggregates, public summaries, insights and public commitments — never
internal notes, free-text reflections, support needs or attendees' names."""

from __future__ import annotations

import base64
import csv
import io
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, Prefetch, Q, QuerySet, Sum, prefetch_related_objects
from django.db.models.functions import ExtractQuarter
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import charts
from core.exceptions import ApplicationError
from core.pdf import PdfAttachment
from districts.models import District
from planning import selectors as planning_selectors
from planning.models import DistrictStage
from reflections import charts as reflection_charts
from reflections import selectors as reflection_selectors
from reflections.models import (
    HELD_STATUSES,
    Commitment,
    FeedbackResponse,
    Insight,
    MethodUse,
    QualityCriterion,
    Reflection,
)
from workshops.exports import spreadsheet_safe
from workshops.models import AgendaItem, Registration, Workshop, WorkshopTeamMember, arrived_people

from .models import FieldOfAction, Recommendation, ReportJob

Kind = ReportJob.Kind
# Counts below settings.PUBLIC_MIN_COUNT are never shown (small groups could be identified); DESIGN §5 privacy.
HELD = HELD_STATUSES


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
            today = timezone.localdate()
            year = _year(parameters.get("year") or today.year)
            # The current year ends today: planned workshops are no results yet.
            start, end = date(year, 1, 1), min(date(year, 12, 31), max(today, date(year, 1, 1)))
        if end < start:
            raise ReportParameterError(_("Das Ende des Zeitraums liegt vor dem Beginn."))
        return {"district": slug, "start": start.isoformat(), "end": end.isoformat()}
    if kind == Kind.RECOMMENDATIONS:
        slug = parameters.get("field")
        if not slug:
            return {}
        if not FieldOfAction.objects.filter(slug=slug).exists():
            raise ReportParameterError(_("Bitte wählen Sie ein vorhandenes Handlungsfeld."))
        return {"field": slug}
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
        if parameters.get("field"):
            field_of_action = FieldOfAction.objects.filter(slug=parameters["field"]).only("name").first()
            return _("Handlungsempfehlungen: %(field)s") % {"field": field_of_action.name if field_of_action else "?"}
        return _("Handlungsempfehlungen der Bezirkswerkstätten")
    return _("Jahresauswertung %(year)s") % {"year": parameters["year"]}


# --- formatting -------------------------------------------------------------------------------------------


NBSP = "\u00a0"


def _nobreak(text: str) -> str:
    """Dates and figures never break inside ("1. Januar 2026", "Jan 26"): non-breaking spaces."""
    return str(text).replace(" ", NBSP)


def _fmt_date(value: date) -> str:
    return _nobreak(date_format(value, "j. F Y"))


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


def _fmt_share(value: float | None) -> str:
    return (_fmt_num(value) + NBSP + "%") if value is not None else "–"


def _suppressed(value: int | None) -> str:
    """A count for the report: small counts (below PUBLIC_MIN_COUNT) could identify people."""
    if value is None:
        return "–"
    threshold = reflection_selectors.min_count()
    return _fmt_num(value) if value >= threshold else _nobreak(_("weniger als %(n)s") % {"n": threshold})


# Plain terms for readers outside the team, instead of the platform's internal status names.
PLAIN_STATUS: dict[str, Any] = {
    Workshop.Status.DRAFT: gettext_lazy("in Vorbereitung"),
    Workshop.Status.PUBLISHED: gettext_lazy("geplant"),
    Workshop.Status.CANCELLED: gettext_lazy("abgesagt"),
    Workshop.Status.HELD: gettext_lazy("stattgefunden"),
    Workshop.Status.DOCUMENTED: gettext_lazy("dokumentiert"),
}
PLAIN_RUN_BY: dict[str, Any] = {
    Workshop.RunBy.PROTOTYPE: gettext_lazy("Prozessteam"),
    Workshop.RunBy.TANDEM: gettext_lazy("Bezirk und Prozessteam"),
    Workshop.RunBy.EIGENREGIE: gettext_lazy("städtische Mitarbeitende"),
}


def plain_status(workshop: Workshop) -> str:
    return str(PLAIN_STATUS.get(workshop.status, workshop.get_status_display()))


def plain_run_by(workshop: Workshop) -> str:
    return str(PLAIN_RUN_BY.get(workshop.run_by, workshop.get_run_by_display()))


def unique_insights(insights) -> list:
    """Insights without repetitions: the same text (ignoring case and spacing) once per workshop."""
    seen: set[tuple[int, str]] = set()
    result = []
    for insight in insights:
        key = (insight.reflection.workshop_id, " ".join(insight.text.split()).casefold())
        if key not in seen:
            seen.add(key)
            result.append(insight)
    return result


# --- long lists (ADR 0020: reports stay readable at any size) -----------------------------------------------


def list_limit() -> int:
    """The most rows one list section of a PDF prints (settings.REPORT_LIST_LIMIT)."""
    return max(1, int(settings.REPORT_LIST_LIMIT))


def csv_attachment(*, name: str, description: str, header: list[str], rows) -> PdfAttachment:
    """A complete list as CSV embedded in the PDF: semicolons, UTF-8 with BOM (opens in a German Excel), cells
    that cannot start a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_safe(str(value)) for value in row])
    return PdfAttachment(name=name, data=("\ufeff" + buffer.getvalue()).encode("utf-8"), description=description)


def _public_counts(values: list[int]) -> list[str]:
    """A column of people counts for publication: 0 or at least PUBLIC_MIN_COUNT, else withheld. When exactly one
    count is withheld, the total shown elsewhere would give it away by subtraction, so the smallest other
    non-zero count is withheld too (complementary suppression, as reflections.selectors.FeedbackSummary)."""
    threshold = reflection_selectors.min_count()
    withheld = {i for i, v in enumerate(values) if 0 < v < threshold}
    if len(withheld) == 1:
        others = [i for i, v in enumerate(values) if v and i not in withheld]
        if others:
            withheld.add(min(others, key=lambda i: values[i]))
    less = _nobreak(_("weniger als %(n)s") % {"n": threshold})
    return [less if i in withheld else _fmt_num(v) for i, v in enumerate(values)]


# --- shared figures (one query each, whatever the number of rows) ----------------------------------------


def _registration_figures(workshop_filter: Q, *, group_by: str | None = None) -> dict:
    """Confirmed registrations, registered people (seats), people checked in, waitlist: one query."""
    confirmed = Q(status=Registration.Status.CONFIRMED)
    aggregates = {
        "registrations": Count("pk", filter=confirmed),
        "people": Sum("seats", filter=confirmed, default=0),
        "checked_in": Sum(arrived_people(), filter=Q(checked_in_at__isnull=False), default=0),
        "waitlisted": Count("pk", filter=Q(status=Registration.Status.WAITLISTED)),
    }
    queryset = Registration.objects.filter(workshop_filter)
    if group_by:
        return {row[group_by]: row for row in queryset.values(group_by).order_by().annotate(**aggregates)}
    return queryset.aggregate(**aggregates)


def _feedback_figures(feedback_filter: Q) -> dict:
    """Response count and per-question averages; a question answered by fewer than PUBLIC_MIN_COUNT people has
    no average (None, "–" in the table), even when enough people responded overall."""
    questions = ("overall", "felt_heard", "knows_next_steps")
    figures = FeedbackResponse.objects.filter(feedback_filter).aggregate(
        count=Count("pk"),
        **{f"{question}_avg": Avg(question) for question in questions},
        **{f"{question}_n": Count(question) for question in questions},
    )
    threshold = reflection_selectors.min_count()
    row: dict = {"count": figures["count"], "shown": figures["count"] >= threshold}
    for question in questions:
        row[question] = figures[f"{question}_avg"] if figures[f"{question}_n"] >= threshold else None
    return row


def _criteria() -> list[QualityCriterion]:
    return list(QualityCriterion.objects.order_by("order", "name"))


def _criterion_averages(rating_filter: Q) -> dict[int, tuple[float, int]]:
    """criterion id -> (average rounded to two places, number of ratings) of the submitted ratings."""
    cells = reflection_selectors.criterion_cells(reflection_selectors.submitted_ratings().filter(rating_filter))
    return {pk: (round(cell.average, 2), cell.n) for pk, cell in cells.items() if cell.average is not None}


def _public_recommendations() -> QuerySet[Recommendation]:
    return Recommendation.objects.public().select_related("field")


# --- charts ------------------------------------------------------------------------------------------------

AVERAGE_LABEL = gettext_lazy("Durchschnitt (1–5)")


def _criteria_chart(*, title: str, criteria, averages: dict) -> Chart | None:
    used = [c for c in criteria if c.pk in averages]
    if not used:
        return None
    svg = charts.bar_chart_svg(
        title=title,
        data=[(c.name, averages[c.pk][0]) for c in used],
        y_label=str(AVERAGE_LABEL),
        y_max=5,
        horizontal=True,
    )
    rows = [[c.name, _fmt_num(averages[c.pk][0]), _fmt_num(averages[c.pk][1])] for c in used]
    return Chart(title, svg, [_("Qualitätsmerkmal"), _("Durchschnitt"), _("Bewertungen")], rows)


def _criteria_comparison_chart(*, title: str, criteria, averages: dict, comparison: dict, label: str) -> Chart | None:
    used = [c for c in criteria if c.pk in averages or c.pk in comparison]
    if not used:
        return None
    this_label = _("Bezirk")
    svg = charts.grouped_bar_chart_svg(
        title=title,
        categories=[c.name for c in used],
        series={
            this_label: [averages.get(c.pk, (None, 0))[0] for c in used],
            label: [comparison.get(c.pk, (None, 0))[0] for c in used],
        },
        y_label=str(AVERAGE_LABEL),
        y_max=5,
        width=7.0,
    )
    rows = [
        [c.name, _fmt_num(averages.get(c.pk, (None, 0))[0]), _fmt_num(comparison.get(c.pk, (None, 0))[0])] for c in used
    ]
    return Chart(title, svg, [_("Qualitätsmerkmal"), this_label, label], rows)


def _recommendation_status_chart(queryset: QuerySet[Recommendation]) -> Chart:
    counts = dict(queryset.values_list("status").order_by().annotate(n=Count("pk")))
    statuses = [s for s in Recommendation.Status if s != Recommendation.Status.DRAFT]
    data = [(str(s.label), counts.get(s.value, 0)) for s in statuses]
    # The title names the total the chart adds up to, so the text beside it cannot seem to contradict it.
    title = _("Alle %(n)s veröffentlichten Handlungsempfehlungen nach Status") % {"n": sum(v for _k, v in data)}
    svg = charts.bar_chart_svg(
        title=title,
        data=data,
        y_label=_("Anzahl"),
        horizontal=True,
        y_max=reflection_charts.count_axis_max(v for _k, v in data),
    )
    return Chart(title, svg, [_("Status"), _("Anzahl")], [[k, _fmt_num(v)] for k, v in data])


def _month_chart(*, workshops: QuerySet[Workshop], start: date, end: date, with_year: bool) -> Chart:
    """Held workshops per month of the period, with its table (months as columns)."""
    months = reflection_selectors.held_workshops_per_month(workshops=workshops, start=start, end=end)
    title = _("Durchgeführte Werkstätten je Monat")
    svg = reflection_charts.workshops_per_month_svg(title=title, months=months, with_year=with_year)
    rows = [[_nobreak(reflection_charts.month_label(month, with_year=with_year)), _fmt_num(n)] for month, n in months]
    return Chart(title, svg, [_("Monat"), _("Werkstätten")], rows).transposed()


# --- (a) workshop documentation ---------------------------------------------------------------------------


def _workshop_registrations(workshop: Workshop) -> dict:
    quarters = [
        (row["quarter__name"] or _("ohne Angabe"), row["n"])
        for row in Registration.objects.filter(workshop=workshop, status=Registration.Status.CONFIRMED)
        .values("quarter__name")
        .order_by("quarter__name")
        .annotate(n=Sum("seats"))
    ]
    return {
        "figures": _registration_figures(Q(workshop=workshop)),
        "quarters": [(name, _suppressed(n)) for name, n in quarters],
    }


def _workshop_reflections(workshop: Workshop) -> dict:
    reflections = list(
        Reflection.objects.submitted()
        .filter(workshop=workshop)
        .select_related("author")
        .prefetch_related(Prefetch("insights", queryset=Insight.objects.public().order_by("order", "pk")))
        .order_by("submitted_at")
    )
    method_uses = (
        MethodUse.objects.filter(reflection__workshop=workshop, reflection__status=Reflection.Status.SUBMITTED)
        .values("method__name")
        .order_by("method__name")
        .annotate(avg=Avg("rating"), n=Count("pk"))
    )
    attendance = [r.attendance_count for r in reflections if r.attendance_count is not None]
    return {
        "attendance": max(attendance) if attendance else None,
        "reflection_count": len(reflections),
        "summaries": [r.public_summary for r in reflections if r.public_summary.strip()],
        "insights": unique_insights(insight for r in reflections for insight in r.insights.all()),
        "method_uses": [
            {"name": row["method__name"], "avg": _fmt_num(float(row["avg"]) if row["avg"] else None), "n": row["n"]}
            for row in method_uses
        ],
    }


def workshop_context(*, parameters: dict, progress: Callable[[int], None]) -> dict:
    workshop = (
        Workshop.objects.select_related("district", "format")
        .prefetch_related("quarters")
        .get(slug=parameters["workshop"])
    )
    team = list(WorkshopTeamMember.objects.filter(workshop=workshop).select_related("user").order_by("role", "pk"))
    agenda = list(AgendaItem.objects.filter(workshop=workshop).select_related("method").order_by("order", "start_time"))
    registrations = _workshop_registrations(workshop)
    progress(15)
    reflections = _workshop_reflections(workshop)
    commitments = list(Commitment.objects.public().filter(workshop=workshop).order_by("order", "pk"))
    recommendations = list(_public_recommendations().filter(workshops=workshop).order_by("field__order", "title"))
    progress(30)
    criteria_chart = _criteria_chart(
        title=_("Qualitätsmerkmale: Selbsteinschätzung des Teams"),
        criteria=_criteria(),
        averages=_criterion_averages(Q(reflection__workshop=workshop)),
    )
    progress(45)
    return {
        "workshop": workshop,
        "status": plain_status(workshop),
        "run_by": plain_run_by(workshop),
        "team": team,
        "team_roles": Counter(m.get_role_display() for m in team),
        "agenda": agenda,
        **registrations,
        **reflections,
        "criteria_chart": criteria_chart,
        "commitments": commitments,
        "feedback": _feedback_figures(Q(workshop=workshop)),
        "recommendations": recommendations,
        "subtitle": f"{workshop.district.name} · {_fmt_date(timezone.localtime(workshop.starts_at).date())}",
    }


# --- team diversity (issue 12: "multiprofessionelle Projektteams", "interdisziplinäres Arbeiten") ----------


def _team_diversity(held: QuerySet[Workshop], workshops: Sequence[Workshop] = ()) -> dict[str, Any]:
    """Organisation kinds and units of the team members of held workshops: per quarter (the dashboard's
    selector) and, for the workshops given, per workshop."""
    compositions = reflection_selectors.team_compositions(workshops=held)
    by_workshop = {c.workshop_id: c for c in compositions}
    return {
        "diversity_quarters": reflection_selectors.team_diversity(workshops=held),
        "diversity_workshops": [
            {"workshop": w, "kinds": by_workshop[w.pk].kind_labels, "units": len(by_workshop[w.pk].units)}
            for w in workshops
            if w.pk in by_workshop
        ],
        "diversity_compositions": compositions,
        "multiprofessional_min_kinds": reflection_selectors.MULTIPROFESSIONAL_MIN_KINDS,
    }


def _diversity_per_district(compositions) -> list[Any]:
    by_district: dict[int, list] = defaultdict(list)
    for composition in compositions:
        by_district[composition.district_id].append(composition)
    return [
        reflection_selectors.diversity_summary(by_district[d.pk], period=date.min, label=f"{d.number}. {d.name}")
        for d in District.objects.order_by("number")
        if by_district.get(d.pk)
    ]


# --- (b) district report ----------------------------------------------------------------------------------


def _district_workshops(workshops: list[Workshop]) -> dict:
    """The table of the district's workshops and its totals."""
    ids = [w.pk for w in workshops]
    per_workshop = _registration_figures(Q(workshop_id__in=ids), group_by="workshop_id")
    reflection_counts = dict(
        Reflection.objects.submitted()
        .filter(workshop_id__in=ids)
        .values_list("workshop_id")
        .order_by()
        .annotate(n=Count("pk"))
    )
    held = [w for w in workshops if w.status in HELD]
    held_ids = {w.pk for w in held}
    held_rows = [row for pk, row in per_workshop.items() if pk in held_ids]
    # Key figures count held workshops only (like with like: people registered for the held workshops
    # against people checked in at them); planned ones are named separately.
    totals = {
        "workshops": len([w for w in workshops if w.status != Workshop.Status.CANCELLED]),
        "held": len(held),
        "planned": len([w for w in workshops if w.status in (Workshop.Status.PUBLISHED, Workshop.Status.DRAFT)]),
        "cancelled": len([w for w in workshops if w.status == Workshop.Status.CANCELLED]),
        "eigenregie": len([w for w in held if w.run_by == Workshop.RunBy.EIGENREGIE]),
        "registrations": sum(row["registrations"] for row in held_rows),
        "people": sum(row["people"] or 0 for row in held_rows),
        "checked_in": sum(row["checked_in"] or 0 for row in held_rows),
        "reflections": sum(n for pk, n in reflection_counts.items() if pk in held_ids),
    }
    totals["eigenregie_share"] = _share(totals["eigenregie"], totals["held"])
    rows = [
        {
            "workshop": w,
            "status": plain_status(w),
            "run_by": plain_run_by(w),
            "date": _nobreak(date_format(timezone.localtime(w.starts_at), "d.m.Y")),
            "registrations": per_workshop.get(w.pk, {}).get("people") or 0,
            "checked_in": per_workshop.get(w.pk, {}).get("checked_in") or 0,
            "reflections": reflection_counts.get(w.pk, 0),
        }
        for w in workshops
    ]
    return {"totals": totals, "rows": rows}


def _district_results(district: District, ids: list[int], since: datetime, until: datetime) -> dict:
    """Feedback, insights, commitments and recommendations of the district's workshops in the period."""
    in_period = Q(workshop__starts_at__gte=since, workshop__starts_at__lt=until)
    insights = (
        Insight.objects.public()
        .filter(reflection__workshop_id__in=ids, reflection__status=Reflection.Status.SUBMITTED)
        .select_related("reflection__workshop")
        .order_by("reflection__workshop__starts_at", "order", "pk")
    )
    recommendations = (
        _public_recommendations()
        .filter(Q(districts=district) | Q(workshops__district=district))
        .distinct()
        .order_by("field__order", "title")
    )
    return {
        "feedback": _feedback_figures(in_period & Q(workshop__district=district)),
        "insights": unique_insights(insights),
        "commitments": list(Commitment.objects.public().filter(workshop_id__in=ids).select_related("workshop")),
        "recommendations": list(recommendations),
    }


def _district_criteria_chart(district: District, since: datetime, until: datetime) -> Chart | None:
    in_period = Q(reflection__workshop__starts_at__gte=since, reflection__workshop__starts_at__lt=until)
    return _criteria_comparison_chart(
        title=_("Qualitätsmerkmale: %(district)s im Vergleich zur Stadt") % {"district": district.name},
        criteria=_criteria(),
        averages=_criterion_averages(in_period & Q(reflection__workshop__district=district)),
        comparison=_criterion_averages(in_period),
        label=_("ganze Stadt"),
    )


def _month_summary(rows: list[dict]) -> list[dict]:
    """The workshops table in one row per month: held, planned, cancelled; people registered and checked in and
    reflections of the held workshops (like the key figures, which they add up to), small counts withheld."""
    months: dict[date, dict[str, Any]] = {}
    for row in rows:
        workshop = row["workshop"]
        month = timezone.localtime(workshop.starts_at).date().replace(day=1)
        entry = months.setdefault(
            month, {"held": 0, "planned": 0, "cancelled": 0, "people": 0, "checked_in": 0, "reflections": 0}
        )
        if workshop.status in HELD:
            entry["held"] += 1
            entry["people"] += row["registrations"]
            entry["checked_in"] += row["checked_in"]
            entry["reflections"] += row["reflections"]
        elif workshop.status == Workshop.Status.CANCELLED:
            entry["cancelled"] += 1
        else:
            entry["planned"] += 1
    ordered = sorted(months)
    people = _public_counts([months[m]["people"] for m in ordered])
    checked_in = _public_counts([months[m]["checked_in"] for m in ordered])
    return [
        {
            **months[month],
            "label": _nobreak(date_format(month, "F Y")),
            "people": people[i],
            "checked_in": checked_in[i],
        }
        for i, month in enumerate(ordered)
    ]


def _recommendation_summary(recommendations: list[Recommendation]) -> dict[str, Any]:
    """Recommendations counted per Handlungsfeld and status (public statuses as columns), with the totals."""
    statuses = [s for s in Recommendation.Status if s != Recommendation.Status.DRAFT]
    counts: dict[int, Counter] = defaultdict(Counter)
    fields: dict[int, FieldOfAction] = {}
    for recommendation in recommendations:
        fields[recommendation.field_id] = recommendation.field
        counts[recommendation.field_id][recommendation.status] += 1
    ordered = sorted(fields.values(), key=lambda f: (f.order, f.name))
    return {
        "statuses": [str(s.label) for s in statuses],
        "rows": [
            {
                "field": f.name,
                "counts": [counts[f.pk][s.value] for s in statuses],
                "total": sum(counts[f.pk].values()),
            }
            for f in ordered
        ],
        "totals": [sum(counts[f.pk][s.value] for f in ordered) for s in statuses],
        "total": len(recommendations),
    }


def _latest(items: list, *, key: Callable[[Any], Any], limit: int) -> list:
    """The `limit` most recent items (by `key`), in their original order."""
    keep = {id(item) for item in sorted(items, key=key)[-limit:]}
    return [item for item in items if id(item) in keep]


def _district_lists(context: dict, *, limit: int) -> list[PdfAttachment]:
    """Above the limit each list section prints a summary (or its most recent rows) and names its CSV attachment,
    which holds every row. Changes `context` in place; returns the attachments."""
    attachments = []
    rows = context["rows"]
    if len(rows) > limit:
        context["month_summary"] = _month_summary(rows)
        context["workshops_file"] = "werkstaetten.csv"
        attachments.append(
            csv_attachment(
                name="werkstaetten.csv",
                description=_("Alle Werkstätten des Zeitraums"),
                header=[
                    _("Datum"),
                    _("Werkstatt"),
                    _("Format"),
                    _("Leitung"),
                    _("Stand"),
                    _("Angemeldet"),
                    _("Check-in"),
                    _("Reflexionen"),
                ],
                rows=(
                    [
                        r["date"].replace(NBSP, " "),
                        r["workshop"].title,
                        r["workshop"].format.name,
                        r["run_by"],
                        r["status"],
                        r["registrations"],
                        r["checked_in"],
                        r["reflections"],
                    ]
                    for r in rows
                ),
            )
        )
    insights = context["insights"]
    context["insights_total"] = len(insights)
    if len(insights) > limit:
        context["insights"] = _latest(insights, key=lambda i: i.reflection.workshop.starts_at, limit=limit)
        context["insights_file"] = "erkenntnisse.csv"
        attachments.append(
            csv_attachment(
                name="erkenntnisse.csv",
                description=_("Alle Erkenntnisse aus den Reflexionen des Zeitraums"),
                header=[_("Datum"), _("Werkstatt"), _("Erkenntnis")],
                rows=(
                    [
                        date_format(timezone.localtime(i.reflection.workshop.starts_at), "d.m.Y"),
                        i.reflection.workshop.title,
                        i.text,
                    ]
                    for i in insights
                ),
            )
        )
    commitments = context["commitments"]
    context["commitments_total"] = len(commitments)
    if len(commitments) > limit:
        context["commitments"] = _latest(commitments, key=lambda c: c.workshop.starts_at, limit=limit)
        context["commitments_file"] = "vereinbarungen.csv"
        attachments.append(
            csv_attachment(
                name="vereinbarungen.csv",
                description=_("Alle öffentlichen Vereinbarungen aus den Werkstätten des Zeitraums"),
                header=[_("Was"), _("Wer"), _("Bis"), _("Stand"), _("Werkstatt")],
                rows=(
                    [
                        c.what,
                        c.who,
                        date_format(c.due_date, "d.m.Y") if c.due_date else "",
                        c.get_status_display(),
                        c.workshop.title,
                    ]
                    for c in commitments
                ),
            )
        )
    recommendations = context["recommendations"]
    if len(recommendations) > limit:
        context["recommendation_summary"] = _recommendation_summary(recommendations)
        context["recommendations_file"] = "empfehlungen.csv"
        attachments.append(
            csv_attachment(
                name="empfehlungen.csv",
                description=_("Alle Handlungsempfehlungen für den Stadtbezirk oder aus seinen Werkstätten"),
                header=[_("Empfehlung"), _("Handlungsfeld"), _("Status"), _("Fortschritt"), _("Frist"), _("Adresse")],
                rows=(
                    [
                        r.title,
                        r.field.name,
                        r.get_status_display(),
                        f"{r.progress} %",
                        date_format(r.due_date, "d.m.Y") if r.due_date else "",
                        settings.SITE_URL + r.get_absolute_url(),
                    ]
                    for r in recommendations
                ),
            )
        )
    teams = context["diversity_workshops"]
    context["teams_total"] = len(teams)
    if len(teams) > limit:
        context["diversity_workshops"] = []
        context["teams_file"] = "teams.csv"
        attachments.append(
            csv_attachment(
                name="teams.csv",
                description=_("Zusammensetzung des Teams je Werkstatt"),
                header=[_("Datum"), _("Werkstatt"), _("Arten von Organisationen im Team"), _("Stellen")],
                rows=(
                    [
                        date_format(timezone.localtime(t["workshop"].starts_at), "d.m.Y"),
                        t["workshop"].title,
                        ", ".join(str(kind) for kind in t["kinds"]),
                        t["units"],
                    ]
                    for t in teams
                ),
            )
        )
    return attachments


def district_context(*, parameters: dict, progress: Callable[[int], None]) -> dict:
    district = District.objects.get(slug=parameters["district"])
    start, end = date.fromisoformat(parameters["start"]), date.fromisoformat(parameters["end"])
    since, until = _period(start, end)
    in_district = Workshop.objects.filter(starts_at__gte=since, starts_at__lt=until, district=district)
    workshops = list(in_district.public().select_related("format").order_by("starts_at"))
    table = _district_workshops(workshops)
    progress(10)
    results = _district_results(district, [w.pk for w in workshops], since, until)
    progress(25)
    month_chart = _month_chart(workshops=in_district, start=start, end=end, with_year=True)
    progress(35)
    criteria_chart = _district_criteria_chart(district, since, until)
    progress(50)
    path = planning_selectors.district_paths(district_ids=[district.pk], now=until).get(district.pk, [])
    held = in_district.filter(status__in=HELD)
    diversity = _team_diversity(held, [w for w in workshops if w.status in HELD])
    context = {
        **diversity,
        "district": district,
        "eigenregie_path": path,
        "eigenregie_stage": DistrictStage(path[-1].stage if path else DistrictStage.PROTOTYP).label,
        "start": start,
        "end": end,
        "start_label": _fmt_date(start),
        "end_label": _fmt_date(end),
        **table,
        "month_chart": month_chart,
        "criteria_chart": criteria_chart,
        **results,
        "subtitle": f"{district.name} · {_fmt_date(start)} – {_fmt_date(end)}",
        "list_limit": list_limit(),
    }
    context["attachments"] = _district_lists(context, limit=context["list_limit"])
    return context


# --- (c) recommendations document -------------------------------------------------------------------------


def recommendations_context(*, parameters: dict, progress: Callable[[int], None]) -> dict:
    """Adopted and in-progress recommendations by Handlungsfeld: in full for one field, or for all while there
    are at most REPORT_LIST_LIMIT of them; above it a compact table per field (the full texts are in the
    documents per field)."""
    field_of_action = FieldOfAction.objects.get(slug=parameters["field"]) if parameters.get("field") else None
    statuses = (Recommendation.Status.ADOPTED, Recommendation.Status.IN_PROGRESS)
    queryset = Recommendation.objects.filter(status__in=statuses)
    public = Recommendation.objects.public()
    if field_of_action:
        queryset, public = queryset.filter(field=field_of_action), public.filter(field=field_of_action)
    recommendations = list(
        queryset.select_related("field")
        .annotate(endorsement_count=Count("endorsements", distinct=True))
        .prefetch_related(Prefetch("districts", queryset=District.objects.order_by("number")))
        .order_by("field__order", "status", "title")
    )
    limit = list_limit()
    full = field_of_action is not None or len(recommendations) <= limit
    if full:
        prefetch_related_objects(
            recommendations,
            Prefetch("workshops", queryset=Workshop.objects.select_related("district").order_by("starts_at")),
            Prefetch(
                "insights",
                queryset=Insight.objects.public()
                .filter(reflection__status=Reflection.Status.SUBMITTED)
                .select_related("reflection__workshop")
                .order_by("pk"),
            ),
            "milestones",
        )
    else:
        for recommendation in recommendations:
            recommendation.public_url = settings.SITE_URL + recommendation.get_absolute_url()  # type: ignore[attr-defined]
    progress(20)
    by_field: dict[int, list] = defaultdict(list)
    for recommendation in recommendations:
        by_field[recommendation.field_id].append(recommendation)
    fields = [
        {"field": f, "recommendations": by_field[f.pk], "anchor": f"feld-{f.slug}"}
        for f in FieldOfAction.objects.order_by("order", "name")
        if by_field.get(f.pk)
    ]
    status_chart = _recommendation_status_chart(public)
    progress(40)
    return {
        "field": field_of_action,
        "full": full,
        "toc_entries": len(recommendations) <= limit,
        "list_limit": limit,
        "fields": fields,
        "count": len(recommendations),
        "adopted": sum(r.status == Recommendation.Status.ADOPTED for r in recommendations),
        "in_progress": sum(r.status == Recommendation.Status.IN_PROGRESS for r in recommendations),
        "status_chart": status_chart,
        "public_total": sum(int(str(row[1]).replace(".", "")) for row in status_chart.rows),
        "subtitle": _("Stand: %(date)s") % {"date": _fmt_date(timezone.localdate())},
    }


# --- (d) annual evaluation --------------------------------------------------------------------------------


@dataclass
class AnnualScope:
    year: int
    since: datetime
    until: datetime

    @property
    def workshops(self) -> QuerySet[Workshop]:
        return Workshop.objects.filter(starts_at__gte=self.since, starts_at__lt=self.until)

    @property
    def held(self) -> QuerySet[Workshop]:
        return self.workshops.filter(status__in=HELD)

    @property
    def quarter_labels(self) -> list[str]:
        return [f"Q{q} {self.year}" for q in range(1, 5)]


def _eigenregie_counts() -> dict[str, Count]:
    return {"held": Count("pk"), "eigenregie": Count("pk", filter=Q(run_by=Workshop.RunBy.EIGENREGIE))}


def _annual_districts(scope: AnnualScope) -> list[dict[str, Any]]:
    """Held workshops, Eigenregie and people per district (two queries)."""
    workshop_rows: dict[int, Any] = {
        row["district_id"]: row for row in scope.held.values("district_id").order_by().annotate(**_eigenregie_counts())
    }
    registration_rows = _registration_figures(
        Q(workshop__starts_at__gte=scope.since, workshop__starts_at__lt=scope.until, workshop__status__in=HELD),
        group_by="workshop__district_id",
    )
    stages = planning_selectors.district_stages(now=scope.until)
    per_district = []
    for d in District.objects.order_by("number"):
        w = workshop_rows.get(d.pk, {})
        r = registration_rows.get(d.pk, {})
        per_district.append(
            {
                "district": d,
                "held": w.get("held", 0),
                "eigenregie": w.get("eigenregie", 0),
                "eigenregie_share": _share(w.get("eigenregie", 0), w.get("held", 0)),
                "stage": DistrictStage(stages.get(d.pk, DistrictStage.PROTOTYP)).label,
                "people": r.get("people") or 0,
                "checked_in": r.get("checked_in") or 0,
            }
        )
    return per_district


def _annual_totals(scope: AnnualScope, per_district: list[dict[str, Any]]) -> dict[str, Any]:
    totals: dict[str, Any] = {
        name: sum(row[name] for row in per_district) for name in ("held", "eigenregie", "people", "checked_in")
    }
    totals["districts_reached"] = sum(1 for row in per_district if row["held"])
    totals["cancelled"] = scope.workshops.filter(status=Workshop.Status.CANCELLED).count()
    totals["eigenregie_share"] = _share(totals["eigenregie"], totals["held"])
    totals["reflections"] = (
        Reflection.objects.submitted()
        .filter(workshop__starts_at__gte=scope.since, workshop__starts_at__lt=scope.until)
        .count()
    )
    return totals


def _annual_criteria_chart(scope: AnnualScope) -> Chart | None:
    """The criteria's averages per quarter of the year (by the workshop's date)."""
    ratings = (
        reflection_selectors.submitted_ratings()
        .filter(reflection__workshop__starts_at__gte=scope.since, reflection__workshop__starts_at__lt=scope.until)
        .annotate(q=ExtractQuarter("reflection__workshop__starts_at"))
    )
    trend = {
        pk: {q: round(cell.average, 2) for q, cell in cells.items() if cell.average is not None}
        for pk, cells in reflection_selectors.criterion_cells_by(ratings, by="q").items()
    }
    criteria = _criteria()
    used = [c for c in criteria if trend.get(c.pk)]
    if not used:
        return None
    labels = scope.quarter_labels
    # Short keys (M1 …) keep the legend small; the table names each criterion in full.
    keys = {c.pk: f"M{i}" for i, c in enumerate(criteria, start=1)}
    series: dict[str, Sequence[tuple[str, float | int | None]]] = {
        keys[c.pk]: [(labels[q - 1], trend[c.pk].get(q)) for q in range(1, 5)] for c in used
    }
    title = _("Qualitätsmerkmale im Jahresverlauf")
    svg = charts.line_chart_svg(
        title=title,
        series=series,
        y_label=str(AVERAGE_LABEL),
        y_max=5,
        y_min=1,
        width=7.0,
        height=4.0,
        desc=_("Liniendiagramm der Durchschnittswerte je Qualitätsmerkmal und Quartal; Werte in der Tabelle."),
    )
    rows = [[f"{keys[c.pk]} {c.name}", *[_fmt_num(trend[c.pk].get(q)) for q in range(1, 5)]] for c in used]
    return Chart(title, svg, [_("Qualitätsmerkmal"), *labels], rows)


def _annual_eigenregie_chart(scope: AnnualScope) -> Chart:
    quarters: dict[int, Any] = {
        row["q"]: row
        for row in scope.held.annotate(q=ExtractQuarter("starts_at"))
        .values("q")
        .order_by()
        .annotate(**_eigenregie_counts())
    }
    labels = scope.quarter_labels
    shares = [_share(quarters.get(q, {}).get("eigenregie", 0), quarters.get(q, {}).get("held", 0)) for q in range(1, 5)]
    title = _("Anteil der Werkstätten in Eigenregie")
    svg = charts.line_chart_svg(
        title=title,
        series={_("Eigenregie"): list(zip(labels, shares, strict=True))},
        y_label=_("Anteil in %"),
        y_max=100,
        height=3.0,
    )
    rows = [
        [
            labels[q - 1],
            _fmt_num(quarters.get(q, {}).get("held", 0)),
            _fmt_num(quarters.get(q, {}).get("eigenregie", 0)),
            _fmt_share(shares[q - 1]),
        ]
        for q in range(1, 5)
    ]
    return Chart(title, svg, [_("Quartal"), _("durchgeführt"), _("davon Eigenregie"), _("Anteil")], rows)


def _annual_district_chart(per_district: list[dict[str, Any]]) -> Chart:
    title = _("Durchgeführte Werkstätten je Stadtbezirk")
    svg = charts.bar_chart_svg(
        title=title,
        data=[(row["district"].name, row["held"]) for row in per_district],
        y_label=_("Anzahl"),
        horizontal=True,
        height=4.0,
        y_max=reflection_charts.count_axis_max(row["held"] for row in per_district),
    )
    columns = [
        _("Stadtbezirk"),
        _("durchgeführt"),
        _("davon Eigenregie"),
        _("Anteil Eigenregie"),
        _("Stufe (Ende des Jahres)"),
        _("angemeldete Personen"),
        _("Check-in"),
    ]
    rows = [
        [
            f"{row['district'].number}. {row['district'].name}",
            _fmt_num(row["held"]),
            _fmt_num(row["eigenregie"]),
            _fmt_share(row["eigenregie_share"]),
            str(row["stage"]),
            _fmt_num(row["people"]),
            _fmt_num(row["checked_in"]),
        ]
        for row in per_district
    ]
    return Chart(title, svg, columns, rows)


def annual_context(*, parameters: dict, progress: Callable[[int], None]) -> dict:
    year = parameters["year"]
    since, until = _period(date(year, 1, 1), date(year, 12, 31))
    scope = AnnualScope(year=year, since=since, until=until)
    per_district = _annual_districts(scope)
    progress(10)
    totals = _annual_totals(scope, per_district)
    formats = list(scope.held.values("format__name").annotate(n=Count("pk")).order_by("-n", "format__name"))
    recommendations_public = Recommendation.objects.public()
    progress(25)
    criteria_chart = _annual_criteria_chart(scope)
    progress(35)
    diversity = _team_diversity(scope.held)
    context = {
        **diversity,
        "diversity_districts": _diversity_per_district(diversity["diversity_compositions"]),
        "year": year,
        "totals": totals,
        "per_district": per_district,
        "feedback": _feedback_figures(Q(workshop__starts_at__gte=since, workshop__starts_at__lt=until)),
        "formats": formats,
        "criteria_chart": criteria_chart,
        "eigen_chart": _annual_eigenregie_chart(scope),
        "month_chart": _month_chart(
            workshops=scope.workshops, start=date(year, 1, 1), end=date(year, 12, 31), with_year=False
        ),
        "district_chart": _annual_district_chart(per_district),
        "status_chart": _recommendation_status_chart(recommendations_public),
        # Only published ones: drafts are in no chart and no list of this report.
        "new_recommendations": recommendations_public.filter(created_at__gte=since, created_at__lt=until).count(),
        "recommendation_total": recommendations_public.count(),
        "subtitle": _("Stadtweite Auswertung %(year)s") % {"year": year},
    }
    progress(50)
    return context


# --- rendering --------------------------------------------------------------------------------------------

BUILDERS = {
    Kind.WORKSHOP: ("recommendations/reports/workshop.html", workshop_context),
    Kind.DISTRICT: ("recommendations/reports/district.html", district_context),
    Kind.RECOMMENDATIONS: ("recommendations/reports/recommendations.html", recommendations_context),
    Kind.ANNUAL: ("recommendations/reports/annual.html", annual_context),
}


def report_filename(*, kind: str, parameters: dict) -> str:
    parts = [
        kind,
        parameters.get("workshop")
        or parameters.get("district")
        or parameters.get("field")
        or str(parameters.get("year") or ""),
    ]
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
            "min_count": reflection_selectors.min_count(),
        }
    )
    return template, context


def report_pdf(template: str, context: dict) -> bytes:
    """Lay the PDF out (tagged PDF/UA-1, German) with the context's CSV attachments, if any."""
    from core.pdf import render_pdf

    return render_pdf(template=template, context=context, language="de", attachments=context.get("attachments", ()))


def report_render(*, kind: str, parameters: dict, progress: Callable[[int], None] | None = None) -> ReportResult:
    """Build the data and lay the PDF out."""
    progress = progress or (lambda _p: None)
    started = time.perf_counter()
    template, context = report_data(kind=kind, parameters=parameters, progress=progress)
    data_done = time.perf_counter()
    progress(60)
    pdf = report_pdf(template, context)
    done = time.perf_counter()
    return ReportResult(
        pdf=pdf,
        filename=report_filename(kind=kind, parameters=validate_parameters(kind=kind, parameters=parameters)),
        title=context["title"],
        timings={"data": round(data_done - started, 3), "layout": round(done - data_done, 3)},
    )
