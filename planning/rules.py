"""Object permissions of the planning app (django-rules; role predicates from the lower apps).

Planners are district offices and authorised network partners (the role and at least one assigned
district, User.districts); they see and edit only their districts' plans. The Fachteam sees, comments on
and reviews everything. Coaching notes stay with the person they are about, their coach and the Fachteam."""

from __future__ import annotations

from typing import Any

import rules

from accounts.rules import is_fachteam
from workshops.rules import is_lead_of

from . import selectors
from .models import EDITABLE_PLAN_STATUSES, PlanStatus


def _plan_district_id(obj: Any) -> int | None:
    if obj is None:
        return None
    district_id = getattr(obj, "district_id", None)
    if district_id is None and getattr(obj, "plan", None) is not None:
        district_id = obj.plan.district_id
    return district_id


@rules.predicate
def is_planner(user: Any) -> bool:
    return selectors.is_planner(user)


@rules.predicate
def is_planner_for(user: Any, obj: Any = None) -> bool:
    """A planner whose districts contain the plan's district (without an object: any planner)."""
    if not selectors.is_planner(user):
        return False
    if obj is None:
        return True
    district_id = _plan_district_id(obj)
    return district_id is not None and user.districts.filter(pk=district_id).exists()


@rules.predicate
def is_editable(user: Any, obj: Any = None) -> bool:
    return obj is not None and obj.status in EDITABLE_PLAN_STATUSES


@rules.predicate
def is_submitted(user: Any, obj: Any = None) -> bool:
    return obj is not None and obj.status == PlanStatus.SUBMITTED


@rules.predicate
def is_publishable(user: Any, obj: Any = None) -> bool:
    if obj is None:
        return False
    if obj.status == PlanStatus.APPROVED:
        return True
    return obj.status in EDITABLE_PLAN_STATUSES and selectors.district_stage_of(district=obj.district) == "eigenregie"


@rules.predicate
def is_coach(user: Any) -> bool:
    """Process team (by organisation kind) or Fachteam."""
    return bool(user is not None and user.is_authenticated and user.is_active) and (
        is_fachteam(user) or selectors.is_process_team(user)
    )


@rules.predicate
def is_note_subject_or_author(user: Any, obj: Any = None) -> bool:
    return obj is not None and user.is_authenticated and user.pk in (obj.person_id, obj.coach_id)


can_plan = is_fachteam | is_planner
rules.add_perm("planning.use_workspace", can_plan)
rules.add_perm("planning.add_plan", can_plan)
rules.add_perm("planning.view_plan", is_fachteam | is_planner_for)
rules.add_perm("planning.comment_plan", is_fachteam | is_planner_for)
rules.add_perm("planning.change_plan", (is_fachteam | is_planner_for) & is_editable)
rules.add_perm("planning.submit_plan", is_planner_for & is_editable)
rules.add_perm("planning.review_plan", is_fachteam & is_submitted)
rules.add_perm("planning.publish_plan", (is_fachteam | is_planner_for) & is_publishable)
rules.add_perm("planning.reassign_plan", is_fachteam)
rules.add_perm("planning.duplicate_plan", is_fachteam | is_planner_for)
rules.add_perm("planning.tick_task", is_fachteam | is_planner_for)
# The facilitation record of a workshop: the Fachteam, the workshop's lead and the district's planners.
rules.add_perm("planning.record_roles", is_fachteam | is_lead_of | is_planner_for)
rules.add_perm("planning.add_coaching_note", is_coach)
rules.add_perm("planning.view_coaching_note", is_fachteam | is_note_subject_or_author)

# Admin: concepts, venues, thresholds and records are the Fachteam's (RoleBackend grants it the model perms).
rules.add_perm("planning", is_fachteam)
