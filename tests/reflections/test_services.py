"""Services of the reflections app: every transition."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.exceptions import ApplicationError, NotAllowed
from core.models import OutboxMail
from reflections import services
from reflections.models import (
    Commitment,
    CriterionRating,
    FeedbackInvitation,
    FeedbackResponse,
    Insight,
    MethodUse,
    ParticipationRecord,
    QualityCriterion,
    Reflection,
    ResultPhoto,
)
from tests.factories import AgendaItemFactory, MethodFactory, RegistrationFactory, WorkshopFactory
from tests.reflections.factories import (
    attendees,
    facilitator,
    full_data,
    held_workshop,
    lead_of,
    submitted_reflection,
)
from workshops.models import Workshop, WorkshopTeamMember

pytestmark = pytest.mark.django_db


# --- criteria ---------------------------------------------------------------------------------------------------


def test_seven_criteria_are_seeded_with_descriptions_and_guiding_questions():
    criteria = list(QualityCriterion.objects.active())
    assert [c.name for c in criteria] == [
        "Lebendige Formate",
        "Multiprofessionelle Projektteams",
        "Wertschätzender und kooperativer Umgang",
        "Selbstverständlicher und offener Austausch",
        "Miteinander im Gespräch sein",
        "Interdisziplinäres Arbeiten als Selbstverständlichkeit",
        "Transparenz und Verbindlichkeit",
    ]
    assert all(c.description and len(c.guiding_question_list) >= 2 for c in criteria)
    assert len(services.feedback_criteria()) == 3


def test_retire_keeps_old_ratings_and_is_not_asked_in_new_reflections():
    criterion = QualityCriterion.objects.get(slug="lebendige-formate")
    old = submitted_reflection(held_workshop())
    services.criterion_retire(criterion=criterion)
    criterion.refresh_from_db()
    assert criterion.is_active is False and criterion.retired_at is not None
    assert old.ratings.filter(criterion=criterion).exists()
    new = services.reflection_start(workshop=held_workshop(), author=facilitator())
    assert not new.ratings.filter(criterion=criterion).exists()
    assert new.ratings.count() == 6


def test_reactivate_asks_the_criterion_again():
    criterion = QualityCriterion.objects.get(slug="lebendige-formate")
    services.criterion_retire(criterion=criterion)
    services.criterion_reactivate(criterion=criterion)
    criterion.refresh_from_db()
    assert criterion.is_active and criterion.retired_at is None


def test_a_criterion_retired_while_drafting_is_dropped_if_unrated():
    workshop = held_workshop()
    reflection = services.reflection_start(workshop=workshop, author=lead_of(workshop))
    criterion = QualityCriterion.objects.get(slug="lebendige-formate")
    services.criterion_retire(criterion=criterion)
    services.reflection_save_draft(reflection=reflection, data=services.ReflectionData())
    assert not reflection.ratings.filter(criterion=criterion).exists()


# --- reflection lifecycle ------------------------------------------------------------------------------------------


def test_start_prefills_attendance_from_check_ins_ratings_and_agenda_methods():
    workshop = held_workshop()
    attendees(workshop, 3)
    RegistrationFactory(workshop=workshop, seats=2, checked_in_at=workshop.starts_at)
    attendees(workshop, 2, checked_in=False)
    method = MethodFactory()
    AgendaItemFactory(workshop=workshop, method=method)
    AgendaItemFactory(workshop=workshop, method=method)
    reflection = services.reflection_start(workshop=workshop, author=lead_of(workshop))
    assert reflection.status == Reflection.Status.DRAFT
    assert reflection.attendance_count == 5
    assert reflection.author_role == WorkshopTeamMember.Role.LEAD
    assert reflection.ratings.count() == 7
    assert list(reflection.method_uses.values_list("method_id", flat=True)) == [method.pk]


def test_start_twice_returns_the_same_reflection():
    workshop = held_workshop()
    first = services.reflection_start(workshop=workshop, author=lead_of(workshop))
    assert services.reflection_start(workshop=workshop, author=lead_of(workshop)).pk == first.pk


def test_start_before_the_workshop_began_is_not_allowed():
    workshop = WorkshopFactory()
    with pytest.raises(NotAllowed):
        services.reflection_start(workshop=workshop, author=facilitator())


def test_start_for_a_cancelled_workshop_is_not_allowed():
    workshop = held_workshop()
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.CANCELLED)
    workshop.refresh_from_db()
    with pytest.raises(NotAllowed):
        services.reflection_start(workshop=workshop, author=lead_of(workshop))


def test_save_draft_keeps_insight_ids_and_drops_blank_rows():
    workshop = held_workshop()
    reflection = services.reflection_start(workshop=workshop, author=lead_of(workshop))
    saved = services.reflection_save_draft(
        reflection=reflection,
        data=services.ReflectionData(insights=[services.InsightData(text="A"), services.InsightData(text="  ")]),
    )
    assert saved.insights[1] is None
    first_id = saved.insights[0]
    saved = services.reflection_save_draft(
        reflection=reflection,
        data=services.ReflectionData(
            insights=[services.InsightData(text="A geändert", id=first_id), services.InsightData(text="B")]
        ),
    )
    assert saved.insights[0] == first_id
    assert list(Insight.objects.filter(reflection=reflection).values_list("text", flat=True)) == ["A geändert", "B"]


def test_save_draft_removes_rows_that_are_not_given_any_more():
    workshop = held_workshop()
    reflection = services.reflection_start(workshop=workshop, author=lead_of(workshop))
    saved = services.reflection_save_draft(
        reflection=reflection,
        data=services.ReflectionData(
            insights=[services.InsightData(text="A"), services.InsightData(text="B")],
            commitments=[services.CommitmentData(what="X", who="Y")],
        ),
    )
    services.reflection_save_draft(
        reflection=reflection,
        data=services.ReflectionData(insights=[services.InsightData(text="B", id=saved.insights[1])]),
    )
    assert list(reflection.insights.values_list("pk", flat=True)) == [saved.insights[1]]
    assert not Commitment.objects.filter(reflection=reflection).exists()


def test_save_draft_keeps_one_row_per_method():
    workshop = held_workshop()
    reflection = services.reflection_start(workshop=workshop, author=lead_of(workshop))
    method = MethodFactory()
    services.reflection_save_draft(
        reflection=reflection,
        data=services.ReflectionData(
            method_uses=[
                services.MethodUseData(method_id=method.pk, how_it_worked="erst"),
                services.MethodUseData(method_id=method.pk, how_it_worked="zuletzt", rating=5),
            ]
        ),
    )
    assert list(MethodUse.objects.filter(reflection=reflection).values_list("how_it_worked", "rating")) == [
        ("zuletzt", 5)
    ]


def test_commitment_status_change_is_timestamped():
    workshop = held_workshop()
    reflection = services.reflection_start(workshop=workshop, author=lead_of(workshop))
    saved = services.reflection_save_draft(
        reflection=reflection, data=services.ReflectionData(commitments=[services.CommitmentData(what="X", who="Y")])
    )
    commitment = Commitment.objects.get(pk=saved.commitments[0])
    assert commitment.workshop_id == workshop.pk
    before = commitment.status_changed_at
    services.commitment_set_status(commitment=commitment, status=Commitment.Status.DONE, now=before + timedelta(days=3))
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.DONE
    assert commitment.status_changed_at == before + timedelta(days=3)


def test_commitment_unknown_status_is_rejected():
    commitment = Commitment.objects.create(workshop=held_workshop(), what="X", who="Y")
    with pytest.raises(ApplicationError):
        services.commitment_set_status(commitment=commitment, status="vielleicht")


def test_submit_an_incomplete_reflection_lists_what_is_missing():
    workshop = held_workshop()
    reflection = services.reflection_start(workshop=workshop, author=lead_of(workshop))
    services.reflection_save_draft(reflection=reflection, data=services.ReflectionData())
    with pytest.raises(services.ReflectionIncomplete) as error:
        services.reflection_submit(reflection=reflection)
    missing = error.value.extra["missing"]
    assert "tatsächlich Teilnehmende" in missing
    assert "Bewertung: Lebendige Formate" in missing
    assert "öffentliche Zusammenfassung" in missing
    reflection.refresh_from_db()
    assert reflection.status == Reflection.Status.DRAFT


def test_co_facilitator_does_not_need_a_public_summary_and_cannot_set_one():
    co = facilitator()
    workshop = held_workshop(team=[(co, WorkshopTeamMember.Role.CO)])
    reflection = services.reflection_start(workshop=workshop, author=co)
    services.reflection_save_draft(reflection=reflection, data=full_data(reflection, public_summary=None))
    services.reflection_submit(reflection=reflection)
    reflection.refresh_from_db()
    assert reflection.is_submitted and reflection.public_summary == ""


def test_submit_makes_the_workshop_documented_only_when_lead_and_co_have_submitted():
    co = facilitator()
    trainee = facilitator()
    workshop = held_workshop(team=[(co, WorkshopTeamMember.Role.CO), (trainee, WorkshopTeamMember.Role.TRAINEE)])
    submitted_reflection(workshop)
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.HELD
    submitted_reflection(workshop, co, public_summary=None)
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.DOCUMENTED


def test_submit_is_idempotent_and_saving_a_submitted_reflection_is_not_allowed():
    workshop = held_workshop()
    reflection = submitted_reflection(workshop)
    at = reflection.submitted_at
    assert services.reflection_submit(reflection=reflection).submitted_at == at
    with pytest.raises(NotAllowed):
        services.reflection_save_draft(reflection=reflection, data=services.ReflectionData())


def test_reopen_returns_to_draft_and_the_workshop_to_held():
    workshop = held_workshop()
    reflection = submitted_reflection(workshop)
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.DOCUMENTED
    services.reflection_reopen(reflection=reflection)
    reflection.refresh_from_db()
    workshop.refresh_from_db()
    assert reflection.status == Reflection.Status.DRAFT and reflection.submitted_at is None
    assert workshop.status == Workshop.Status.HELD


# --- photos ---------------------------------------------------------------------------------------------------------


def png_bytes() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG = png_bytes()


def test_photo_needs_alt_text():
    workshop = held_workshop()
    with pytest.raises(ApplicationError):
        services.result_photo_add(workshop=workshop, image=SimpleUploadedFile("a.png", PNG), alt_text="  ")
    assert not ResultPhoto.objects.exists()


def test_photo_is_added_and_removed():
    workshop = held_workshop()
    photo = services.result_photo_add(
        workshop=workshop, image=SimpleUploadedFile("a.png", PNG, "image/png"), alt_text="Plakat mit Ideen"
    )
    assert photo.image.storage.exists(photo.image.name)
    services.result_photo_remove(photo=photo)
    assert not ResultPhoto.objects.exists()


def test_photo_without_alt_text_violates_the_model_constraint():
    photo = ResultPhoto(workshop=held_workshop(), image="x.png", alt_text="")
    with pytest.raises(ValidationError):
        photo.full_clean()


# --- held and participation ------------------------------------------------------------------------------------------


def test_mark_held_changes_only_published_workshops_that_ended_and_records_participation():
    ended = WorkshopFactory(starts_at=timezone.now() - timedelta(hours=5), ends_at=timezone.now() - timedelta(hours=3))
    RegistrationFactory(workshop=ended, email="Anna@Example.org", checked_in_at=ended.starts_at)
    RegistrationFactory(workshop=ended, email="ben@example.org")
    upcoming = WorkshopFactory()
    draft = WorkshopFactory(draft=True, starts_at=ended.starts_at, ends_at=ended.ends_at)
    assert services.workshops_mark_held() == 1
    assert services.workshops_mark_held() == 0
    statuses = dict(Workshop.objects.values_list("pk", "status"))
    assert statuses[ended.pk] == Workshop.Status.HELD
    assert statuses[upcoming.pk] == Workshop.Status.PUBLISHED
    assert statuses[draft.pk] == Workshop.Status.DRAFT
    records = dict(ParticipationRecord.objects.values_list("person_hash", "attended"))
    assert records == {
        services.participant_hash("anna@example.org"): True,
        services.participant_hash("ben@example.org"): False,
    }


def test_participant_hash_is_keyed_and_normalised():
    assert services.participant_hash(" Anna@Example.org ") == services.participant_hash("anna@example.org")
    assert "anna" not in services.participant_hash("anna@example.org")


# --- participant feedback --------------------------------------------------------------------------------------------


def _feedback_workshop(hours_ago: int = 20):
    workshop = held_workshop(days_ago=0)
    Workshop.objects.filter(pk=workshop.pk).update(
        starts_at=timezone.now() - timedelta(hours=hours_ago + 2), ends_at=timezone.now() - timedelta(hours=hours_ago)
    )
    workshop.refresh_from_db()
    return workshop


def test_feedback_invitations_go_once_to_every_checked_in_attendee():
    workshop = _feedback_workshop()
    present = attendees(workshop, 2)
    attendees(workshop, 1, checked_in=False)
    assert services.feedback_invitations_send() == 2
    assert services.feedback_invitations_send() == 0
    mails = OutboxMail.objects.filter(topic="feedback_invitation")
    assert sorted(mails.values_list("to", flat=True)) == sorted(r.email for r in present)
    assert all("/rueckmeldung/" in mail.body_text for mail in mails)
    assert FeedbackInvitation.objects.count() == 2


def test_feedback_waits_after_the_end_and_stops_after_the_window(settings):
    settings.FEEDBACK_SEND_AFTER_HOURS = 12
    settings.FEEDBACK_SEND_WINDOW_DAYS = 14
    too_early = _feedback_workshop(hours_ago=2)
    too_late = _feedback_workshop(hours_ago=24 * 20)
    attendees(too_early, 1)
    attendees(too_late, 1)
    assert services.feedback_invitations_send() == 0


def test_feedback_skips_anonymised_registrations():
    workshop = _feedback_workshop()
    attendees(workshop, 1, anonymised_at=timezone.now())
    assert services.feedback_invitations_send() == 0


def _invite(workshop=None):
    workshop = workshop or _feedback_workshop()
    registration = attendees(workshop, 1)[0]
    invitation = services.feedback_invitation_create(registration=registration)
    token = invitation.token  # set by the service for the caller (mail); only the hash is stored
    return invitation, token


def test_feedback_can_be_answered_once_and_is_not_linked_to_the_person():
    invitation, token = _invite()
    criterion = services.feedback_criteria()[0]
    response = services.feedback_submit(
        token=token, answers=services.FeedbackAnswers(overall=5, felt_heard=4, criteria={criterion.pk: 3})
    )
    assert response.workshop_id == invitation.workshop_id
    assert response.criterion_answers.get().rating == 3
    field_names = {f.name for f in FeedbackResponse._meta.get_fields()}
    assert not field_names & {"registration", "invitation", "email", "token_hash", "created_at"}
    with pytest.raises(services.FeedbackAlreadyGiven):
        services.feedback_submit(token=token, answers=services.FeedbackAnswers(overall=1))
    assert FeedbackResponse.objects.count() == 1


def test_using_the_token_does_not_touch_the_invitation_timestamps():
    invitation, token = _invite()
    services.feedback_submit(token=token, answers=services.FeedbackAnswers(overall=4))
    fresh = FeedbackInvitation.objects.get(pk=invitation.pk)
    assert fresh.used is True
    assert fresh.updated_at == invitation.updated_at


def test_a_foreign_or_guessed_token_is_rejected():
    _invite()
    with pytest.raises(services.FeedbackTokenInvalid):
        services.feedback_submit(token="guessed-token", answers=services.FeedbackAnswers(overall=4))
    assert not FeedbackResponse.objects.exists()


def test_an_expired_token_is_rejected():
    invitation, token = _invite()
    with pytest.raises(services.FeedbackExpired):
        services.feedback_submit(
            token=token, answers=services.FeedbackAnswers(overall=4), now=invitation.expires_at + timedelta(seconds=1)
        )


def test_answers_for_criteria_not_asked_are_ignored():
    _invitation, token = _invite()
    not_asked = QualityCriterion.objects.get(slug="lebendige-formate")
    response = services.feedback_submit(
        token=token, answers=services.FeedbackAnswers(overall=4, criteria={not_asked.pk: 5})
    )
    assert not response.criterion_answers.exists()


# --- documentation debt -----------------------------------------------------------------------------------------------


def test_documentation_debt_reminds_after_n_days_and_tells_the_fachteam_after_2n(settings):
    settings.REFLECTION_REMINDER_DAYS = 7
    settings.FACHTEAM_EMAIL = "fachteam@example.org"
    co = facilitator(email="co@example.org")
    fresh = held_workshop(days_ago=3)
    due = held_workshop(days_ago=8, team=[(co, WorkshopTeamMember.Role.CO)])
    overdue = held_workshop(days_ago=15)
    submitted_reflection(due)  # the lead reflected, the co-facilitator not
    result = services.documentation_debt_remind()
    assert result == {"reminded": 2, "escalated": 1}
    reminded = set(OutboxMail.objects.filter(topic="reflection_reminder").values_list("to", flat=True))
    assert reminded == {"co@example.org", lead_of(overdue).email}
    assert lead_of(fresh).email not in reminded
    fachteam = OutboxMail.objects.get(topic="documentation_debt")
    assert fachteam.to == "fachteam@example.org" and overdue.title in fachteam.subject
    assert services.documentation_debt_remind() == {"reminded": 0, "escalated": 0}


def test_documented_workshops_are_no_debt():
    workshop = held_workshop(days_ago=30)
    submitted_reflection(workshop)
    assert services.documentation_debt_remind() == {"reminded": 0, "escalated": 0}


def test_ratings_rows_protect_their_criterion():
    reflection = submitted_reflection(held_workshop())
    criterion = reflection.ratings.first().criterion
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        criterion.delete()
    assert CriterionRating.objects.filter(criterion=criterion).exists()
