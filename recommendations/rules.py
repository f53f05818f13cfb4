"""Permissions of the recommendations app (django-rules), built on the predicates of workshops.rules.

Drafts are visible to the Beteiligungsnetzwerk and the Fachteam, who comment and endorse while a
recommendation is a draft or in consultation; only the Fachteam edits and changes the status. Reports are
requested by the Fachteam and district staff (for their districts); a job is seen by whoever requested it
and by the Fachteam."""

import rules

from workshops.rules import is_district_staff, is_fachteam, is_network_member


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


@rules.predicate
def is_district_staff_for_district(user, district=None) -> bool:
    """District staff assigned to the district (User.districts); without an object: to any district."""
    if not is_district_staff(user):
        return False
    if district is None:
        return user.districts.exists()
    return user.districts.filter(pk=district.pk).exists()


co_creators = is_fachteam | is_network_member

rules.add_perm("recommendations", is_fachteam)  # admin module
rules.add_perm("recommendations.view_draft", co_creators)
rules.add_perm("recommendations.view_recommendation", is_public_recommendation | co_creators)
rules.add_perm("recommendations.view_comments", co_creators)
rules.add_perm("recommendations.comment", co_creators & is_open_for_comments)
rules.add_perm("recommendations.endorse", co_creators & is_open_for_comments)
rules.add_perm("recommendations.add_recommendation", is_fachteam)
rules.add_perm("recommendations.change_recommendation", is_fachteam)
rules.add_perm("recommendations.delete_recommendation", is_fachteam)
for _model in ("fieldofaction", "milestone", "comment", "endorsement", "historyentry", "recommendationversion"):
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
