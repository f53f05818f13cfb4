"""Personal-data provider of the recommendations app: a person's comments and endorsements (account holders).

Registered in RecommendationsConfig.ready; the interface is described in core.registry. Recommendations,
versions and history are the city's record; the account's name disappears from them when the account is
deleted (SET_NULL)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.registry import PersonalDataProvider, register_personal_data


def export(*, email: str, user) -> dict:
    from .models import Comment, Endorsement, ReportJob

    if user is None or not user.pk:
        return {"comments": [], "endorsements": []}
    return {
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
    }


def erase(*, email: str, user, by=None) -> int:
    """Withdraw the person's endorsements and blank their comments (the thread stays readable)."""
    from .models import Comment, Endorsement, ReportJob

    if user is None or not user.pk:
        return 0
    endorsements, _detail = Endorsement.objects.filter(user=user).delete()
    comments = Comment.objects.filter(author=user).update(author=None, text=_("[Kommentar auf Wunsch gelöscht]"))
    jobs = ReportJob.objects.filter(requested_by=user).update(requested_by=None)
    return endorsements + comments + jobs


def register() -> None:
    register_personal_data(PersonalDataProvider("recommendations", export, erase))
