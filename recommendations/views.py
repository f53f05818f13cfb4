import csv
import io
from abc import ABC, abstractmethod
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError
from core.files import serve_private_file
from districts.models import District
from reflections import selectors as reflection_selectors
from reflections import services as reflection_services
from reflections.models import Commitment, CommitmentMilestone
from workshops.exports import spreadsheet_safe
from workshops.models import Workshop
from workshops.selectors import workshops_public
from workshops.views import with_registration_states

from . import selectors, services
from .forms import (
    REPORT_FORMS,
    AssignForm,
    CloseCommitmentForm,
    CommentForm,
    ConsultationForm,
    ContributionForm,
    ContributionResponseForm,
    EvidenceForm,
    MilestoneForm,
    OwnerUpdateForm,
    ProgressForm,
    ProposalAnswerForm,
    ProposalForm,
    RecommendationForm,
    TrackerFilterForm,
    TransitionForm,
)
from .models import Contribution, Endorsement, Milestone, Proposal, Recommendation, ReportJob

Status = Recommendation.Status

HOME_WORKSHOPS = 6
HOME_RECOMMENDATIONS = 5


def home(request: HttpRequest) -> HttpResponse:
    """The home page shows several apps, so it lives in the highest app it needs."""
    now = timezone.now()
    upcoming = workshops_public().filter(status=Workshop.Status.PUBLISHED, ends_at__gte=now).order_by("starts_at", "pk")
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
    # Titles and texts are typed by people: a cell must never start a formula (like the attendee export).
    rows = [[spreadsheet_safe(value) for value in row] for row in selectors.export_rows(filters=filters)]
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
        "commitments": selectors.commitments_for(recommendation=recommendation),
        "can_update_as_owner": user.has_perm("recommendations.update_as_owner", recommendation),
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
    context.update(_consultation_context(request, recommendation))
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
    taken_up = selectors.responses_by_version(recommendation=recommendation)
    return render(
        request,
        "recommendations/recommendation_versions.html",
        {
            "recommendation": recommendation,
            "versions": all_versions,
            "version_rows": [(v, len(taken_up.get(v.pk, []))) for v in all_versions],
            "taken_up": taken_up.get(current.pk, []),
            "current": current,
            "previous": previous,
            "diff": selectors.version_diff(previous, current),
            "show_names": request.user.has_perm("recommendations.view_comments", recommendation),
        },
    )


@login_required
def contribute(request: HttpRequest) -> HttpResponse:
    """/empfehlungen/mitwirken/: drafts and recommendations in consultation, for the network and the Fachteam."""
    if not request.user.has_perm("recommendations.propose"):
        raise PermissionDenied
    # Everyone involved sees the recommendations in consultation; drafts only the network and the Fachteam.
    open_statuses: tuple[str, ...] = (
        Recommendation.OPEN_FOR_COMMENTS
        if request.user.has_perm("recommendations.view_draft")
        else (Recommendation.Status.CONSULTATION,)
    )
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


# --- proposals and consultation (issue 12) ---------------------------------------------------------------------


def _consultation_context(request: HttpRequest, recommendation: Recommendation) -> dict[str, Any]:
    """The consultation section of the detail page: the numbered paragraphs, the newest consultation with its
    contributions (to invited roles while it runs, to everyone afterwards) and the forms."""
    user = request.user
    now = timezone.now()
    consultation = recommendation.consultations.select_related("version").order_by("-starts_at", "-pk").first()
    paragraphs = services.paragraphs_of(
        consultation.version.text if consultation and consultation.version else recommendation.text
    )
    context: dict[str, Any] = {
        "consultation": consultation,
        "paragraphs": paragraphs,
        "can_open_consultation": recommendation.status == Recommendation.Status.DRAFT
        and user.has_perm("recommendations.open_consultation"),
    }
    if context["can_open_consultation"]:
        today = timezone.localdate()
        context["consultation_form"] = ConsultationForm(
            initial={"starts_on": today, "ends_on": today + timedelta(days=14)}, prefix="konsultation"
        )
    if consultation is None:
        return context
    ended = consultation.has_ended_at(now)
    can_contribute = services.may_contribute(consultation=consultation, user=user, now=now)
    invited = user.has_perm("recommendations.view_comments", recommendation) or can_contribute
    context.update(
        consultation_running=consultation.is_open_at(now),
        consultation_ended=ended,
        can_contribute=can_contribute,
        can_respond=ended and user.has_perm("recommendations.respond_contribution"),
        show_contributions=ended or invited,
    )
    if context["show_contributions"]:
        contributions = selectors.consultation_contributions(consultation=consultation)
        context["contributions"] = [c for c in contributions if c.kind != "endorsement"]
        context["consultation_endorsements"] = len(contributions) - len(context["contributions"])
        context["endorsed_in_consultation"] = any(
            c.kind == "endorsement" and c.author_id == user.pk for c in contributions
        )
        context["missing_responses"] = sum(
            1 for c in context["contributions"] if c.needs_response and not hasattr(c, "response")
        )
    if can_contribute:
        context["contribution_form"] = ContributionForm(paragraphs=paragraphs, prefix="beitrag")
    if context["can_respond"]:
        context["response_form"] = ContributionResponseForm()
    return context


@login_required
def propose(request: HttpRequest) -> HttpResponse:
    """/empfehlungen/vorschlagen/: staff roles, Politik, Fachbereiche and the network propose a recommendation;
    the Fachteam sees the open proposals here too."""
    if not request.user.has_perm("recommendations.propose"):
        raise PermissionDenied
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = services.proposal_create(
                title=data["title"],
                text=data["text"],
                rationale=data["rationale"],
                field=data["field"],
                by=request.user,
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Danke! Das Fachteam beantwortet Ihren Vorschlag; Sie erhalten eine E-Mail."))
            return redirect(proposal.get_absolute_url())
    is_fachteam = request.user.has_perm("recommendations.answer_proposal")
    return render(
        request,
        "recommendations/proposal_form.html",
        {
            "form": form,
            "own": selectors.proposals_for(user=request.user),
            "open_proposals": selectors.proposals_for(user=request.user, all_proposals=True) if is_fachteam else None,
        },
    )


@login_required
def proposal(request: HttpRequest, pk: int) -> HttpResponse:
    """A proposal: its proposer follows the answer; the Fachteam accepts it into drafting or declines it."""
    item = get_object_or_404(Proposal.objects.select_related("field", "proposed_by", "recommendation"), pk=pk)
    if not request.user.has_perm("recommendations.see_proposal", item):
        raise PermissionDenied
    can_answer = request.user.has_perm("recommendations.answer_proposal") and item.status == Proposal.Status.OPEN
    form = ProposalAnswerForm(request.POST or None) if can_answer else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                if form.cleaned_data["decision"] == "accept":
                    recommendation = services.proposal_accept(
                        proposal=item, by=request.user, note=form.cleaned_data["answer"]
                    )
                    messages.success(request, _("Der Vorschlag ist jetzt ein Entwurf."))
                    return redirect("recommendations:edit", slug=recommendation.slug)
                services.proposal_decline(proposal=item, by=request.user, reason=form.cleaned_data["answer"])
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Die Antwort wurde gespeichert und der vorschlagenden Person geschickt."))
                return redirect(item.get_absolute_url())
    return render(request, "recommendations/proposal_detail.html", {"proposal": item, "form": form})


@login_required
@require_POST
def consultation_open(request: HttpRequest, slug: str) -> HttpResponse:
    recommendation = _get_for_post(request, slug, "recommendations.open_consultation")
    form = ConsultationForm(request.POST, prefix="konsultation")
    if not form.is_valid():
        messages.error(request, _("Bitte geben Sie Beginn und Ende der Konsultation an."))
        return _back(recommendation, "konsultation")
    tz = timezone.get_current_timezone()
    starts_at = datetime.combine(form.cleaned_data["starts_on"], time.min, tzinfo=tz)
    ends_at = datetime.combine(form.cleaned_data["ends_on"] + timedelta(days=1), time.min, tzinfo=tz)
    try:
        services.consultation_open(recommendation=recommendation, starts_at=starts_at, ends_at=ends_at, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Die Konsultation ist angelegt."))
    return _back(recommendation, "konsultation")


@login_required
@require_POST
def contribution_add(request: HttpRequest, slug: str) -> HttpResponse:
    recommendation = _get_for_post(request, slug, "recommendations.view_recommendation")
    consultation = services.current_consultation(recommendation)
    if consultation is None:
        raise Http404
    if request.POST.get("action") == "endorse":
        kind, data = "endorsement", {}
    else:
        source = consultation.version.text if consultation.version else recommendation.text
        form = ContributionForm(request.POST, paragraphs=services.paragraphs_of(source), prefix="beitrag")
        if not form.is_valid():
            messages.error(request, _("Bitte prüfen Sie Ihren Beitrag."))
            return _back(recommendation, "konsultation")
        kind = form.cleaned_data["kind"]
        data = {
            "text": form.cleaned_data["text"],
            "paragraph": form.cleaned_data["paragraph"],
            "suggested_wording": form.cleaned_data["suggested_wording"],
        }
    try:
        services.contribution_add(consultation=consultation, author=request.user, kind=kind, **data)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Danke, Ihr Beitrag ist gespeichert."))
    return _back(recommendation, "konsultation")


@login_required
@require_POST
def contribution_respond(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    recommendation = _get_for_post(request, slug, "recommendations.respond_contribution")
    contribution = get_object_or_404(
        Contribution.objects.select_related("consultation__version", "author"),
        pk=pk,
        consultation__recommendation=recommendation,
    )
    form = ContributionResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte wählen Sie ein Ergebnis und begründen Sie die Antwort."))
        return _back(recommendation, f"beitrag-{contribution.pk}")
    try:
        services.contribution_respond(
            contribution=contribution,
            outcome=form.cleaned_data["outcome"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Die Antwort ist gespeichert; die Person erhält eine E-Mail."))
    return _back(recommendation, f"beitrag-{contribution.pk}")


# --- Fachteam (create, edit, status, progress, milestones) --------------------------------------------------------


def _workshop_search_requested(request: HttpRequest) -> bool:
    """The "Suchen" button of the workshop picker: show the form again with the matches, save nothing."""
    return request.method == "POST" and "werkstatt_suche_los" in request.POST


def _show_without_errors(form) -> None:
    """Keep what was typed, but do not validate yet (a search is no attempt to save)."""
    from django.forms.utils import ErrorDict

    form._errors = ErrorDict()
    form.cleaned_data = {}


@login_required
def create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("recommendations.add_recommendation"):
        raise PermissionDenied
    searching = _workshop_search_requested(request)
    form = RecommendationForm(request.POST or None, workshop_search=request.POST.get("werkstatt_suche", "")[:100])
    if searching:
        _show_without_errors(form)
    elif request.method == "POST" and form.is_valid():
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
    form = RecommendationForm(
        request.POST if which == "main" else None,
        instance=recommendation,
        workshop_search=request.POST.get("werkstatt_suche", "")[:100],
    )
    evidence_form = EvidenceForm(request.POST if which == "evidence" else None, recommendation=recommendation)
    searching = which == "main" and _workshop_search_requested(request)
    if searching:
        _show_without_errors(form)
    elif which == "main" and form.is_valid():
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
                decision=form.decision(),
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
        try:
            services.recommendation_set_progress(
                recommendation=recommendation,
                progress=form.cleaned_data["progress"],
                by=request.user,
                note=form.cleaned_data["note"],
            )
        except ApplicationError as exc:  # closed meanwhile (a form from a page loaded before)
            messages.error(request, exc.message)
        else:
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
        try:
            services.milestone_add(
                recommendation=recommendation,
                title=form.cleaned_data["title"],
                due_date=form.cleaned_data["due_date"],
                by=request.user,
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
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
        kwargs: dict[str, Any] = {"prefix": key}
        if key == ReportJob.Kind.WORKSHOP:
            kwargs["workshops"] = workshops
            kwargs["search"] = request.GET.get("werkstatt", "")[:100]
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
            "min_count": reflection_selectors.min_count(),
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
            "error": job.error if job.is_retryable else "",
        }
    )


@login_required
def report_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    job = _get_job(request, pk)
    if job.status != ReportJob.Status.DONE or not job.file:
        raise Http404
    # The stored name may carry a storage suffix; the download is named after the report.
    filename = f"{slugify(job.title)[:90] or job.kind}-{timezone.localtime(job.created_at):%Y-%m-%d}.pdf"
    return serve_private_file(job.file, content_type="application/pdf", filename=filename, as_attachment=True)


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


# --- follow-through: the owners' workspace "Meine Zusagen" (issue 13) ------------------------------------------


def _require_followup(request: HttpRequest) -> None:
    if not request.user.has_perm("recommendations.use_followup"):
        raise PermissionDenied


def _warn_past_due(request: HttpRequest, due_date) -> None:
    if services.due_date_in_past(due_date):
        messages.warning(request, _("Hinweis: Die Frist liegt in der Vergangenheit; der Punkt gilt als überfällig."))


def _form_errors_to_messages(request: HttpRequest, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


@login_required
def followup(request: HttpRequest) -> HttpResponse:
    """/verbindlichkeit/: the commitments and recommendations the user answers for (and, for the Fachteam,
    everything overdue), with due dates and overdue flags."""
    _require_followup(request)
    data = selectors.followup_for(user=request.user)
    return render(
        request,
        "recommendations/followup_list.html",
        {"data": data, "can_assign": request.user.has_perm("recommendations.assign_owners")},
    )


class _FormInvalid(Exception):
    """A workspace form did not validate: show the page again with its errors."""


class _FollowupPage(ABC):
    """One item of the owners' workspace, a commitment or a recommendation: the same page (progress and
    statement, milestones, closing, reassignment by the Fachteam) with the same handling of its forms. A
    subclass names the item's permissions, its closing form and the services every change goes through."""

    template_name: str
    update_perm: str  # who may work on the item at all
    assign_perm: str  # who may reassign it
    closing_action: str  # the action (and form prefix) that closes the item

    def __init__(self, request: HttpRequest, item: Any) -> None:
        if not request.user.has_perm(self.update_perm, item):
            raise PermissionDenied
        self.request = request
        self.item = item
        self.can_assign = request.user.has_perm(self.assign_perm, item)

    # --- what differs: the item's state, its closing form, its services and its page ---------------------------

    @abstractmethod
    def is_open(self) -> bool: ...  # progress, statement and new milestones only while the item is open

    @abstractmethod
    def unit(self) -> Any: ...

    @abstractmethod
    def closing_form(self, data) -> Any: ...

    @abstractmethod
    def save_update(self, data: dict[str, Any]) -> None: ...

    @abstractmethod
    def add_milestone(self, *, title: str, due_date) -> None: ...

    @abstractmethod
    def complete_milestone(self, pk) -> None: ...

    @abstractmethod
    def close(self, form) -> str: ...  # returns the success message

    @abstractmethod
    def assign(self, *, unit, owners: list, note: str) -> None: ...

    @abstractmethod
    def redirect(self) -> HttpResponse: ...

    @abstractmethod
    def page_context(self) -> dict[str, Any]: ...  # the item and its `history`, under the template's names

    # --- the shared page ------------------------------------------------------------------------------------------

    def respond(self) -> HttpResponse:
        request, item = self.request, self.item
        action = request.POST.get("action") if request.method == "POST" else None
        update_form = OwnerUpdateForm(
            request.POST if action == "update" else None,
            prefix="update",
            initial={"progress": item.progress, "statement": item.statement, "due_date": item.due_date},
        )
        milestone_form = MilestoneForm(request.POST if action == "milestone" else None, prefix="milestone")
        closing_form = self.closing_form(request.POST if action == self.closing_action else None)
        assign_form = AssignForm(
            request.POST if action == "assign" and self.can_assign else None,
            prefix="assign",
            initial={"unit": self.unit(), "owners": list(item.owners.all())},
        )
        if action is not None:
            try:
                if action in ("update", "milestone") and not self.is_open():
                    # A form from a page loaded before the item was closed: the page no longer offers it.
                    raise ApplicationError(
                        _("Dieser Punkt ist bereits abgeschlossen; Stand und Meilensteine sind nicht mehr änderbar.")
                    )
                if action == "update" and update_form.is_valid():
                    data = update_form.cleaned_data
                    self.save_update(data)
                    _warn_past_due(request, data["due_date"])
                    messages.success(request, _("Der Stand wurde gespeichert."))
                elif action == "milestone" and milestone_form.is_valid():
                    self.add_milestone(
                        title=milestone_form.cleaned_data["title"], due_date=milestone_form.cleaned_data["due_date"]
                    )
                    messages.success(request, _("Der Meilenstein wurde hinzugefügt."))
                elif action == "milestone_done":
                    self.complete_milestone(request.POST.get("milestone"))
                    messages.success(request, _("Der Meilenstein ist als erreicht markiert."))
                elif action == self.closing_action and closing_form.is_valid():
                    messages.success(request, self.close(closing_form))
                elif action == "assign" and self.can_assign and assign_form.is_valid():
                    self.assign(
                        unit=assign_form.cleaned_data["unit"],
                        owners=list(assign_form.cleaned_data["owners"]),
                        note=assign_form.cleaned_data["note"],
                    )
                    messages.success(request, _("Die Zuständigkeit wurde geändert."))
                elif action not in ("update", "milestone", self.closing_action, "assign"):
                    raise Http404
                else:
                    raise _FormInvalid
            except ApplicationError as exc:
                messages.error(request, exc.message)
            except _FormInvalid:
                pass
            else:
                return self.redirect()
        return render(
            request,
            self.template_name,
            {
                **self.page_context(),
                "is_open": self.is_open(),
                "milestones": list(item.milestones.all()),
                "update_form": update_form,
                "milestone_form": milestone_form,
                "closing_form": closing_form,
                "assign_form": assign_form if self.can_assign else None,
            },
        )


class _CommitmentPage(_FollowupPage):
    """Every change of a commitment goes through reflections.services."""

    template_name = "recommendations/followup_commitment.html"
    update_perm = "reflections.update_commitment"
    assign_perm = "reflections.assign_commitment"
    closing_action = "close"

    def is_open(self) -> bool:
        return self.item.is_open

    def unit(self) -> Any:
        return self.item.unit

    def closing_form(self, data) -> CloseCommitmentForm:
        return CloseCommitmentForm(data, prefix="close")

    def save_update(self, data: dict[str, Any]) -> None:
        reflection_services.commitment_report_progress(
            commitment=self.item,
            by=self.request.user,
            progress=data["progress"],
            statement=data["statement"],
            due_date=data["due_date"],
            note=data["note"],
        )

    def add_milestone(self, *, title: str, due_date) -> None:
        reflection_services.commitment_milestone_add(
            commitment=self.item, title=title, due_date=due_date, by=self.request.user
        )

    def complete_milestone(self, pk) -> None:
        item = get_object_or_404(CommitmentMilestone, pk=pk, commitment=self.item)
        reflection_services.commitment_milestone_complete(milestone=item, by=self.request.user)

    def close(self, form) -> str:
        reflection_services.commitment_set_status(
            commitment=self.item,
            status=form.cleaned_data["outcome"],
            reason=form.cleaned_data["reason"],
            by=self.request.user,
        )
        return _("Die Vereinbarung ist abgeschlossen.")

    def assign(self, *, unit, owners: list, note: str) -> None:
        reflection_services.commitment_assign(
            commitment=self.item, unit=unit, owners=owners, note=note, by=self.request.user
        )

    def redirect(self) -> HttpResponse:
        return redirect("recommendations:followup_commitment", pk=self.item.pk)

    def page_context(self) -> dict[str, Any]:
        return {
            "commitment": self.item,
            "history": list(self.item.events.select_related("actor").order_by("-created_at", "-pk")),
        }


class _RecommendationPage(_FollowupPage):
    """Every change of a recommendation goes through recommendations.services. Closing is a status change
    (implemented or rejected, with reason and decision)."""

    template_name = "recommendations/followup_recommendation.html"
    update_perm = "recommendations.update_as_owner"
    assign_perm = "recommendations.assign_owners"
    closing_action = "status"
    owner_statuses = (Status.IN_PROGRESS, Status.IMPLEMENTED, Status.REJECTED)

    def is_open(self) -> bool:
        return self.item.in_follow_up

    def unit(self) -> Any:
        return self.item.owner_unit

    def closing_form(self, data) -> TransitionForm:
        return TransitionForm(data, recommendation=self.item, statuses=self.owner_statuses, prefix="status")

    def save_update(self, data: dict[str, Any]) -> None:
        recommendation, by = self.item, self.request.user
        with transaction.atomic():
            services.recommendation_set_progress(
                recommendation=recommendation, progress=data["progress"], by=by, note=data["note"]
            )
            services.recommendation_set_statement(recommendation=recommendation, statement=data["statement"], by=by)
            if data["due_date"] and data["due_date"] != recommendation.due_date:
                recommendation.refresh_from_db()
                services.recommendation_update(
                    recommendation=recommendation, due_date=data["due_date"], by=by, note=data["note"]
                )

    def add_milestone(self, *, title: str, due_date) -> None:
        services.milestone_add(recommendation=self.item, title=title, due_date=due_date, by=self.request.user)

    def complete_milestone(self, pk) -> None:
        item = get_object_or_404(Milestone, pk=pk, recommendation=self.item)
        services.milestone_complete(milestone=item, by=self.request.user)

    def close(self, form) -> str:
        services.recommendation_transition(
            recommendation=self.item,
            to_status=form.cleaned_data["to_status"],
            by=self.request.user,
            note=form.cleaned_data["note"],
            reason=form.cleaned_data["reason"],
            decision=form.decision(),
        )
        return _("Der Status wurde geändert.")

    def assign(self, *, unit, owners: list, note: str) -> None:
        services.recommendation_assign(
            recommendation=self.item, unit=unit, owners=owners, note=note, by=self.request.user
        )

    def redirect(self) -> HttpResponse:
        return redirect("recommendations:followup_recommendation", slug=self.item.slug)

    def page_context(self) -> dict[str, Any]:
        return {
            "recommendation": self.item,
            "history": list(self.item.history.select_related("actor").order_by("-created_at", "-pk")[:30]),
        }


@login_required
def followup_commitment(request: HttpRequest, pk: int) -> HttpResponse:
    """One commitment in the workspace: update progress and statement, add milestones, close or drop it, and
    (the Fachteam) reassign it."""
    commitment = get_object_or_404(Commitment.objects.select_related("workshop", "unit"), pk=pk)
    return _CommitmentPage(request, commitment).respond()


@login_required
def followup_recommendation(request: HttpRequest, slug: str) -> HttpResponse:
    """One recommendation in the workspace: progress, statement, milestones, implemented or rejected (with
    reason and decision), and (the Fachteam) reassignment."""
    recommendation = get_object_or_404(Recommendation.objects.select_related("owner_unit"), slug=slug)
    return _RecommendationPage(request, recommendation).respond()
