"""Personal-data provider of the planning app (interface: core.registry).

What this app holds about a person: their facilitation record, coaching notes about them (and written
by them), the plans they planned, their checklist tasks and review comments. On erasure the record and
the notes about the person are deleted (they describe the person); plans, tasks, comments, concepts and
change points are the city's documentation and only lose the link to the account."""

from __future__ import annotations

from typing import Any

from core.registry import PersonalDataProvider, register_personal_data

MODELS = (
    "planning.facilitationrecord",
    "planning.coachingnote",
    "planning.workshopplan",
    "planning.plantask",
    "planning.plancomment",
    "planning.concept",
    "planning.conceptversion",
    "planning.changepoint",
)


def export(*, email: str, user: Any = None) -> dict:
    from .models import CoachingNote, FacilitationRecord, PlanComment, PlanTask, WorkshopPlan

    if user is None or not user.pk:
        return {}
    return {
        "facilitation_record": [
            {"workshop": r.workshop.title, "role": r.role, "confirmed_at": r.confirmed_at}
            for r in FacilitationRecord.objects.filter(person=user).select_related("workshop")
        ],
        "coaching_notes": [
            {"workshop": n.workshop.title, "text": n.text, "created_at": n.created_at}
            for n in CoachingNote.objects.filter(person=user).select_related("workshop")
        ],
        "plans": [
            {"workshop": p.workshop.title, "status": p.status}
            for p in WorkshopPlan.objects.filter(planner=user).select_related("workshop")
        ],
        "tasks": [
            {"title": t.title, "due_date": t.due_date, "done_at": t.done_at}
            for t in PlanTask.objects.filter(assignee=user)
        ],
        "comments": [{"text": c.text, "created_at": c.created_at} for c in PlanComment.objects.filter(author=user)],
    }


def erase(*, email: str, user: Any = None, by: Any = None) -> int:
    from .models import (
        ChangePoint,
        CoachingNote,
        Concept,
        ConceptVersion,
        FacilitationRecord,
        PlanComment,
        PlanTask,
        WorkshopPlan,
    )

    if user is None or not user.pk:
        return 0
    touched = FacilitationRecord.objects.filter(person=user).delete()[0]
    touched += CoachingNote.objects.filter(person=user).delete()[0]
    touched += CoachingNote.objects.filter(coach=user).update(coach=None)
    touched += WorkshopPlan.objects.filter(planner=user).update(planner=None)
    touched += PlanTask.objects.filter(assignee=user).update(assignee=None)
    touched += PlanTask.objects.filter(done_by=user).update(done_by=None)
    touched += PlanComment.objects.filter(author=user).update(author=None)
    touched += WorkshopPlan.objects.filter(approved_by=user).update(approved_by=None)
    touched += Concept.objects.filter(created_by=user).update(created_by=None)
    touched += ConceptVersion.objects.filter(created_by=user).update(created_by=None)
    touched += ChangePoint.objects.filter(created_by=user).update(created_by=None)
    touched += FacilitationRecord.objects.filter(confirmed_by=user).update(confirmed_by=None)
    return touched


def register() -> None:
    register_personal_data(PersonalDataProvider("planning", export, erase, erase_order=60, models=MODELS))
