"""Pages of the planning app: the planning workspace (/planung/) and the public concepts (/konzepte/)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.roles import user_is_fachteam
from core.exceptions import ApplicationError
from districts.models import District
from workshops.models import Workshop, WorkshopTeamMember

from . import selectors, services
from .forms import (
    AgendaFormSet,
    ChangePointForm,
    CoachingNoteForm,
    DuplicateForm,
    PlanEditForm,
    PlanForm,
    RecordForm,
    TeamMemberForm,
    TextForm,
)
from .models import ConceptVersion, FacilitationRecord, FacilitationRole, PlanTask, WorkshopPlan


def _require(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _plan(request: HttpRequest, pk: int, perm: str = "planning.view_plan") -> WorkshopPlan:
    plan = selectors.plan_detail(pk=pk)
    if plan is None:
        raise Http404
    _require(request, perm, plan)
    return plan


def _posted_pk(value: str | None) -> int:
    """A primary key from a form post; 0 (matches nothing) for anything but ASCII digits, so a bad id is a
    404 instead of a ValueError from the lookup."""
    value = value or ""
    return int(value) if value.isascii() and value.isdigit() else 0


def _first_error(form: Any) -> str:
    return next((str(message) for errors in form.errors.values() for message in errors), "")


def _districts_for(user: Any):
    if user_is_fachteam(user):
        return District.objects.all()
    return District.objects.filter(pk__in=user.districts.values("pk"))


# --- workspace ------------------------------------------------------------------------------------------------


@login_required
@never_cache
def workspace(request: HttpRequest) -> HttpResponse:
    """The planning workspace: plans to review (Fachteam), open plans, my checklist tasks."""
    _require(request, "planning.use_workspace")
    data = selectors.workspace_for(user=request.user)
    return render(
        request,
        "planning/workspace.html",
        {
            "workspace": data,
            "today": timezone.localdate(),
            "is_fachteam": user_is_fachteam(request.user),
            "district_stage_labels": {d: selectors.DistrictStage(s).label for d, s in data.stages.items()},
        },
    )


@login_required
@never_cache
def plan_create(request: HttpRequest) -> HttpResponse:
    _require(request, "planning.add_plan")
    districts = _districts_for(request.user).order_by("number")
    versions = (
        ConceptVersion.objects.filter(concept__is_public=True)
        .select_related("concept")
        .order_by("concept__title", "-number")
    )
    initial = {}
    if version := _posted_pk(request.GET.get("version")):
        initial["concept_version"] = version
    if districts.count() == 1:
        initial["district"] = districts.first()
    form = PlanForm(request.POST or None, districts=districts, versions=versions, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(
                concept_version=form.cleaned_data["concept_version"],
                district=form.cleaned_data["district"],
                planner=request.user,  # type: ignore[arg-type]
                starts_at=form.starts_at,
                venue=form.cleaned_data["venue"],
                title=form.cleaned_data["title"],
                capacity=form.cleaned_data["capacity"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Die Planung ist angelegt. Passen Sie Programm und Team an und reichen Sie sie ein.")
            )
            return redirect(plan)
    return render(request, "planning/plan_form.html", {"form": form})


@login_required
@never_cache
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    user = request.user
    today = timezone.localdate()
    return render(
        request,
        "planning/plan_detail.html",
        {
            "plan": plan,
            "workshop": plan.workshop,
            "today": today,
            "tasks": list(plan.tasks.all()),
            "comments": list(plan.comments.all()),
            "agenda": list(plan.workshop.agenda.all()),
            "team": list(plan.workshop.team.all()),
            "comment_form": TextForm(),
            "team_form": TeamMemberForm(),
            "can_change": user.has_perm("planning.change_plan", plan),
            "can_submit": user.has_perm("planning.submit_plan", plan),
            "can_review": user.has_perm("planning.review_plan", plan),
            "can_publish": user.has_perm("planning.publish_plan", plan),
            "can_comment": user.has_perm("planning.comment_plan", plan),
            "can_tick": user.has_perm("planning.tick_task", plan),
            "without_review": plan.status != "approved" and user.has_perm("planning.publish_plan", plan),
            "district_stage": selectors.district_stage_of(district=plan.district),
            "can_reassign": user.has_perm("planning.reassign_plan", plan) and plan.status != "published",
            "planners": selectors.planners_of(district=plan.district),
            "can_duplicate": user.has_perm("planning.duplicate_plan", plan) and user.has_perm("planning.add_plan"),
            "duplicate_form": DuplicateForm(),
        },
    )


@login_required
@never_cache
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk, "planning.change_plan")
    workshop = plan.workshop
    start, end = timezone.localtime(workshop.starts_at), timezone.localtime(workshop.ends_at)
    form = PlanEditForm(
        request.POST or None,
        district=plan.district,
        initial={
            "title": workshop.title,
            "description": workshop.description,
            "day": start.date(),
            "start": start.time(),
            "end": end.time(),
            "venue": plan.venue,
            "capacity": workshop.capacity,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(
                plan=plan,
                by=request.user,
                starts_at=form.starts_at,
                ends_at=form.ends_at,
                venue=form.cleaned_data["venue"],
                clear_venue=form.cleaned_data["venue"] is None,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                capacity=form.cleaned_data["capacity"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Die Änderungen sind gespeichert."))
            return redirect(plan)
    return render(request, "planning/plan_edit.html", {"plan": plan, "form": form})


@login_required
@never_cache
def plan_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk, "planning.change_plan")
    initial = [
        {"title": a.title, "duration_minutes": a.duration_minutes, "method": a.method_id}
        for a in plan.workshop.agenda.all()
    ]
    formset = AgendaFormSet(request.POST or None, initial=initial, prefix="agenda")
    if request.method == "POST" and formset.is_valid():
        items = [
            services.AgendaStep(
                f.cleaned_data["title"],
                f.cleaned_data["duration_minutes"],
                f.cleaned_data["method"].pk if f.cleaned_data.get("method") else None,
            )
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            services.plan_agenda_set(plan=plan, by=request.user, items=items)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Das Programm ist gespeichert."))
        return redirect(plan)
    return render(
        request,
        "planning/plan_agenda.html",
        {"plan": plan, "formset": formset},
        status=400 if formset.is_bound else 200,
    )


@login_required
@require_POST
def plan_team(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk, "planning.change_plan")
    form = TeamMemberForm(request.POST)
    if form.is_valid():
        try:
            services.plan_team_add(
                plan=plan, by=request.user, user=form.cleaned_data["email"], role=form.cleaned_data["role"]
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Das Team ist ergänzt."))
    else:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, str(message))
    return redirect(plan)


ACTIONS = {
    "submit": ("planning.submit_plan", _("Die Planung ist zur Prüfung eingereicht.")),
    "comment": ("planning.comment_plan", _("Ihr Kommentar ist gespeichert.")),
    "request_changes": ("planning.review_plan", _("Die Planung geht mit Ihren Änderungswünschen zurück.")),
    "approve": ("planning.review_plan", _("Die Planung ist freigegeben.")),
    "publish": ("planning.publish_plan", _("Die Werkstatt ist veröffentlicht.")),
    "reassign": ("planning.reassign_plan", _("Die Planung ist übertragen.")),
    "duplicate": ("planning.duplicate_plan", _("Eine neue Planung aus derselben Konzeptversion ist angelegt.")),
}


@login_required
@require_POST
def plan_action(request: HttpRequest, pk: int) -> HttpResponse:
    """One step of the workflow (submit, comment, request changes, approve, publish), by POST."""
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        messages.error(request, _("Unbekannter Schritt."))
        return redirect("planning:plan_detail", pk=pk)
    perm, done = ACTIONS[action]
    plan = _plan(request, pk, perm)
    text_form = TextForm(request.POST)
    if not text_form.is_valid():
        messages.error(request, _first_error(text_form))
        return redirect(plan)
    text = text_form.cleaned_data["text"]
    try:
        if action == "submit":
            services.plan_submit(plan=plan, by=request.user, note=text)
        elif action == "comment":
            services.plan_comment(plan=plan, by=request.user, text=text)
        elif action == "request_changes":
            services.plan_request_changes(plan=plan, by=request.user, text=text)
        elif action == "approve":
            services.plan_approve(plan=plan, by=request.user, text=text)
        elif action == "duplicate":
            form = DuplicateForm(request.POST)
            if not form.is_valid():
                raise ApplicationError(_first_error(form) or _("Bitte geben Sie Datum und Beginn an."))
            copy = services.plan_duplicate(plan=plan, by=request.user, starts_at=form.starts_at)  # type: ignore[arg-type]
            messages.success(request, str(done))
            return redirect(copy)
        elif action == "reassign":
            planner = get_object_or_404(User, pk=_posted_pk(request.POST.get("planner")))
            services.plan_reassign(plan=plan, by=request.user, planner=planner)
        else:
            services.plan_publish(plan=plan, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, str(done))
    return redirect(plan)


@login_required
@require_POST
def task_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(PlanTask.objects.select_related("plan"), pk=pk)
    _require(request, "planning.tick_task", task.plan)
    services.plan_task_set_done(task=task, by=request.user, done=request.POST.get("done") == "1")
    return redirect(f"{task.plan.get_absolute_url()}#checkliste")


# --- facilitation record of a workshop -----------------------------------------------------------------------


@login_required
@never_cache
def workshop_record(request: HttpRequest, slug: str) -> HttpResponse:
    """Roles actually taken (recorded from the team, confirmed after the workshop), coaching notes and the
    points to change in the concept next time."""
    workshop = get_object_or_404(Workshop.objects.select_related("district"), slug=slug)
    plan = WorkshopPlan.objects.filter(workshop=workshop).select_related("district").first()
    target: Any = plan or workshop
    may_record = request.user.has_perm("planning.record_roles", target) or request.user.has_perm(
        "planning.record_roles", workshop
    )
    may_coach = request.user.has_perm("planning.add_coaching_note")
    if not (may_record or may_coach):
        raise PermissionDenied
    team_ids = list(WorkshopTeamMember.objects.filter(workshop=workshop).values_list("user_id", flat=True))
    people = User.objects.filter(pk__in=team_ids).order_by("name", "email")
    coaching_form = CoachingNoteForm(people=people)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "record" and may_record:
                form = RecordForm(request.POST)
                if form.is_valid():
                    person = get_object_or_404(User, pk=form.cleaned_data["person"])
                    services.facilitation_record_set(
                        workshop=workshop, person=person, role=form.cleaned_data["role"], by=request.user
                    )
                    messages.success(request, _("Die Rolle ist gespeichert."))
                else:
                    messages.error(request, _first_error(form))
            elif action == "confirm" and may_record:
                services.facilitation_confirm_workshop(workshop=workshop, by=request.user)
                messages.success(request, _("Die Rollen sind bestätigt."))
            elif action == "coaching" and may_coach:
                coaching_form = CoachingNoteForm(request.POST, people=User.objects.filter(is_active=True))
                if coaching_form.is_valid():
                    services.coaching_note_add(
                        person=coaching_form.cleaned_data["person"],
                        workshop=workshop,
                        coach=request.user,  # type: ignore[arg-type]
                        text=coaching_form.cleaned_data["text"],
                    )
                    messages.success(request, _("Die Coaching-Notiz ist gespeichert."))
                else:
                    messages.error(request, _first_error(coaching_form))
            elif action == "change_point" and may_record:
                point_form = ChangePointForm(request.POST)
                if point_form.is_valid():
                    services.change_point_add(workshop=workshop, text=point_form.cleaned_data["text"], by=request.user)
                    messages.success(request, _("Der Punkt steht jetzt beim Konzept."))
                else:
                    messages.error(request, _first_error(point_form))
            else:
                raise PermissionDenied
        except ApplicationError as error:
            messages.error(request, error.message)
        return redirect("planning:workshop_record", slug=workshop.slug)
    records = {r.person_id: r for r in FacilitationRecord.objects.filter(workshop=workshop)}
    rows = [
        {
            "person": p,
            "record": records.get(p.pk),
            "form": RecordForm(
                initial={"person": p.pk, "role": getattr(records.get(p.pk), "role", FacilitationRole.OBSERVER)}
            ),
        }
        for p in people
    ]
    notes = selectors.coaching_notes_visible_to(user=request.user, person_ids=team_ids, workshop=workshop)
    return render(
        request,
        "planning/workshop_record.html",
        {
            "workshop": workshop,
            "plan": plan,
            "rows": rows,
            "may_record": may_record,
            "may_coach": may_coach,
            "coaching_form": coaching_form,
            "notes": notes,
            "point_form": ChangePointForm(),
            "held": workshop.starts_at <= timezone.now(),
        },
    )


# --- public concepts ----------------------------------------------------------------------------------------


def concept_list(request: HttpRequest) -> HttpResponse:
    concepts = list(selectors.concepts_public().order_by("title"))
    return render(request, "planning/concept_list.html", {"concepts": concepts})


def concept_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = selectors.concept_page(slug=slug)
    if page is None:
        raise Http404
    return render(
        request,
        "planning/concept_detail.html",
        {
            "page": page,
            "concept": page.concept,
            "latest": page.versions[-1] if page.versions else None,
            "can_plan": request.user.has_perm("planning.add_plan"),
        },
    )
