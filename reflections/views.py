"""Pages of the reflections app: the facilitator workspace (/moderation/), the reflection form, the
documentation-debt list, the insight dashboard, the public documentation page and the participant survey."""

from __future__ import annotations

from datetime import date
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from core import fragments
from core.exceptions import ApplicationError
from core.files import serve_private_file
from core.models import AuditLog
from core.services import audit_log
from districts.models import District
from workshops.dates import clock_text
from workshops.models import Workshop, WorkshopTeamMember

from . import charts, selectors, services
from .forms import (
    DashboardFilterForm,
    DebriefForm,
    FeedbackForm,
    FollowUpForm,
    ReflectionFormBundle,
    ResultPhotoForm,
    ReviewAnswerForm,
    ReviewCommentForm,
    SummaryReviseForm,
    reflection_progress,
)
from .models import PERSPECTIVE_ROLES, DocumentationReview, FollowUpReflection, Reflection, ResultPhoto, ReviewComment


def _signed_in(request: HttpRequest) -> User:
    """The user of a login_required view (never anonymous there)."""
    return cast(User, request.user)


def _require(request: HttpRequest, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _posted_pk(value: str | None) -> int:
    """A primary key from a form post; 0 (matches nothing) for anything but ASCII digits, so a bad id is a
    404 instead of a ValueError from the lookup."""
    value = value or ""
    return int(value) if value.isascii() and value.isdigit() else 0


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
    own = Reflection.objects.filter(workshop=workshop, author=_signed_in(request)).first()
    may_export = request.user.is_staff and request.user.has_perm("workshops.export_attendees", workshop)
    feedback = selectors.feedback_summary(workshop=workshop)
    comments = []
    if feedback and request.user.has_perm("reflections.view_feedback_comments", workshop):
        comments = list(workshop.feedback_responses.exclude(comment="").values_list("comment", flat=True))
    team = selectors.workshop_team(workshop=workshop)
    return render(
        request,
        "reflections/workshop_workspace.html",
        {
            "workshop": workshop,
            "notes_count": sum(
                1
                for item in team
                if item["reflection"] and item["reflection"].is_submitted and item["reflection"].internal_notes
            ),
            **attendees,
            "may_see_support": may_see_support,
            "show_support": show_support,
            "team": team,
            "may_reflect": may_reflect and workshop.starts_at <= timezone.now(),
            "may_reflect_later": may_reflect and workshop.starts_at > timezone.now(),
            "own_reflection": own,
            "may_view_reflections": request.user.has_perm("reflections.view_reflections", workshop),
            "may_view_debrief": request.user.has_perm("reflections.view_debrief", workshop),
            "may_read_notes": request.user.has_perm("reflections.view_internal_notes", workshop),
            "may_follow_up": request.user.has_perm("reflections.add_follow_up", workshop),
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


def _is_perspective(workshop: Workshop, user, reflection: Reflection | None) -> bool:
    """Whether the user reflects with the short perspective form (a non-facilitating team role)."""
    if reflection is not None:
        return reflection.is_perspective
    role = workshop.team.filter(user_id=user.pk).values_list("role", flat=True).first()
    return role in PERSPECTIVE_ROLES


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
    reflection = Reflection.objects.filter(workshop=workshop, author=_signed_in(request)).first()
    is_lead = request.user.has_perm("reflections.write_public_summary", workshop)
    perspective = _is_perspective(workshop, request.user, reflection)
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
        bundle = ReflectionFormBundle(
            workshop=workshop, reflection=reflection, is_lead=is_lead, extra=extra, perspective=perspective
        )
        if reflection is not None and request.GET.get("pruefen") == "1":
            bundle.mark_missing(reflection)
        return _render_form(request, bundle, workshop=workshop, reflection=reflection)

    action = request.POST.get("action", "save")
    data = request.POST.copy()
    if action.startswith("remove-"):
        _kind, prefix, index = [*action.split("-", 2), "", ""][:3]
        # isdigit() alone lets "²" through, which int() refuses: only ASCII digits name a row.
        if prefix in ROW_FIELDS and index.isascii() and index.isdigit():
            _blank_row(data, prefix, int(index), ROW_FIELDS[prefix])
    bundle = ReflectionFormBundle(
        workshop=workshop, reflection=reflection, is_lead=is_lead, data=data, perspective=perspective
    )
    if not bundle.is_valid():
        # The error summary lists each problem once; the message only says that nothing was saved.
        messages.error(request, _("Der Entwurf wurde nicht gespeichert."))
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
        except services.ReflectionIncomplete:
            # The missing parts are listed once, in the error summary of the form (?pruefen=1).
            messages.error(request, _("Die Reflexion ist noch nicht vollständig. Ihr Entwurf ist gespeichert."))
            return redirect(f"{url}?pruefen=1")
        messages.success(request, _("Vielen Dank! Ihre Reflexion ist abgegeben."))
        return redirect("reflections:workspace")
    messages.success(request, _("Der Entwurf ist gespeichert."))
    return redirect(url)


def _render_form(request, bundle: ReflectionFormBundle, *, workshop, reflection, status: int = 200) -> HttpResponse:
    return render(
        request,
        "reflections/reflection_form_perspective.html" if bundle.perspective else "reflections/reflection_form.html",
        {
            "workshop": workshop,
            "reflection": reflection,
            "bundle": bundle,
            "errors": bundle.error_summary(),
            "autosave_url": reverse("reflections:reflection_autosave", kwargs={"slug": workshop.slug}),
            "progress": reflection_progress(reflection, is_lead=bundle.is_lead, perspective=bundle.perspective),
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
    reflection = Reflection.objects.filter(workshop=workshop, author=_signed_in(request)).first()
    if reflection is not None and reflection.is_submitted:
        return JsonResponse({"saved": False, "message": _("Die Reflexion ist bereits abgegeben.")}, status=409)
    is_lead = request.user.has_perm("reflections.write_public_summary", workshop)
    bundle = ReflectionFormBundle(
        workshop=workshop,
        reflection=reflection,
        is_lead=is_lead,
        data=request.POST,
        perspective=_is_perspective(workshop, request.user, reflection),
    )
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
    at = clock_text(timezone.now())
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
            "may_read_notes": request.user.has_perm("reflections.view_internal_notes", reflection),
        },
    )


# --- joint debrief and follow-up reflection (issue 12) ----------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def debrief(request: HttpRequest, slug: str) -> HttpResponse:
    """The joint debrief: every perspective's ratings per criterion next to the participants' survey (n ≥ 5),
    the spread of opinions, what each takes back, and the agreed insights the lead records and closes."""
    workshop = _workshop_for_staff(request, slug, "reflections.view_debrief")
    may_complete = request.user.has_perm("reflections.complete_debrief", workshop)
    form = None
    status = 200
    if request.method == "POST":
        if not may_complete:
            raise PermissionDenied
        action = request.POST.get("action", "save")
        try:
            if action == "reopen":
                services.debrief_reopen(workshop=workshop, by=request.user)
                messages.success(request, _("Die Nachbesprechung ist wieder offen."))
                return redirect("reflections:debrief", slug=workshop.slug)
            form = DebriefForm(request.POST)
            if form.is_valid():
                with transaction.atomic():
                    services.debrief_save(
                        workshop=workshop, agreed_insights=form.cleaned_data["agreed_insights"], by=request.user
                    )
                    if action == "done":
                        services.debrief_complete(workshop=workshop, by=request.user)
                messages.success(
                    request,
                    _("Die Nachbesprechung ist abgeschlossen.")
                    if action == "done"
                    else _("Die gemeinsamen Erkenntnisse sind gespeichert."),
                )
                return redirect("reflections:debrief", slug=workshop.slug)
            status = 400
        except ApplicationError as error:
            messages.error(request, error.message)
            status = 400
    data = selectors.debrief_data(workshop=workshop)
    if form is None:
        form = DebriefForm(initial={"agreed_insights": data.debrief.agreed_insights if data.debrief else ""})
    return render(
        request,
        "reflections/debrief.html",
        {
            "workshop": workshop,
            "data": data,
            "form": form,
            "may_complete": may_complete and workshop.status in services.HELD_STATUSES,
            "may_follow_up": request.user.has_perm("reflections.add_follow_up", workshop),
            "min_count": selectors.min_count(),
        },
        status=status,
    )


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def follow_up(request: HttpRequest, slug: str) -> HttpResponse:
    """The follow-up reflection three months on: were the commitments kept, what changed, what did not."""
    workshop = _workshop_for_staff(request, slug, "reflections.add_follow_up")
    own = FollowUpReflection.objects.filter(workshop=workshop, author=_signed_in(request)).first()
    initial = (
        {
            "commitments_kept": own.commitments_kept,
            "commitments_note": own.commitments_note,
            "what_changed": own.what_changed,
            "what_did_not": own.what_did_not,
        }
        if own
        else {}
    )
    form = FollowUpForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_submit(workshop=workshop, author=request.user, data=form.to_data())
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Vielen Dank! Ihre Nachreflexion ist gespeichert."))
            return redirect("reflections:debrief", slug=workshop.slug)
    return render(
        request,
        "reflections/follow_up_form.html",
        {
            "workshop": workshop,
            "form": form,
            "own": own,
            "commitments": list(workshop.commitments.all().order_by("due_date", "order", "pk")),
            "due_at": services.follow_up_due_at(workshop),
        },
        status=400 if form.errors else 200,
    )


# --- attendees review the documentation (issue 12) -----------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def review(request: HttpRequest, token: str) -> HttpResponse:
    """An attendee reviews the draft documentation through their registration's manage link (no account):
    the summary and commitments, their own comments and flags with the lead's answers, and a form while the
    window is open. Anonymised registrations, people who are not asked and guessed tokens get a 404."""
    from workshops.selectors import registration_by_manage_token

    registration = registration_by_manage_token(token=token)
    if registration is None or not services.registration_may_review(registration=registration):
        return render(request, "reflections/review_unavailable.html", status=404)
    workshop = registration.workshop
    review_obj = DocumentationReview.objects.filter(workshop=workshop).first()
    if review_obj is None:
        return render(request, "reflections/review_unavailable.html", status=404)
    data = selectors.review_page_data(workshop=workshop)
    form = ReviewCommentForm(request.POST if request.method == "POST" else None, commitments=data["commitments"])
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.review_comment_add(
                    registration=registration,
                    text=form.cleaned_data["text"],
                    kind=form.cleaned_data["kind"],
                    commitment_id=form.commitment_id(),
                )
            except ApplicationError as error:
                messages.error(request, error.message)
                status = 400 if error.code != "review_closed" else 200
            else:
                messages.success(request, _("Vielen Dank! Ihr Hinweis ist bei der Moderation angekommen."))
                return redirect(request.path)
        else:
            status = 400
    own = list(
        ReviewComment.objects.filter(review=review_obj, registration=registration)
        .select_related("commitment")
        .order_by("created_at")
    )
    return render(
        request,
        "reflections/review.html",
        {
            "workshop": workshop,
            "registration": registration,
            "review": review_obj,
            "open": review_obj.accepts_comments(),
            "form": form,
            "own": own,
            **data,
        },
        status=status,
    )


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def review_manage(request: HttpRequest, slug: str) -> HttpResponse:
    """The lead's side of the review: open it (mails the attendees), answer every comment and flag, revise
    the summary, publish. The team and the Fachteam may read along."""
    workshop = _workshop_for_staff(request, slug, "reflections.view_reflections")
    may_manage = request.user.has_perm("reflections.manage_review", workshop)
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        action = request.POST.get("action", "")
        try:
            if action == "open":
                review_obj = services.documentation_review_open(workshop=workshop, by=request.user)
                messages.success(
                    request,
                    _("Die Prüfung ist geöffnet; %(count)s Teilnehmer*innen wurden eingeladen.")
                    % {"count": review_obj.invited},
                )
            elif action == "answer":
                comment = get_object_or_404(
                    ReviewComment, pk=_posted_pk(request.POST.get("comment")), review__workshop=workshop
                )
                answer_form = ReviewAnswerForm(request.POST)
                if not answer_form.is_valid():
                    raise ApplicationError(_("Bitte schreiben Sie eine Antwort."), code="answer_required")
                services.review_comment_answer(
                    comment=comment, answer=answer_form.cleaned_data["answer"], by=request.user
                )
                messages.success(request, _("Ihre Antwort ist gespeichert."))
            elif action == "revise":
                summary_form = SummaryReviseForm(request.POST)
                if not summary_form.is_valid():
                    raise ApplicationError(_("Die Zusammenfassung darf nicht leer sein."), code="summary_required")
                services.public_summary_revise(
                    workshop=workshop, text=summary_form.cleaned_data["public_summary"], by=request.user
                )
                messages.success(request, _("Die Zusammenfassung ist überarbeitet."))
            elif action == "publish":
                services.documentation_publish(workshop=workshop, by=request.user)
                messages.success(request, _("Die Dokumentation ist veröffentlicht."))
        except ApplicationError as error:
            messages.error(request, error.message)
        return redirect("reflections:review_manage", slug=workshop.slug)
    figures = selectors.review_figures(workshop=workshop)
    data = selectors.review_page_data(workshop=workshop)
    comments = list(figures.review.comments.select_related("commitment").order_by("created_at")) if figures else []
    lead_summary = next((r for r in data["summaries"] if r.author_role == WorkshopTeamMember.Role.LEAD), None)
    return render(
        request,
        "reflections/review_manage.html",
        {
            "workshop": workshop,
            "figures": figures,
            "comments": comments,
            "may_manage": may_manage,
            "reviewers": services.review_reviewers(workshop=workshop).count(),
            "summary_form": SummaryReviseForm(
                initial={"public_summary": lead_summary.public_summary if lead_summary else ""}
            ),
            "review_days": settings.DOCUMENTATION_REVIEW_DAYS,
            **data,
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
            photo = get_object_or_404(ResultPhoto, pk=_posted_pk(request.POST.get("photo")), workshop=workshop)
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
                form.add_error("image" if error.code.startswith("image") else "alt_text", error.message)
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


DEBTS_PER_PAGE = 50


@login_required
@never_cache
def documentation_debts(request: HttpRequest) -> HttpResponse:
    """Held workshops without every lead/co reflection, oldest first, with the overdue state."""
    _require(request, "reflections.view_documentation_debt")
    now = timezone.now()
    workshops = selectors.documentation_debt_workshops(now=now, districts=selectors.staff_districts(user=request.user))
    page = Paginator(workshops, DEBTS_PER_PAGE).get_page(request.GET.get("seite"))
    debts = selectors.documentation_debts(now=now, workshops=page.object_list)
    sent = selectors.documentation_debt_mails_sent(debts=debts)
    for debt in debts:
        debt.reminded = any(key in sent for key in selectors.debt_reminder_keys(debt))
        debt.escalated = selectors.debt_escalation_key(debt) in sent
    days = settings.REFLECTION_REMINDER_DAYS
    return render(
        request,
        "reflections/documentation_debt_list.html",
        {"debts": debts, "page": page, "reminder_days": days, "escalation_days": 2 * days},
    )


# --- dashboard -------------------------------------------------------------------------------------------------


@login_required
@never_cache
def dashboard(request: HttpRequest) -> HttpResponse:
    """Insight dashboard: criteria over time and per district, facilitators vs participants, reach and
    Eigenregie share; every chart with its table. District offices see their districts only."""
    _require(request, "reflections.view_dashboard")
    allowed = selectors.staff_districts(user=request.user)
    district_choices = list(District.objects.all() if allowed is None else allowed.order_by("number"))
    today = timezone.localdate()
    default_start = date(today.year - 2, 1, 1)
    form = DashboardFilterForm(
        request.GET or None,
        districts=district_choices,
        allow_all=allowed is None,
        initial={"von": default_start, "bis": today},
    )
    selected: District | None = None
    scope_districts: list[District] | None
    start: date | None = default_start
    # The default period ends today: planned workshops are no results yet.
    end: date | None = today
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
    # Aggregates over every held workshop in scope (seconds of database work at ten times city scale):
    # kept a minute per process and scope, like the page cache's contract (core.fragments).
    scope_key = None if scope_districts is None else tuple(d.pk for d in scope_districts)
    cache_key = ("reflections:dashboard", scope_key, start, end, get_language())
    data, dashboard_charts, team_diversity = fragments.get_or_render(
        cache_key,
        lambda: _dashboard_parts(scope_districts, start, end, scope_label),
    )
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
            "charts": dashboard_charts,
            "rows_time": rows_time,
            "rows_district": rows_district,
            "districts_with_data": districts_with_data,
            "comparison": [(c, data.facilitators.get(c.pk), data.participants[c.pk]) for c in data.compared_criteria],
            "reach_total": data.reach_total,
            "quarters": sorted(data.quarters, key=lambda q: (-q.people, q.quarter.name)),
            "team_diversity": team_diversity,
            "min_count": selectors.min_count(),
            "start": start,
            "end": end,
            "selected_district": selected,
        },
    )


def _dashboard_parts(scope_districts, start, end, scope_label):
    data = selectors.dashboard_data(districts=scope_districts, start=start, end=end)
    diversity = selectors.team_diversity(
        workshops=selectors.dashboard_scope(districts=scope_districts, start=start, end=end)
    )
    return data, charts.dashboard_charts(data, scope_label=scope_label), diversity


PHOTO_CONTENT_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


@require_http_methods(["GET", "HEAD"])
def photo_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The image of a result photo. Everyone gets public photos of documented workshops; other photos only
    those who may manage the workshop's photos (404 for everyone else, so nothing is confirmed)."""
    photo = get_object_or_404(ResultPhoto.objects.select_related("workshop"), pk=pk)
    public = photo.is_public and selectors.documented_workshops().filter(pk=photo.workshop_id).exists()
    if not public and not request.user.has_perm("reflections.manage_photos", photo.workshop):
        raise Http404
    if not photo.image:
        raise Http404
    extension = (photo.image.name or "").rsplit(".", 1)[-1].lower()
    content_type = PHOTO_CONTENT_TYPES.get(extension)
    if content_type is None:
        raise Http404  # only re-encoded images are served
    return serve_private_file(
        photo.image,
        content_type=content_type,
        cache_control="public, max-age=3600" if public else "private, no-store",
    )


# --- public documentation -------------------------------------------------------------------------------------------


def workshop_documentation(request: HttpRequest, slug: str) -> HttpResponse:
    """Public documentation of a held workshop: summary, commitments with status, feedback (n ≥ 5), photos,
    and the sections higher apps registered at core.hooks.WORKSHOP_DOCUMENTATION_SECTIONS."""
    workshop = get_object_or_404(selectors.documented_workshops(), slug=slug)
    documentation = selectors.workshop_documentation(workshop=workshop)
    return render(
        request,
        "reflections/workshop_documentation.html",
        {"workshop": workshop, "doc": documentation, "min_count": selectors.min_count()},
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
