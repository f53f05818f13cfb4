"""Personal-data provider of the recommendations app: a person's comments and endorsements (account holders).

Registered in RecommendationsConfig.ready; the interface is described in core.registry. Recommendations,
versions and history are the city's record; the account's name disappears from them when the account is
deleted (SET_NULL)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from core.registry import PersonalDataProvider, register_personal_data


def export(*, email: str, user) -> dict:
    from .models import Comment, Endorsement, ReportJob

    if user is None or not user.pk:
        return {"comments": [], "endorsements": []}
    from .models import Decision, Recommendation

    return {
        "recommendations_responsible_for": [
            {"title": r.title, "status": r.status, "due_date": r.due_date}
            for r in Recommendation.objects.filter(owners=user).order_by("created_at")
        ],
        "decisions_recorded": [
            {"recommendation": d.recommendation.title, "body": d.body_name, "reference": d.reference}
            for d in Decision.objects.filter(recorded_by=user).select_related("recommendation").order_by("pk")
        ],
        "comments": [
            {"recommendation": c.recommendation.title, "created_at": c.created_at, "text": c.text}
            for c in Comment.objects.filter(author=user).select_related("recommendation").order_by("created_at")
        ],
        "endorsements": [
            {"recommendation": e.recommendation.title, "created_at": e.created_at}
            for e in Endorsement.objects.filter(user=user).select_related("recommendation").order_by("created_at")
        ],
        "report_jobs": [
            {"title": j.title, "created_at": j.created_at, "status": j.status}
            for j in ReportJob.objects.filter(requested_by=user).order_by("created_at")
        ],
        **_consultation_export(user),
    }


def _consultation_export(user) -> dict:
    """Proposals, consultation contributions and what the person answered or opened (issue 12)."""
    from .models import Consultation, Contribution, ContributionResponse, Proposal

    return {
        "proposals": [
            {"title": p.title, "text": p.text, "rationale": p.rationale, "status": p.status, "answer": p.answer}
            for p in Proposal.objects.filter(Q(proposed_by=user) | Q(answered_by=user)).order_by("created_at")
        ],
        "consultation_contributions": [
            {
                "recommendation": c.consultation.recommendation.title,
                "kind": c.kind,
                "paragraph": c.paragraph,
                "text": c.text,
                "suggested_wording": c.suggested_wording,
                "created_at": c.created_at,
            }
            for c in Contribution.objects.filter(author=user)
            .select_related("consultation__recommendation")
            .order_by("created_at")
        ],
        "consultations_opened": [
            {"recommendation": c.recommendation.title, "starts_at": c.starts_at, "ends_at": c.ends_at}
            for c in Consultation.objects.filter(created_by=user).select_related("recommendation").order_by("pk")
        ],
        "contribution_responses": [
            {"outcome": r.outcome, "reason": r.reason, "responded_at": r.responded_at}
            for r in ContributionResponse.objects.filter(responded_by=user).order_by("pk")
        ],
    }


def _consultation_erase(user) -> int:
    """Contributions lose their author and text (the answer stays readable); the person disappears from
    proposals, consultations and responses (the city's record)."""
    from .models import Consultation, Contribution, ContributionResponse, Proposal

    erased = _("[Beitrag auf Wunsch gelöscht]")
    count = Contribution.objects.filter(author=user).update(
        author=None, text=erased, suggested_wording="", paragraph_text=""
    )
    count += Proposal.objects.filter(proposed_by=user).update(proposed_by=None)
    count += Proposal.objects.filter(answered_by=user).update(answered_by=None)
    count += Consultation.objects.filter(created_by=user).update(created_by=None)
    count += ContributionResponse.objects.filter(responded_by=user).update(responded_by=None)
    # Moderation is the Fachteam's work: the hidden contribution and its reason stay, the moderator goes.
    count += Contribution.objects.filter(hidden_by=user).update(hidden_by=None)
    return count


def erase(*, email: str, user, by=None) -> int:
    """Withdraw the person's endorsements and blank their comments (the thread stays readable)."""
    from .models import Comment, Endorsement, ReportJob

    if user is None or not user.pk:
        return 0
    endorsements, _detail = Endorsement.objects.filter(user=user).delete()
    comments = Comment.objects.filter(author=user).update(author=None, text=_("[Kommentar auf Wunsch gelöscht]"))
    jobs = ReportJob.objects.filter(requested_by=user).update(requested_by=None)
    from .models import Decision, Recommendation

    owned = 0
    for recommendation in Recommendation.objects.filter(owners=user):
        recommendation.owners.remove(user)  # the unit stays responsible; the Fachteam names someone new
        owned += 1
    decisions = Decision.objects.filter(recorded_by=user).update(recorded_by=None)
    return endorsements + comments + jobs + owned + decisions + _consultation_erase(user)


def register() -> None:
    register_personal_data(
        PersonalDataProvider(
            "recommendations",
            export,
            erase,
            models=(
                "recommendations.decision",
                "recommendations.proposal",
                "recommendations.consultation",
                "recommendations.contribution",
                "recommendations.contributionresponse",
            ),
        )
    )
