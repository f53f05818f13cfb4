"""Permissions of the recommendations app (django-rules), built on the role predicates of accounts.rules.

Drafts are visible to the Beteiligungsnetzwerk and the Fachteam, who comment and endorse while a
recommendation is a draft or in consultation; only the Fachteam edits and changes the status. Reports are
requested by the Fachteam and district staff (for their districts); a job is seen by whoever requested it
and by the Fachteam."""

import rules

from accounts.rules import (
    is_district_staff,
    is_district_staff_for_district,
    is_fachbereich,
    is_fachteam,
    is_moderation,
    is_network_member,
    is_politik,
)


@rules.predicate
def is_public_recommendation(user, recommendation=None) -> bool:
    return recommendation is not None and recommendation.is_public


@rules.predicate
def is_open_for_comments(user, recommendation=None) -> bool:
    """Without an object: "for at least one" (a menu entry, a list)."""
    return recommendation is None or recommendation.open_for_comments


@rules.predicate
def is_requester(user, job=None) -> bool:
    return job is not None and user.is_authenticated and job.requested_by_id == user.pk


co_creators = is_fachteam | is_network_member

rules.add_perm("recommendations", is_fachteam)  # admin module
rules.add_perm("recommendations.view_draft", co_creators)
rules.add_perm("recommendations.view_recommendation", is_public_recommendation | co_creators)
rules.add_perm("recommendations.view_comments", co_creators)
rules.add_perm("recommendations.comment", co_creators & is_open_for_comments)
rules.add_perm("recommendations.endorse", co_creators & is_open_for_comments)
rules.add_perm("recommendations.add_recommendation", is_fachteam)

# Issue 12: proposals and the open consultation. Anyone involved proposes; the Fachteam answers proposals,
# opens consultations and answers every contribution. Who may contribute to a consultation is decided by its
# invited roles and window (services.may_contribute).
proposers = is_fachteam | is_district_staff | is_moderation | is_politik | is_fachbereich | is_network_member


@rules.predicate
def is_proposer(user, proposal=None) -> bool:
    return proposal is not None and user.is_authenticated and proposal.proposed_by_id == user.pk


rules.add_perm("recommendations.propose", proposers)
rules.add_perm("recommendations.see_proposal", is_fachteam | is_proposer)
rules.add_perm("recommendations.answer_proposal", is_fachteam)
rules.add_perm("recommendations.open_consultation", is_fachteam)
rules.add_perm("recommendations.respond_contribution", is_fachteam)
rules.add_perm("recommendations.change_recommendation", is_fachteam)
rules.add_perm("recommendations.delete_recommendation", is_fachteam)
for _model in (
    "fieldofaction",
    "milestone",
    "comment",
    "endorsement",
    "historyentry",
    "recommendationversion",
    "proposal",
    "consultation",
    "contribution",
    "contributionresponse",
):
    for _action in ("view", "add", "change", "delete"):
        rules.add_perm(f"recommendations.{_action}_{_model}", is_fachteam)

# Reports: the staff pages (/berichte/) and the admin.
can_request_reports = is_fachteam | is_district_staff
rules.add_perm("recommendations.request_report", can_request_reports)
rules.add_perm("recommendations.request_district_report", is_fachteam | is_district_staff_for_district)
rules.add_perm("recommendations.view_reportjob", is_fachteam | is_requester)
rules.add_perm("recommendations.add_reportjob", is_fachteam)
rules.add_perm("recommendations.change_reportjob", is_fachteam)
rules.add_perm("recommendations.delete_reportjob", is_fachteam)


@rules.predicate
def is_recommendation_owner(user, recommendation=None) -> bool:
    """Named as responsible for the recommendation, or a member of its responsible unit."""
    if recommendation is None or not getattr(user, "is_authenticated", False):
        return False
    if recommendation.owners.filter(pk=user.pk).exists():
        return True
    unit_id = recommendation.owner_unit_id
    return unit_id is not None and recommendation.owner_unit.members.filter(pk=user.pk).exists()


@rules.predicate
def answers_for_something(user) -> bool:
    """Owner of a commitment or recommendation, or member of an organisation unit (cached per request)."""
    return user_answers_for_something(user)


def user_answers_for_something(user) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.pk:
        return False
    cached = getattr(user, "_hb_answers_for", None)
    if cached is None:
        cached = (
            user.organisation_units.exists() or user.owned_commitments.exists() or user.owned_recommendations.exists()
        )
        user._hb_answers_for = cached
    return cached


# Follow-through (issue 13): the owners' workspace /verbindlichkeit/.
rules.add_perm("recommendations.use_followup", is_fachteam | answers_for_something)
rules.add_perm("recommendations.update_as_owner", is_public_recommendation & (is_fachteam | is_recommendation_owner))
rules.add_perm("recommendations.assign_owners", is_fachteam)
for _model in ("decision", "body", "meeting", "paper", "agendaitem"):
    for _action in ("view", "add", "change", "delete"):
        rules.add_perm(f"recommendations.{_action}_{_model}", is_fachteam)
