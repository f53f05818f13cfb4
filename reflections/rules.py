"""Permissions of the reflections app (django-rules), built on the role predicates of accounts/rules.py
and the workshop predicates of workshops/rules.py.

Objects: a Workshop (or anything with a workshop: Reflection, Commitment, ResultPhoto); for the dashboard
a District or nothing (then the selector restricts district staff to their own districts)."""

import rules

from accounts.rules import is_district_staff, is_district_staff_for_district, is_fachteam, is_moderation
from workshops.rules import (
    is_district_staff_for_workshop,
    is_facilitator_of,
    is_lead_of,
    is_lead_or_co_of,
    is_team_member,
)


@rules.predicate
def is_reflection_author(user, reflection=None) -> bool:
    if reflection is None or not getattr(user, "is_authenticated", False):
        return False
    return getattr(reflection, "author_id", None) == user.pk


# The workspace at /moderation/: facilitators, district staff and the Fachteam (and anyone on a team).
rules.add_perm("reflections.use_workspace", is_fachteam | is_moderation | is_district_staff | is_team_member)
# Write one's own reflection on a workshop: every team member (issue 12). Facilitators get the full criteria
# form; Politik, Fachbereich, district office, experts and network partners the short perspective form.
rules.add_perm("reflections.add_reflection", is_team_member)
# The joint debrief page: who may read the reflections; the lead records the agreed insights and closes it.
rules.add_perm("reflections.view_debrief", is_fachteam | is_district_staff_for_workshop | is_team_member)
rules.add_perm("reflections.complete_debrief", is_lead_of)
# Attendees' review of the documentation: the lead opens it, answers, revises the summary and publishes.
rules.add_perm("reflections.manage_review", is_lead_of)
# The follow-up reflection three months later: every team member.
rules.add_perm("reflections.add_follow_up", is_team_member)
# The joint public summary is written by the lead.
rules.add_perm("reflections.write_public_summary", is_lead_of)
# Read the (internal) reflections of a workshop: its team, the district office of it, the Fachteam.
rules.add_perm("reflections.view_reflections", is_fachteam | is_district_staff_for_workshop | is_team_member)
rules.add_perm("reflections.reopen_reflection", is_fachteam | is_reflection_author)
# Internal notes of reflections (issue 15.6): lead, co-facilitators and the Fachteam; other readers see that
# there are notes (a count), not what they say. Authors always read their own.
rules.add_perm("reflections.view_internal_notes", is_fachteam | is_lead_or_co_of | is_reflection_author)
# Participants' free comments (may name people): lead, co-facilitators and the Fachteam only.
rules.add_perm("reflections.view_feedback_comments", is_fachteam | is_lead_or_co_of)
# Result photos: the facilitating team and the Fachteam.
rules.add_perm("reflections.manage_photos", is_fachteam | is_facilitator_of)
# Dashboard and open documentation: Fachteam (all districts), district offices (their districts).
rules.add_perm("reflections.view_dashboard", is_fachteam | is_district_staff_for_district)
rules.add_perm("reflections.view_documentation_debt", is_fachteam | is_district_staff_for_district)

# Model permissions the admin asks for. The Fachteam edits criteria, commitments and photos.
rules.add_perm("reflections", is_fachteam)
for _model in (
    "qualitycriterion",
    "reflection",
    "criterionrating",
    "methoduse",
    "insight",
    "commitment",
    "resultphoto",
    "feedbackresponse",
    "feedbackcriterionanswer",
):
    rules.add_perm(f"reflections.view_{_model}", is_fachteam)
for _model in ("qualitycriterion", "commitment", "resultphoto", "reflection"):
    rules.add_perm(f"reflections.change_{_model}", is_fachteam)
for _model in ("qualitycriterion", "commitment", "resultphoto"):
    rules.add_perm(f"reflections.add_{_model}", is_fachteam)
rules.add_perm("reflections.delete_resultphoto", is_fachteam)


@rules.predicate
def is_commitment_owner(user, commitment=None) -> bool:
    """Named as responsible for the commitment, or a member of its responsible unit."""
    if commitment is None or not getattr(user, "is_authenticated", False):
        return False
    if commitment.owners.filter(pk=user.pk).exists():
        return True
    return commitment.unit_id is not None and commitment.unit.members.filter(pk=user.pk).exists()


# Follow-through (issue 13): owners update their commitments; the Fachteam may too and reassigns them.
rules.add_perm("reflections.update_commitment", is_fachteam | is_commitment_owner)
rules.add_perm("reflections.assign_commitment", is_fachteam)
