"""Personal-data provider of the reflections app (interface: core.registry).

What this app holds about a person: the reflections they wrote (as a facilitator, by account), the
pseudonymous participation trace (keyed hash of the e-mail address) and survey invitations linked to
their registrations. Survey answers are anonymous and cannot be attributed to anyone, so they are
neither exported nor erased per person. Reflections are the city's documentation of a workshop: on
erasure they stay, but lose the link to the account."""

from __future__ import annotations

from django.db.models import Q

from core.registry import PersonalDataProvider, register_personal_data

# Before the workshops provider anonymises the registrations (their e-mail addresses are needed here).
ERASE_ORDER = 50


def _invitations(email: str, user):
    from .models import FeedbackInvitation

    condition = Q(registration__email__iexact=email) if email else Q(pk__in=[])
    if user is not None and user.pk:
        condition |= Q(registration__user_id=user.pk)
    return FeedbackInvitation.objects.filter(condition).select_related("workshop")


def _review_comments(email: str, user):
    from .models import ReviewComment

    condition = Q(registration__email__iexact=email) if email else Q(pk__in=[])
    if user is not None and user.pk:
        condition |= Q(registration__user_id=user.pk)
    return ReviewComment.objects.filter(condition).select_related("review__workshop")


def export(*, email: str, user=None) -> dict:
    from .models import ParticipationRecord, Reflection
    from .tokens import participant_hash

    reflections = []
    if user is not None and user.pk:
        for reflection in (
            Reflection.objects.filter(author=user)
            .select_related("workshop")
            .prefetch_related("ratings__criterion", "insights", "commitments", "method_uses__method")
            .order_by("created_at")
        ):
            reflections.append(
                {
                    "workshop": reflection.workshop.title,
                    "workshop_slug": reflection.workshop.slug,
                    "status": reflection.status,
                    "submitted_at": reflection.submitted_at,
                    "attendance_count": reflection.attendance_count,
                    "what_worked": reflection.what_worked,
                    "what_did_not": reflection.what_did_not,
                    "surprises": reflection.surprises,
                    "not_reached": reflection.not_reached,
                    "internal_notes": reflection.internal_notes,
                    "public_summary": reflection.public_summary,
                    "take_back": reflection.take_back,
                    "ratings": [
                        {"criterion": r.criterion.name, "rating": r.rating, "note": r.note}
                        for r in reflection.ratings.all()
                    ],
                    "methods": [
                        {"method": m.method.name, "rating": m.rating, "how_it_worked": m.how_it_worked}
                        for m in reflection.method_uses.all()
                    ],
                    "insights": [i.text for i in reflection.insights.all()],
                    "commitments": [
                        {"what": c.what, "who": c.who, "due_date": c.due_date, "status": c.status}
                        for c in reflection.commitments.all()
                    ],
                }
            )
    participation = []
    if email:
        participation = [
            {"workshop": title, "workshop_slug": slug, "attended": attended}
            for title, slug, attended in ParticipationRecord.objects.filter(person_hash=participant_hash(email))
            .order_by("workshop__starts_at")
            .values_list("workshop__title", "workshop__slug", "attended")
        ]
    invitations = [
        {"workshop": i.workshop.title, "invited_at": i.created_at, "answered": i.used, "valid_until": i.expires_at}
        for i in _invitations(email, user)
    ]
    responsible: list[dict] = []
    changes: list[dict] = []
    if user is not None and user.pk:
        from .models import Commitment, CommitmentEvent

        responsible = [
            {"what": c.what, "workshop": c.workshop.title, "due_date": c.due_date, "status": c.status}
            for c in Commitment.objects.filter(owners=user).select_related("workshop").order_by("created_at")
        ]
        changes = [
            {"commitment": e.commitment.what, "kind": e.kind, "note": e.note, "at": e.created_at}
            for e in CommitmentEvent.objects.filter(actor=user).select_related("commitment").order_by("created_at")
        ]
    review_comments = [
        {
            "workshop": c.review.workshop.title,
            "kind": c.kind,
            "text": c.text,
            "at": c.created_at,
            "answer": c.answer,
        }
        for c in _review_comments(email, user)
    ]
    follow_ups: list[dict] = []
    if user is not None and user.pk:
        from .models import FollowUpReflection

        follow_ups = [
            {
                "workshop": f.workshop.title,
                "commitments_kept": f.commitments_kept,
                "commitments_note": f.commitments_note,
                "what_changed": f.what_changed,
                "what_did_not": f.what_did_not,
            }
            for f in FollowUpReflection.objects.filter(author=user).select_related("workshop")
        ]
    return {
        "reflections": reflections,
        "follow_up_reflections": follow_ups,
        "documentation_review_comments": review_comments,
        "commitments_responsible_for": responsible,
        "commitment_changes": changes,
        "participation_pseudonymous": participation,
        "feedback_invitations": invitations,
        "note": "Antworten auf die Umfrage werden anonym gespeichert und lassen sich keiner Person zuordnen.",
    }


def erase(*, email: str, user=None, by=None) -> int:
    from .models import ParticipationRecord, Reflection
    from .tokens import participant_hash

    count = 0
    if email:
        count += ParticipationRecord.objects.filter(person_hash=participant_hash(email)).delete()[0]
    count += _invitations(email, user).update(registration=None)
    # Hints on a draft documentation are the person's own words: they go with the person.
    count += _review_comments(email, user).delete()[0]
    if user is not None and user.pk:
        from .models import Commitment, CommitmentEvent, FollowUpReflection

        count += Reflection.objects.filter(author=user).update(author=None)
        count += FollowUpReflection.objects.filter(author=user).update(author=None)
        # Records of a staff member's work on a debrief or review: the records stay, the person goes.
        from .models import Debrief, DocumentationReview, ReviewComment

        count += Debrief.objects.filter(done_by=user).update(done_by=None)
        count += DocumentationReview.objects.filter(opened_by=user).update(opened_by=None)
        count += DocumentationReview.objects.filter(published_by=user).update(published_by=None)
        count += ReviewComment.objects.filter(answered_by=user).update(answered_by=None)
        # The commitments stay (the city's promise, with their unit); the person is no longer named, and the
        # history keeps what was done without who (like a deleted account).
        for commitment in Commitment.objects.filter(owners=user):
            commitment.owners.remove(user)
            count += 1
        count += CommitmentEvent.objects.filter(actor=user).update(actor=None)
    return count


def register() -> None:
    register_personal_data(
        PersonalDataProvider(
            "reflections",
            export,
            erase,
            erase_order=ERASE_ORDER,
            models=(
                "reflections.commitment",
                "reflections.commitmentevent",
                "reflections.followupreflection",
                "reflections.debrief",
                "reflections.documentationreview",
                "reflections.reviewcomment",
            ),
        )
    )
