"""Permissions of the reflections app (django-rules), built on the predicates of workshops/rules.py.

Objects: a Workshop (or anything with a workshop: Reflection, Commitment, ResultPhoto); for the dashboard
a District or nothing (then the selector restricts district staff to their own districts)."""

import rules

from workshops.rules import (
    is_district_staff,
    is_district_staff_for_workshop,
    is_fachteam,
    is_facilitator_of,
    is_lead_of,
    is_moderation,
    is_team_member,
)


@rules.predicate
def is_reflection_author(user, reflection=None) -> bool:
    if reflection is None or not getattr(user, "is_authenticated", False):
        return False
    return getattr(reflection, "author_id", None) == user.pk


@rules.predicate
def is_district_staff_for_district(user, district=None) -> bool:
    """District staff for that district; without a district: district staff with any district."""
    if not is_district_staff(user):
        return False
    if district is None:
        return user.districts.exists()
    return user.districts.filter(pk=district.pk).exists()


# The workspace at /moderation/: facilitators, district staff and the Fachteam (and anyone on a team).
rules.add_perm("reflections.use_workspace", is_fachteam | is_moderation | is_district_staff | is_team_member)
# Write one's own reflection on a workshop: its facilitating team (lead, co, trainee).
rules.add_perm("reflections.add_reflection", is_facilitator_of)
# The joint public summary is written by the lead.
rules.add_perm("reflections.write_public_summary", is_lead_of)
# Read the (internal) reflections of a workshop: its team, the district office of it, the Fachteam.
rules.add_perm("reflections.view_reflections", is_fachteam | is_district_staff_for_workshop | is_team_member)
rules.add_perm("reflections.reopen_reflection", is_fachteam | is_reflection_author)
# Participants' free comments (may name people): the team and the Fachteam only.
rules.add_perm("reflections.view_feedback_comments", is_fachteam | is_team_member)
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
