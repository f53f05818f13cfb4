import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError
from districts.models import District
from workshops.models import Workshop
from workshops.views import public_workshops, with_registration_states

from . import selectors, services
from .forms import (
    REPORT_FORMS,
    CommentForm,
    EvidenceForm,
    MilestoneForm,
    ProgressForm,
    RecommendationForm,
    TrackerFilterForm,
    TransitionForm,
)
from .models import Endorsement, Milestone, Recommendation, ReportJob

HOME_WORKSHOPS = 6
HOME_RECOMMENDATIONS = 5


def home(request: HttpRequest) -> HttpResponse:
    """The home page shows several apps, so it lives in the highest app it needs."""
    now = timezone.now()
    upcoming = public_workshops().filter(status=Workshop.Status.PUBLISHED, ends_at__gte=now).order_by("starts_at", "pk")
    recent = Recommendation.objects.public().select_related("field").order_by("-updated_at")[:HOME_RECOMMENDATIONS]
    return render(
        request,
        "recommendations/home.html",
        {
            "districts": District.objects.all(),
            "workshops": with_registration_states(upcoming[:HOME_WORKSHOPS], now=now),
            "recommendations": recent,
        },
    )


# --- public tracker -------------------------------------------------------------------------------------------


def _filters(request) -> tuple[TrackerFilterForm, selectors.TrackerFilters]:
    form = TrackerFilterForm(request.GET or None, show_drafts=selectors.can_view_drafts(request.user))
    if not form.is_bound:
        return form, selectors.TrackerFilters()
    form.is_valid()  # an invalid value (e.g. status=draft for the public) drops only that filter
    data = form.cleaned_data
    return form, selectors.TrackerFilters(
        status=data.get("status", ""),
        field=data.get("field", ""),
        district=data.get("district", ""),
        addressee=data.get("addressee", ""),
        q=data.get("q", "").strip(),
    )


def tracker(request: HttpRequest) -> HttpResponse:
    """/empfehlungen/: every public recommendation with filters; drafts too for the network and the Fachteam."""
    form, filters = _filters(request)
    queryset = selectors.tracker_list(user=request.user, filters=filters)
    page = Paginator(queryset, 20).get_page(request.GET.get("seite"))
    counts = dict(
        selectors.recommendations_visible_to(user=request.user).values_list("status").order_by().annotate(n=Count("pk"))
    )
    query = request.GET.copy()
    query.pop("seite", None)
    return render(
        request,
        "recommendations/recommendation_list.html",
        {
            "form": form,
            "page": page,
            "recommendations": page.object_list,
            "status_counts": [(s, counts.get(s.value, 0)) for s in Recommendation.Status if counts.get(s.value)],
            "query": query.urlencode(),
            "filtered": any(vars(filters).values()),
            "can_add": request.user.has_perm("recommendations.add_recommendation"),
        },
    )


def tracker_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """CSV or XLSX of the public tracker with the same filters (never drafts)."""
    _form, filters = _filters(request)
    rows = selectors.export_rows(filters=filters)
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(selectors.EXPORT_COLUMNS)
        writer.writerows(rows)
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="handlungsempfehlungen-{stamp}.csv"'
        return response
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Handlungsempfehlungen"
    sheet.append(selectors.EXPORT_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJKLMN", (40, 14, 26, 22, 26, 24, 10, 12, 10, 12, 10, 40, 60, 40), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="handlungsempfehlungen-{stamp}.xlsx"'
    return response


def _get_visible(request, slug) -> Recommendation:
    recommendation = selectors.recommendation_detail(slug=slug, user=request.user)
    if recommendation is None:
        raise Http404
    return recommendation


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A recommendation with its evidence trail, timeline and status; co-creation and Fachteam tools for those
    who may use them."""
    recommendation = _get_visible(request, slug)
    user = request.user
    can_change = user.has_perm("recommendations.change_recommendation", recommendation)
    can_view_comments = user.has_perm("recommendations.view_comments", recommendation)
    context = {
        "recommendation": recommendation,
        "evidence": selectors.evidence_trail(recommendation=recommendation),
        "history": list(recommendation.history.all()),
        "can_change": can_change,
        "can_comment": user.has_perm("recommendations.comment", recommendation),
        "can_endorse": user.has_perm("recommendations.endorse", recommendation),
        "can_view_comments": can_view_comments,
        "show_names": can_view_comments,
    }
    if can_view_comments:
        context["comments"] = selectors.comments_for(recommendation=recommendation)
        context["comment_form"] = CommentForm()
        context["endorsed"] = user.is_authenticated and recommendation.endorsements.filter(user_id=user.pk).exists()
    if can_change:
        context["transition_form"] = TransitionForm(recommendation=recommendation, prefix="status")
        context["progress_form"] = ProgressForm(initial={"progress": recommendation.progress}, prefix="progress")
        context["milestone_form"] = MilestoneForm(prefix="milestone")
    return render(request, "recommendations/recommendation_detail.html", context)


def versions(request: HttpRequest, slug: str) -> HttpResponse:
    """All versions of the wording; each with a readable diff to the one before (or to ?vergleich=N)."""
    recommendation = _get_visible(request, slug)
    all_versions = selectors.versions_of(recommendation=recommendation)
    if not all_versions:
        raise Http404
    by_number = {v.number: v for v in all_versions}
    try:
        number = int(request.GET.get("fassung") or all_versions[0].number)
        compare = int(request.GET.get("vergleich") or number - 1)
    except ValueError:
        raise Http404 from None
    current = by_number.get(number)
    if current is None:
        raise Http404
    previous = by_number.get(compare)
    return render(
        request,
        "recommendations/recommendation_versions.html",
        {
            "recommendation": recommendation,
            "versions": all_versions,
            "current": current,
            "previous": previous,
            "diff": selectors.version_diff(previous, current),
            "show_names": request.user.has_perm("recommendations.view_comments", recommendation),
        },
    )


@login_required
def contribute(request: HttpRequest) -> HttpResponse:
    """/empfehlungen/mitwirken/: drafts and recommendations in consultation, for the network and the Fachteam."""
    if not request.user.has_perm("recommendations.view_draft"):
        raise PermissionDenied
    open_statuses = Recommendation.OPEN_FOR_COMMENTS
    recommendations = (
        Recommendation.objects.filter(status__in=open_statuses)
        .select_related("field")
        .annotate(
            comment_count=Count("comments", distinct=True),
            endorsement_count=Count("endorsements", distinct=True),
        )
        .order_by("status", "-updated_at")
    )
    endorsed = set(
        Endorsement.objects.filter(user_id=request.user.pk or 0, recommendation__status__in=open_statuses).values_list(
            "recommendation_id", flat=True
        )
    )
    return render(
        request,
        "recommendations/recommendation_contribute.html",
        {"recommendations": recommendations, "endorsed": endorsed},
    )


# --- co-creation (POST) -----------------------------------------------------------------------------------------


def _get_for_post(request, slug, perm) -> Recommendation:
    recommendation = get_object_or_404(Recommendation, slug=slug)
    if not request.user.has_perm("recommendations.view_recommendation", recommendation):
        raise Http404
    if not request.user.has_perm(perm, recommendation):
        raise PermissionDenied
    return recommendation


def _back(recommendation, anchor=""):
    return redirect(recommendation.get_absolute_url() + (f"#{anchor}" if anchor else ""))


@login_required
@require_POST
def comment(request: HttpRequest, slug: str) -> HttpResponse:
    recommendation = _get_for_post(request, slug, "recommendations.comment")
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte schreiben Sie einen Kommentar."))
        return _back(recommendation, "kommentare")
    try:
        services.comment_add(recommendation=recommendation, author=request.user, text=form.cleaned_data["text"])
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Ihr Kommentar wurde gespeichert."))
    return _back(recommendation, "kommentare")


@login_required
@require_POST
def endorse(request: HttpRequest, slug: str) -> HttpResponse:
    recommendation = _get_for_post(request, slug, "recommendations.endorse")
    try:
        if request.POST.get("action") == "withdraw":
            services.endorsement_remove(recommendation=recommendation, user=request.user)
            messages.success(request, _("Sie unterstützen diese Empfehlung nicht mehr."))
        else:
            _endorsement, created = services.endorsement_add(recommendation=recommendation, user=request.user)
            messages.success(
                request,
                _("Danke, Sie unterstützen diese Empfehlung.")
                if created
                else _("Sie unterstützen diese Empfehlung bereits."),
            )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _back(recommendation, "mitwirken")


# --- Fachteam (create, edit, status, progress, milestones) --------------------------------------------------------


@login_required
def create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("recommendations.add_recommendation"):
        raise PermissionDenied
    form = RecommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recommendation = services.recommendation_create(
                title=data["title"],
                text=data["text"],
                rationale=data["rationale"],
                field=data["field"],
                addressee=data["addressee"],
                responsible_unit=data["responsible_unit"],
                city_wide=data["city_wide"],
                districts=data["districts"],
                priority=data["priority"],
                due_date=data["due_date"],
                workshops=data["workshops"],
                by=request.user,
                note=data["note"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Der Entwurf wurde angelegt. Wählen Sie nun die Belege aus."))
            return redirect("recommendations:edit", slug=recommendation.slug)
    return render(request, "recommendations/recommendation_form.html", {"form": form, "recommendation": None})


@login_required
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    recommendation = get_object_or_404(Recommendation, slug=slug)
    if not request.user.has_perm("recommendations.change_recommendation", recommendation):
        raise PermissionDenied
    which = request.POST.get("form") if request.method == "POST" else None
    form = RecommendationForm(request.POST if which == "main" else None, instance=recommendation)
    evidence_form = EvidenceForm(request.POST if which == "evidence" else None, recommendation=recommendation)
    if which == "main" and form.is_valid():
        data = form.cleaned_data
        # The ModelForm must not save: services keep versions and history.
        recommendation.refresh_from_db()
        try:
            services.recommendation_update(
                recommendation=recommendation,
                by=request.user,
                note=data["note"],
                districts=data["districts"],
                **{name: data[name] for name in services.WORDING_FIELDS + services.DETAIL_FIELDS},
            )
            if set(w.pk for w in data["workshops"]) != set(recommendation.workshops.values_list("pk", flat=True)):
                services.recommendation_set_evidence(
                    recommendation=recommendation,
                    by=request.user,
                    workshops=data["workshops"],
                    note=_("Werkstätten geändert"),
                )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Die Änderungen wurden gespeichert."))
            return redirect("recommendations:edit", slug=recommendation.slug)
    if which == "evidence" and evidence_form.is_valid():
        services.recommendation_set_evidence(
            recommendation=recommendation,
            by=request.user,
            insights=evidence_form.cleaned_data["insights"],
            reflections=evidence_form.cleaned_data["reflections"],
            note=_("Erkenntnisse und Reflexionen ausgewählt"),
        )
        messages.success(request, _("Die Belege wurden gespeichert."))
        return redirect(recommendation.get_absolute_url() + "#belege")
    if which not in (None, "main", "evidence"):
        raise Http404
    return render(
        request,
        "recommendations/recommendation_form.html",
        {"form": form, "evidence_form": evidence_form, "recommendation": recommendation},
    )


@login_required
@require_POST
def transition(request: HttpRequest, slug: str) -> HttpResponse:
    recommendation = _get_for_post(request, slug, "recommendations.change_recommendation")
    form = TransitionForm(request.POST, recommendation=recommendation, prefix="status")
    if form.is_valid():
        try:
            services.recommendation_transition(
                recommendation=recommendation,
                to_status=form.cleaned_data["to_status"],
                by=request.user,
                note=form.cleaned_data["note"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            recommendation.refresh_from_db()
            messages.success(request, _("Neuer Status: %(status)s.") % {"status": recommendation.get_status_display()})
            return _back(recommendation, "verlauf")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return _back(recommendation, "steuerung")


@login_required
@require_POST
def progress(request: HttpRequest, slug: str) -> HttpResponse:
    recommendation = _get_for_post(request, slug, "recommendations.change_recommendation")
    form = ProgressForm(request.POST, prefix="progress")
    if form.is_valid():
        services.recommendation_set_progress(
            recommendation=recommendation,
            progress=form.cleaned_data["progress"],
            by=request.user,
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("Der Fortschritt wurde aktualisiert."))
    else:
        messages.error(request, _("Bitte geben Sie einen Fortschritt zwischen 0 und 100 an."))
    return _back(recommendation, "steuerung")


@login_required
@require_POST
def milestone(request: HttpRequest, slug: str) -> HttpResponse:
    recommendation = _get_for_post(request, slug, "recommendations.change_recommendation")
    done_id = request.POST.get("done")
    if done_id:
        item = get_object_or_404(Milestone, pk=done_id, recommendation=recommendation)
        services.milestone_complete(milestone=item, by=request.user)
        messages.success(request, _("Meilenstein als erreicht markiert."))
        return _back(recommendation, "meilensteine")
    form = MilestoneForm(request.POST, prefix="milestone")
    if form.is_valid():
        services.milestone_add(
            recommendation=recommendation,
            title=form.cleaned_data["title"],
            due_date=form.cleaned_data["due_date"],
            by=request.user,
        )
        messages.success(request, _("Meilenstein hinzugefügt."))
    else:
        messages.error(request, _("Bitte geben Sie einen Titel für den Meilenstein an."))
    return _back(recommendation, "meilensteine")


# --- reports (/berichte/) -----------------------------------------------------------------------------------------


def _report_forms(request, data=None, kind=None):
    workshops = selectors.workshops_for_reports(user=request.user)
    districts = selectors.districts_for_reports(user=request.user)
    forms = {}
    for key, form_class in REPORT_FORMS.items():
        bound = data if kind == key else None
        kwargs = {"prefix": key}
        if key == ReportJob.Kind.WORKSHOP:
            kwargs["workshops"] = workshops
        if key == ReportJob.Kind.DISTRICT:
            kwargs["districts"] = districts
        forms[key] = form_class(bound, **kwargs)
    return forms


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    """Request a report and follow one's jobs (the Fachteam may show everyone's with ?alle=1)."""
    if not request.user.has_perm("recommendations.request_report"):
        raise PermissionDenied
    kind = request.POST.get("kind") if request.method == "POST" else None
    if kind is not None and kind not in ReportJob.Kind.values:
        raise Http404
    forms = _report_forms(request, request.POST if kind else None, kind)
    if kind and forms[kind].is_valid():
        try:
            job = services.report_job_request(kind=kind, parameters=forms[kind].parameters(), by=request.user)
        except ApplicationError as exc:
            forms[kind].add_error(None, exc.message)
        else:
            messages.success(request, _("Der Bericht wird erstellt. Sie können diese Seite verlassen."))
            return redirect(job.get_absolute_url())
    all_jobs = bool(request.GET.get("alle")) and request.user.has_perm("recommendations.change_reportjob")
    jobs = selectors.report_jobs_for(user=request.user, all_jobs=all_jobs)[:50]
    return render(
        request,
        "recommendations/reportjob_list.html",
        {
            "forms": [(key, ReportJob.Kind(key).label, form) for key, form in forms.items()],
            "jobs": jobs,
            "all_jobs": all_jobs,
            "can_see_all": request.user.has_perm("recommendations.change_reportjob"),
            "submitted_kind": kind,
        },
        status=400 if kind else 200,
    )


def _get_job(request, pk) -> ReportJob:
    job = get_object_or_404(ReportJob.objects.select_related("requested_by"), pk=pk)
    if not request.user.has_perm("recommendations.view_reportjob", job):
        raise Http404
    return job


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _get_job(request, pk)
    return render(request, "recommendations/reportjob_detail.html", {"job": job})


@login_required
def report_status(request: HttpRequest, pk: int) -> JsonResponse:
    """Polled by the job page (same-origin JS) while the job runs."""
    job = _get_job(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "progress": job.progress,
            "finished": job.is_finished,
            "download_url": reverse("recommendations:report_download", kwargs={"pk": job.pk}) if job.file else "",
            "error": job.error if job.status == ReportJob.Status.FAILED else "",
        }
    )


@login_required
def report_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _get_job(request, pk)
    if job.status != ReportJob.Status.DONE or not job.file:
        raise Http404
    # The stored name may carry a storage suffix; the download is named after the report.
    filename = f"{slugify(job.title)[:90] or job.kind}-{timezone.localtime(job.created_at):%Y-%m-%d}.pdf"
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf")


@login_required
@require_POST
def report_retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = _get_job(request, pk)
    if not (
        request.user.has_perm("recommendations.request_report")
        and request.user.has_perm("recommendations.view_reportjob", job)
    ):
        raise PermissionDenied
    try:
        services.report_job_retry(job=job, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Der Bericht wird erneut erstellt."))
    return redirect(job.get_absolute_url())
