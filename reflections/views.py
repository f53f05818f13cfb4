"""Pages of the reflections app: the facilitator workspace (/moderation/), the reflection form, the
documentation-debt list, the insight dashboard, the public documentation page and the participant survey."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core import charts
from core.exceptions import ApplicationError
from core.models import AuditLog
from core.services import audit_log
from districts.models import District
from workshops.models import Method, Workshop, WorkshopTeamMember

from . import selectors, services
from .forms import (
    CommitmentFormSet,
    CriterionRatingForm,
    DashboardFilterForm,
    FeedbackForm,
    InsightFormSet,
    MethodUseFormSet,
    ReflectionForm,
    ResultPhotoForm,
)
from .models import QualityCriterion, Reflection, ResultPhoto


def _require(request: HttpRequest, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _admin_url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


# --- workspace -----------------------------------------------------------------------------------------------


@login_required
@never_cache
def workspace(request: HttpRequest) -> HttpResponse:
    """Facilitator workspace: my upcoming workshops and the past ones that still need my reflection."""
    _require(request, "reflections.use_workspace")
    data = selectors.workspace_for(user=request.user)
    return render(
        request,
        "reflections/workspace.html",
        {
            "workspace": data,
            "can_see_dashboard": request.user.has_perm("reflections.view_dashboard"),
            "can_see_debts": request.user.has_perm("reflections.view_documentation_debt"),
        },
    )


def _workshop_for_staff(request: HttpRequest, slug: str, perm: str = "workshops.view_attendees") -> Workshop:
    workshop = get_object_or_404(Workshop.objects.select_related("district", "format"), slug=slug)
    _require(request, perm, workshop)
    return workshop


@login_required
@never_cache
def workshop_workspace(request: HttpRequest, slug: str) -> HttpResponse:
    """One workshop in the workspace: attendees (support needs on request, when allowed and logged), team
    and reflections, links to check-in and the sign-in list, feedback figures."""
    workshop = _workshop_for_staff(request, slug)
    attendees = selectors.workshop_attendees(workshop=workshop)
    may_see_support = request.user.has_perm("workshops.view_support_needs", workshop)
    show_support = may_see_support and request.GET.get("unterstuetzung") == "1"
    if show_support:
        audit_log(
            actor=request.user,
            action=AuditLog.Action.SUPPORT_NEEDS_VIEW,
            obj=workshop,
            details={"registrations_with_needs": attendees["with_support_needs"], "where": "moderation"},
        )
    may_reflect = request.user.has_perm("reflections.add_reflection", workshop)
    own = Reflection.objects.filter(workshop=workshop, author=request.user).first()
    may_export = request.user.is_staff and request.user.has_perm("workshops.export_attendees", workshop)
    feedback = selectors.feedback_summary(workshop=workshop)
    comments = []
    if feedback and request.user.has_perm("reflections.view_feedback_comments", workshop):
        comments = list(workshop.feedback_responses.exclude(comment="").values_list("comment", flat=True))
    return render(
        request,
        "reflections/workshop_workspace.html",
        {
            "workshop": workshop,
            **attendees,
            "may_see_support": may_see_support,
            "show_support": show_support,
            "team": selectors.workshop_team(workshop=workshop),
            "may_reflect": may_reflect and workshop.starts_at <= timezone.now(),
            "may_reflect_later": may_reflect and workshop.starts_at > timezone.now(),
            "own_reflection": own,
            "may_view_reflections": request.user.has_perm("reflections.view_reflections", workshop),
            "may_manage_photos": request.user.has_perm("reflections.manage_photos", workshop),
            "check_in_url": reverse("workshops:check_in", kwargs={"slug": workshop.slug})
            if request.user.has_perm("workshops.check_in", workshop)
            else None,
            "signin_url": _admin_url("admin:workshops_workshop_signin_pdf", workshop.pk) if may_export else None,
            "feedback": feedback,
            "comments": comments,
            "min_count": selectors.min_count(),
            "is_held": workshop.status in services.HELD_STATUSES,
        },
    )


# --- reflection form -------------------------------------------------------------------------------------------


class ReflectionFormBundle:
    """The forms that make up one reflection page, bound to POST data or filled from the database."""

    def __init__(
        self,
        *,
        workshop: Workshop,
        reflection: Reflection | None,
        is_lead: bool,
        data=None,
        extra: dict[str, int] | None = None,
    ):
        self.workshop = workshop
        self.reflection = reflection
        self.is_lead = is_lead
        extra = extra or {}
        if reflection is not None:
            ratings = list(
                reflection.ratings.select_related("criterion").order_by("criterion__order", "criterion__name")
            )
            criteria = [r.criterion for r in ratings]
            rating_initial = {r.criterion_id: {"rating": str(r.rating or ""), "note": r.note} for r in ratings}
            main_initial = {
                name: getattr(reflection, name)
                for name in (
                    "attendance_count",
                    "what_worked",
                    "what_did_not",
                    "surprises",
                    "not_reached",
                    "internal_notes",
                    "public_summary",
                )
            }
            methods_initial = [
                {"id": m.pk, "method": m.method_id, "how_it_worked": m.how_it_worked, "rating": str(m.rating or "")}
                for m in reflection.method_uses.all().order_by("pk")
            ]
            insights_initial = [{"id": i.pk, "text": i.text} for i in reflection.insights.all()]
            commitments_initial = [
                {
                    "id": c.pk,
                    "what": c.what,
                    "who": c.who,
                    "due_date": c.due_date,
                    "status": c.status,
                    "public": c.public,
                }
                for c in reflection.commitments.all()
            ]
        else:
            criteria = list(QualityCriterion.objects.active())
            rating_initial = {}
            main_initial = {"attendance_count": services.checked_in_count(workshop=workshop)}
            method_ids = list(
                dict.fromkeys(workshop.agenda.filter(method__isnull=False).values_list("method_id", flat=True))
            )
            methods_initial = [{"method": pk} for pk in method_ids]
            insights_initial, commitments_initial = [], []
        self.criteria = criteria
        used_method_ids = [m["method"] for m in methods_initial if m.get("method")]
        self.methods = Method.objects.filter(pk__in=used_method_ids) | Method.objects.filter(is_published=True)
        self.methods = self.methods.distinct().order_by("name")
        bound = data is not None
        self.main = ReflectionForm(data, initial=main_initial, is_lead=is_lead, prefix="main")
        self.ratings = [
            CriterionRatingForm(data, criterion=c, prefix=f"criterion-{c.pk}", initial=rating_initial.get(c.pk, {}))
            for c in criteria
        ]
        if not bound:
            methods_initial += [{}] * extra.get("methods", 0)
            insights_initial += [{}] * (extra.get("insights", 0) + (0 if insights_initial else 1))
            commitments_initial += [{"status": "open", "public": True}] * (
                extra.get("commitments", 0) + (0 if commitments_initial else 1)
            )
        self.method_formset = MethodUseFormSet(
            data, initial=methods_initial, prefix="methods", form_kwargs={"methods": self.methods}
        )
        self.insight_formset = InsightFormSet(data, initial=insights_initial, prefix="insights")
        self.commitment_formset = CommitmentFormSet(data, initial=commitments_initial, prefix="commitments")

    @property
    def formsets(self):
        return [self.method_formset, self.insight_formset, self.commitment_formset]

    def is_valid(self) -> bool:
        results = [self.main.is_valid(), *[f.is_valid() for f in self.ratings], *[f.is_valid() for f in self.formsets]]
        return all(results)

    def to_data(self) -> services.ReflectionData:
        main = self.main.cleaned_data
        return services.ReflectionData(
            attendance_count=main.get("attendance_count"),
            what_worked=main.get("what_worked", ""),
            what_did_not=main.get("what_did_not", ""),
            surprises=main.get("surprises", ""),
            not_reached=main.get("not_reached", ""),
            internal_notes=main.get("internal_notes", ""),
            public_summary=main.get("public_summary") if self.is_lead else None,
            ratings=[
                services.RatingData(
                    criterion_id=form.criterion.pk,
                    rating=form.cleaned_data.get("rating"),
                    note=form.cleaned_data.get("note", ""),
                )
                for form in self.ratings
            ],
            method_uses=[
                services.MethodUseData(
                    id=f.cleaned_data.get("id"),
                    method_id=f.cleaned_data["method"].pk if f.cleaned_data.get("method") else 0,
                    how_it_worked=f.cleaned_data.get("how_it_worked", ""),
                    rating=f.cleaned_data.get("rating"),
                )
                for f in self.method_formset.forms
            ],
            insights=[
                services.InsightData(id=f.cleaned_data.get("id"), text=f.cleaned_data.get("text", ""))
                for f in self.insight_formset.forms
            ],
            commitments=[
                services.CommitmentData(
                    id=f.cleaned_data.get("id"),
                    what=f.cleaned_data.get("what", ""),
                    who=f.cleaned_data.get("who", ""),
                    due_date=f.cleaned_data.get("due_date"),
                    status=f.cleaned_data.get("status") or "open",
                    public=bool(f.cleaned_data.get("public")),
                )
                for f in self.commitment_formset.forms
            ],
        )

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(input id, label, message) for every error, in page order."""
        items = []

        def add(form, name):
            for error in form.errors.get(name, []):
                field = form[name]
                items.append((field.auto_id or "", str(field.label), error))

        for name in self.main.fields:
            add(self.main, name)
        for form in self.ratings:
            for error in form.errors.get("rating", []):
                items.append((f"{form.prefix}-rating-legend", form.criterion.name, error))
            add(form, "note")
        for formset in self.formsets:
            for form in formset.forms:
                for name in form.fields:
                    add(form, name)
            for error in formset.non_form_errors():
                items.append(("", "", error))
        return items

    def mark_missing(self, reflection: Reflection) -> None:
        """Show what blocks submitting as field errors on the (unbound) forms."""
        required = _("Bitte ausfüllen, bevor Sie die Reflexion abgeben.")
        if reflection.attendance_count is None:
            _set_error(self.main, "attendance_count", required)
        rated = dict(reflection.ratings.values_list("criterion_id", "rating"))
        for form in self.ratings:
            if rated.get(form.criterion.pk) is None:
                _set_error(form, "rating", _("Bitte wählen Sie eine Bewertung von 1 bis 5."))
        if self.is_lead and not reflection.public_summary.strip():
            _set_error(self.main, "public_summary", required)


def _set_error(form, name: str, message: str) -> None:
    if form._errors is None:
        form._errors = ErrorDict()
    form._errors.setdefault(name, form.error_class()).append(message)


def _blank_row(data, prefix: str, index: int, fields: list[str]) -> None:
    """Empty a formset row in the POST data, so saving drops it ("remove" button without JS)."""
    for name in fields:
        data[f"{prefix}-{index}-{name}"] = ""
    data.pop(f"{prefix}-{index}-public", None)


ROW_FIELDS = {
    "methods": ["method", "how_it_worked", "rating"],
    "insights": ["text"],
    "commitments": ["what", "who", "due_date"],
}


def _reflection_context(workshop: Workshop) -> dict:
    lead = workshop.team.filter(role=WorkshopTeamMember.Role.LEAD).select_related("user").first()
    return {"lead": lead.user if lead else None}


def _reflection_url(workshop: Workshop) -> str:
    return reverse("reflections:reflection_edit", kwargs={"slug": workshop.slug})


def _workshop_for_reflection(request: HttpRequest, slug: str) -> Workshop:
    workshop = get_object_or_404(Workshop.objects.select_related("district", "format"), slug=slug)
    _require(request, "reflections.add_reflection", workshop)
    return workshop


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def reflection_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """The facilitator's own reflection: a draft form (saved by the buttons and in the background) or, once
    submitted, the read-only view with a button to reopen it."""
    workshop = _workshop_for_reflection(request, slug)
    reflection = Reflection.objects.filter(workshop=workshop, author=request.user).first()
    is_lead = request.user.has_perm("reflections.write_public_summary", workshop)
    if reflection is not None and reflection.is_submitted:
        if request.method == "POST":
            messages.error(request, _("Die Reflexion ist bereits abgegeben."))
            return redirect(_reflection_url(workshop))
        return _render_reflection_detail(request, reflection, own=True)

    if reflection is None and (
        workshop.status in (Workshop.Status.DRAFT, Workshop.Status.CANCELLED) or workshop.starts_at > timezone.now()
    ):
        messages.info(request, _("Die Reflexion ist erst nach Beginn einer stattfindenden Werkstatt möglich."))
        return redirect("reflections:workshop", slug=workshop.slug)
    if request.method != "POST":
        extra = {}
        more = request.GET.get("mehr")
        if more in ROW_FIELDS:
            extra[more] = 1
        bundle = ReflectionFormBundle(workshop=workshop, reflection=reflection, is_lead=is_lead, extra=extra)
        if reflection is not None and request.GET.get("pruefen") == "1":
            bundle.mark_missing(reflection)
        return _render_form(request, bundle, workshop=workshop, reflection=reflection)

    action = request.POST.get("action", "save")
    data = request.POST.copy()
    if action.startswith("remove-"):
        _kind, prefix, index = [*action.split("-", 2), "", ""][:3]
        if prefix in ROW_FIELDS and index.isdigit():
            _blank_row(data, prefix, int(index), ROW_FIELDS[prefix])
    bundle = ReflectionFormBundle(workshop=workshop, reflection=reflection, is_lead=is_lead, data=data)
    if not bundle.is_valid():
        messages.error(request, _("Der Entwurf wurde nicht gespeichert. Bitte prüfen Sie die markierten Angaben."))
        return _render_form(request, bundle, workshop=workshop, reflection=reflection, status=400)
    try:
        with transaction.atomic():
            reflection = services.reflection_start(workshop=workshop, author=request.user)
            services.reflection_save_draft(reflection=reflection, data=bundle.to_data(), by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("reflections:workshop", slug=workshop.slug)

    url = _reflection_url(workshop)
    if action.startswith("add-") and action[4:] in ROW_FIELDS:
        kind = action[4:]
        return redirect(f"{url}?mehr={kind}#{kind}-neu")
    if action.startswith("remove-"):
        messages.success(request, _("Der Eintrag wurde entfernt und der Entwurf gespeichert."))
        return redirect(f"{url}#{action.split('-')[1]}")
    if action == "submit":
        try:
            services.reflection_submit(reflection=reflection, by=request.user)
        except services.ReflectionIncomplete as error:
            messages.error(request, error.message)
            return redirect(f"{url}?pruefen=1")
        messages.success(request, _("Vielen Dank! Ihre Reflexion ist abgegeben."))
        return redirect("reflections:workspace")
    messages.success(request, _("Der Entwurf ist gespeichert."))
    return redirect(url)


def _render_form(request, bundle: ReflectionFormBundle, *, workshop, reflection, status: int = 200) -> HttpResponse:
    return render(
        request,
        "reflections/reflection_form.html",
        {
            "workshop": workshop,
            "reflection": reflection,
            "bundle": bundle,
            "errors": bundle.error_summary(),
            "autosave_url": reverse("reflections:reflection_autosave", kwargs={"slug": workshop.slug}),
            "autosave_seconds": settings.REFLECTION_AUTOSAVE_SECONDS,
            **_reflection_context(workshop),
        },
        status=status,
    )


@login_required
@never_cache
@require_POST
def reflection_autosave(request: HttpRequest, slug: str) -> JsonResponse:
    """Background save of the draft (JavaScript); answers with the ids of new rows so the page can keep them."""
    workshop = _workshop_for_reflection(request, slug)
    reflection = Reflection.objects.filter(workshop=workshop, author=request.user).first()
    if reflection is not None and reflection.is_submitted:
        return JsonResponse({"saved": False, "message": _("Die Reflexion ist bereits abgegeben.")}, status=409)
    is_lead = request.user.has_perm("reflections.write_public_summary", workshop)
    bundle = ReflectionFormBundle(workshop=workshop, reflection=reflection, is_lead=is_lead, data=request.POST)
    if not bundle.is_valid():
        return JsonResponse(
            {
                "saved": False,
                "message": _("Automatisches Speichern nicht möglich: Bitte prüfen Sie Ihre Angaben."),
            },
            status=400,
        )
    try:
        with transaction.atomic():
            reflection = services.reflection_start(workshop=workshop, author=request.user)
            saved = services.reflection_save_draft(reflection=reflection, data=bundle.to_data(), by=request.user)
    except ApplicationError as error:
        return JsonResponse({"saved": False, "message": error.message}, status=409)
    ids = {}
    for prefix, row_ids in (
        ("methods", saved.method_uses),
        ("insights", saved.insights),
        ("commitments", saved.commitments),
    ):
        for index, pk in enumerate(row_ids):
            ids[f"{prefix}-{index}-id"] = pk or ""
    at = formats.time_format(timezone.localtime(), "H:i")
    return JsonResponse(
        {"saved": True, "ids": ids, "message": _("Entwurf automatisch gespeichert um %(time)s Uhr.") % {"time": at}}
    )


@login_required
@require_POST
def reflection_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    reflection = get_object_or_404(Reflection.objects.select_related("workshop"), pk=pk)
    _require(request, "reflections.reopen_reflection", reflection)
    services.reflection_reopen(reflection=reflection, by=request.user)
    messages.success(request, _("Die Reflexion ist wieder ein Entwurf und kann bearbeitet werden."))
    if reflection.author_id == request.user.pk:
        return redirect(_reflection_url(reflection.workshop))
    return redirect("reflections:reflection_detail", pk=reflection.pk)


@login_required
@never_cache
def reflection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Read-only view of a reflection for the team, the district office and the Fachteam."""
    reflection = get_object_or_404(Reflection.objects.select_related("workshop", "workshop__district", "author"), pk=pk)
    _require(request, "reflections.view_reflections", reflection.workshop)
    return _render_reflection_detail(request, reflection, own=reflection.author_id == request.user.pk)


def _render_reflection_detail(request, reflection: Reflection, *, own: bool) -> HttpResponse:
    return render(
        request,
        "reflections/reflection_detail.html",
        {
            "reflection": reflection,
            "workshop": reflection.workshop,
            "ratings": reflection.ratings.select_related("criterion").order_by("criterion__order"),
            "method_uses": reflection.method_uses.select_related("method"),
            "insights": reflection.insights.all(),
            "commitments": reflection.commitments.all(),
            "own": own,
            "may_reopen": request.user.has_perm("reflections.reopen_reflection", reflection),
        },
    )


# --- photos ----------------------------------------------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def photos(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload (with required alternative text) and remove photos of results."""
    workshop = _workshop_for_staff(request, slug, "reflections.manage_photos")
    form = ResultPhotoForm()
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            photo = get_object_or_404(ResultPhoto, pk=request.POST.get("photo") or 0, workshop=workshop)
            services.result_photo_remove(photo=photo, by=request.user)
            messages.success(request, _("Das Foto wurde entfernt."))
            return redirect("reflections:photos", slug=workshop.slug)
        form = ResultPhotoForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.result_photo_add(
                    workshop=workshop,
                    image=form.cleaned_data["image"],
                    alt_text=form.cleaned_data["alt_text"],
                    caption=form.cleaned_data["caption"],
                    is_public=form.cleaned_data["is_public"],
                    by=request.user,
                )
            except ApplicationError as error:
                form.add_error("alt_text", error.message)
            else:
                messages.success(request, _("Das Foto wurde hinzugefügt."))
                return redirect("reflections:photos", slug=workshop.slug)
    return render(
        request,
        "reflections/resultphoto_list.html",
        {"workshop": workshop, "form": form, "photos": workshop.result_photos.all()},
        status=400 if form.errors else 200,
    )


# --- documentation debt ----------------------------------------------------------------------------------------


def _staff_districts(user):
    """Districts whose figures the user may see: None = all (Fachteam), else the assigned districts."""
    from workshops.rules import is_fachteam

    if is_fachteam(user):
        return None
    return user.districts.all()


@login_required
@never_cache
def documentation_debts(request: HttpRequest) -> HttpResponse:
    """Held workshops without every lead/co reflection, oldest first, with the overdue state."""
    _require(request, "reflections.view_documentation_debt")
    debts = selectors.documentation_debts(districts=_staff_districts(request.user))
    sent = selectors.documentation_debt_mails_sent(debts=debts)
    for debt in debts:
        debt.reminded = any(key in sent for key in selectors.debt_reminder_keys(debt))
        debt.escalated = selectors.debt_escalation_key(debt) in sent
    days = settings.REFLECTION_REMINDER_DAYS
    return render(
        request,
        "reflections/documentation_debt_list.html",
        {"debts": debts, "reminder_days": days, "escalation_days": 2 * days},
    )


# --- dashboard -------------------------------------------------------------------------------------------------


# Charts are deterministic: cached by their input and the version of the chart code.
_CHARTS_VERSION = hashlib.sha256(Path(charts.__file__).read_bytes()).hexdigest()[:12]


def _chart(function, **kwargs) -> str:
    key = "reflections:chart:" + hashlib.sha256(repr((_CHARTS_VERSION, function.__name__, kwargs)).encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = function(**kwargs)
        cache.set(key, svg, 60 * 60 * 24)
    return svg


def _round(value: float | None, digits: int = 2) -> float | None:
    return round(value, digits) if value is not None else None


def dashboard_charts(data: selectors.Dashboard, *, scope_label: str) -> dict[str, str]:
    result: dict[str, str] = {}
    if data.periods and data.over_time:
        series = {
            c.name: [
                (period_label, _round(data.over_time.get(c.pk, {}).get(p, selectors.Cell()).average))
                for p, period_label in zip(data.periods, data.period_labels, strict=True)
            ]
            for c in data.criteria
            if c.pk in data.over_time
        }
        result["criteria_time"] = _chart(
            charts.line_chart_svg,
            title=_("Qualitätsmerkmale im Zeitverlauf – %(scope)s") % {"scope": scope_label},
            series=series,
            y_label=_("Ø Bewertung (1–5)"),
            y_max=5.2,
            y_min=1,
        )
    districts_with_data = [
        d for d in data.districts if any(d.pk in data.per_district.get(c.pk, {}) for c in data.criteria)
    ]
    if len(districts_with_data) == 1:
        # One district: its criteria side by side say more than one bar.
        district = districts_with_data[0]
        rows = [
            (c.name, _round(data.per_district.get(c.pk, {}).get(district.pk, selectors.Cell()).average))
            for c in data.criteria
        ]
        result["criteria_district"] = _chart(
            charts.bar_chart_svg,
            title=_("Ø je Qualitätsmerkmal – %(district)s") % {"district": district.name},
            data=[(name, value) for name, value in rows if value is not None],
            y_label=_("Ø Bewertung (1–5)"),
            y_max=5,
            horizontal=True,
        )
    elif districts_with_data:
        result["criteria_district"] = _chart(
            charts.bar_chart_svg,
            title=_("Ø aller Qualitätsmerkmale nach Stadtbezirk"),
            data=[
                (
                    d.name,
                    _round(
                        sum(
                            (data.per_district.get(c.pk, {}).get(d.pk, selectors.Cell()) for c in data.criteria),
                            selectors.Cell(),
                        ).average
                    ),
                )
                for d in districts_with_data
            ],
            y_label=_("Ø Bewertung (1–5)"),
            y_max=5,
            horizontal=True,
        )
    compared = data.compared_criteria
    if compared:
        result["comparison"] = _chart(
            charts.grouped_bar_chart_svg,
            title=_("Einschätzung von Moderation und Teilnehmenden"),
            categories=[c.name for c in compared],
            series={
                _("Moderation"): [_round(data.facilitators.get(c.pk, selectors.Cell()).average) for c in compared],
                _("Teilnehmende"): [_round(data.participants[c.pk].public_average()) for c in compared],
            },
            y_label=_("Ø Bewertung (1–5)"),
            y_max=5,
        )
    if data.reach:
        result["reach"] = _chart(
            charts.line_chart_svg,
            title=_("Anmeldungen und Teilnahme"),
            series={
                _("Personen angemeldet"): [(r.label, r.registered_people) for r in data.reach],
                _("Personen teilgenommen"): [(r.label, r.attended_people) for r in data.reach],
                _("erstmals dabei (Anmeldungen)"): [(r.label, r.first_time) for r in data.reach],
            },
            y_label=_("Personen"),
        )
    if data.eigenregie and any(r.total for r in data.eigenregie):
        result["eigenregie"] = _chart(
            charts.line_chart_svg,
            title=_("Anteil der Werkstätten in Eigenregie"),
            series={
                _("Anteil in Eigenregie (%)"): [
                    (r.label, _round(r.share * 100 if r.share is not None else None, 1)) for r in data.eigenregie
                ]
            },
            y_label=_("Prozent"),
            y_max=100,
        )
    reached = [q for q in data.quarters if q.per_10000 is not None and q.people]
    if reached:
        result["quarters"] = _chart(
            charts.bar_chart_svg,
            title=_("Teilnehmende je 10.000 Einwohner*innen nach Stadtteil"),
            data=[(q.quarter.name, _round(q.per_10000, 1)) for q in sorted(reached, key=lambda q: -q.per_10000)[:20]],
            y_label=_("je 10.000 Einwohner*innen"),
            horizontal=True,
        )
    # The SVG is generated by core.charts: every text in it is XML-escaped there, none is raw user input.
    return {name: mark_safe(svg) for name, svg in result.items()}  # nosec B308 B703


@login_required
@never_cache
def dashboard(request: HttpRequest) -> HttpResponse:
    """Insight dashboard: criteria over time and per district, facilitators vs participants, reach and
    Eigenregie share; every chart with its table. District offices see their districts only."""
    _require(request, "reflections.view_dashboard")
    allowed = _staff_districts(request.user)
    district_choices = list(District.objects.all() if allowed is None else allowed.order_by("number"))
    today = timezone.localdate()
    default_start = date(today.year - 2, 1, 1)
    form = DashboardFilterForm(
        request.GET or None,
        districts=district_choices,
        allow_all=allowed is None,
        initial={"von": default_start},
    )
    selected: District | None = None
    start, end = default_start, None
    if form.is_bound and form.is_valid():
        slug = form.cleaned_data.get("bezirk")
        selected = next((d for d in district_choices if d.slug == slug), None)
        start = form.cleaned_data.get("von")
        end = form.cleaned_data.get("bis")
    if selected is None and allowed is not None:
        selected = district_choices[0] if district_choices else None
    if selected is not None:
        _require(request, "reflections.view_dashboard", selected)
        scope_districts = [selected]
        scope_label = selected.name
    else:
        scope_districts = None if allowed is None else district_choices
        scope_label = _("alle Stadtbezirke") if allowed is None else _("meine Stadtbezirke")
    data = selectors.dashboard_data(districts=scope_districts, start=start, end=end)
    rows_time = [
        (c, [data.over_time.get(c.pk, {}).get(p) for p in data.periods])
        for c in data.criteria
        if c.pk in data.over_time
    ]
    districts_with_data = [
        d for d in data.districts if any(d.pk in data.per_district.get(c.pk, {}) for c in data.criteria)
    ]
    rows_district = [
        (c, [data.per_district.get(c.pk, {}).get(d.pk) for d in districts_with_data])
        for c in data.criteria
        if c.pk in data.per_district
    ]
    return render(
        request,
        "reflections/dashboard.html",
        {
            "form": form,
            "data": data,
            "scope_label": scope_label,
            "charts": dashboard_charts(data, scope_label=scope_label),
            "rows_time": rows_time,
            "rows_district": rows_district,
            "districts_with_data": districts_with_data,
            "comparison": [(c, data.facilitators.get(c.pk), data.participants[c.pk]) for c in data.compared_criteria],
            "reach_total": data.reach_total,
            "quarters": sorted(data.quarters, key=lambda q: (-q.people, q.quarter.name)),
            "min_count": selectors.min_count(),
            "start": start,
            "end": end,
        },
    )


# --- public documentation -------------------------------------------------------------------------------------------


# Sections that higher apps add to the public documentation page (e.g. the recommendations app: "what
# became of this workshop"). Each is called with (request, workshop) and returns rendered, escaped HTML
# (render_to_string of its own template) or "" to add nothing. Registered in the app's AppConfig.ready().
_documentation_sections: list = []


def register_documentation_section(section) -> None:
    if section not in _documentation_sections:
        _documentation_sections.append(section)


def workshop_documentation(request: HttpRequest, slug: str) -> HttpResponse:
    """Public documentation of a held workshop: summary, commitments with status, feedback (n ≥ 5), photos."""
    workshop = get_object_or_404(selectors.documented_workshops(), slug=slug)
    documentation = selectors.workshop_documentation(workshop=workshop)
    # The sections are rendered by their apps' templates with autoescaping; nothing raw from users.
    sections = [mark_safe(html) for html in (section(request, workshop) for section in _documentation_sections) if html]  # nosec B308 B703
    return render(
        request,
        "reflections/workshop_documentation.html",
        {"workshop": workshop, "doc": documentation, "min_count": selectors.min_count(), "sections": sections},
    )


# --- participant survey ----------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def feedback(request: HttpRequest, token: str) -> HttpResponse:
    """The anonymous survey behind the tokenised link (one answer per invitation)."""
    invitation = selectors.feedback_invitation_by_token(token=token)
    if invitation is None:
        return render(request, "reflections/feedback_unavailable.html", {"reason": "invalid"}, status=404)
    if invitation.used:
        return render(request, "reflections/feedback_unavailable.html", {"reason": "used"}, status=410)
    if invitation.expires_at < timezone.now():
        return render(request, "reflections/feedback_unavailable.html", {"reason": "expired"}, status=410)
    criteria = services.feedback_criteria()
    form = FeedbackForm(request.POST or None, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_submit(token=token, answers=form.answers())
        except ApplicationError as error:
            return render(request, "reflections/feedback_unavailable.html", {"reason": error.code}, status=410)
        return redirect("reflections:feedback_thanks", slug=invitation.workshop.slug)
    return render(
        request,
        "reflections/feedback_form.html",
        {"form": form, "workshop": invitation.workshop},
        status=400 if form.errors else 200,
    )


def feedback_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = get_object_or_404(selectors.documented_workshops(), slug=slug)
    return render(request, "reflections/feedback_thanks.html", {"workshop": workshop})
