"""Services and status rules: transitions, reason for Verworfen, history, versions and diffs, co-creation."""

import pytest

from core.exceptions import ApplicationError
from core.models import OutboxMail
from recommendations import services
from recommendations.models import Endorsement, HistoryEntry, Recommendation
from recommendations.selectors import text_diff, version_diff
from tests.factories import DistrictFactory, RegistrationFactory, WorkshopFactory
from tests.recommendations.factories import (
    FieldOfActionFactory,
    MilestoneFactory,
    RecommendationFactory,
    decision_data,
    fachteam_user,
    network_user,
)

pytestmark = pytest.mark.django_db
Status = Recommendation.Status


def create(**kwargs):
    defaults = {
        "title": "Einladungen in Leichter Sprache",
        "text": "Alle Einladungen erscheinen auch in Leichter Sprache.",
        "rationale": "Viele fühlten sich nicht angesprochen.",
        "field": FieldOfActionFactory(),
        "addressee": Recommendation.Addressee.FACHTEAM,
        "city_wide": True,
        "by": fachteam_user(),
    }
    return services.recommendation_create(**{**defaults, **kwargs})


def test_create_starts_as_draft_with_first_version_and_history():
    recommendation = create()
    assert recommendation.status == Status.DRAFT
    assert list(recommendation.versions.values_list("number", flat=True)) == [1]
    entry = recommendation.history.get()
    assert (entry.kind, entry.to_status) == (HistoryEntry.Kind.CREATED, Status.DRAFT)
    assert entry.actor is not None


def test_create_requires_city_wide_or_districts():
    with pytest.raises(ApplicationError):
        create(city_wide=False)


def test_create_with_districts_only():
    recommendation = create(city_wide=False, districts=[DistrictFactory(number=10)])
    assert [d.slug for d in recommendation.districts.all()] == ["linden-limmer"]


def test_slug_avoids_reserved_paths():
    assert create(title="Neu").slug == "empfehlung-neu"


def test_full_path_of_transitions_is_kept_in_history():
    recommendation = create()
    user = fachteam_user()
    for status in (Status.CONSULTATION, Status.ADOPTED, Status.IN_PROGRESS, Status.IMPLEMENTED):
        recommendation = services.recommendation_transition(
            recommendation=recommendation,
            to_status=status,
            by=user,
            note=f"nach {status}",
            decision=decision_data() if status == Status.ADOPTED else None,
        )
    steps = list(
        recommendation.history.filter(kind=HistoryEntry.Kind.STATUS).values_list("from_status", "to_status", "note")
    )
    assert steps == [
        ("draft", "consultation", "nach consultation"),
        ("consultation", "adopted", "nach adopted"),
        ("adopted", "in_progress", "nach in_progress"),
        ("in_progress", "implemented", "nach implemented"),
    ]
    assert recommendation.progress == 100


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Status.DRAFT, Status.ADOPTED),
        (Status.DRAFT, Status.IMPLEMENTED),
        (Status.CONSULTATION, Status.IN_PROGRESS),
        (Status.ADOPTED, Status.DRAFT),
        (Status.IMPLEMENTED, Status.REJECTED),
        (Status.IMPLEMENTED, Status.IN_PROGRESS),
        (Status.REJECTED, Status.ADOPTED),
    ],
)
def test_disallowed_transitions_are_refused_and_leave_no_history(start, target):
    recommendation = RecommendationFactory(status=start, rejection_reason="x" if start == Status.REJECTED else "")
    with pytest.raises(services.TransitionNotAllowed):
        services.recommendation_transition(recommendation=recommendation, to_status=target, reason="weil")
    recommendation.refresh_from_db()
    assert recommendation.status == start
    assert not recommendation.history.exists()


def test_rejecting_needs_a_reason():
    recommendation = create()
    with pytest.raises(services.ReasonRequired):
        services.recommendation_transition(recommendation=recommendation, to_status=Status.REJECTED, reason="  ")
    recommendation.refresh_from_db()
    assert recommendation.status == Status.DRAFT


def test_rejecting_keeps_the_reason_and_reopening_clears_it():
    recommendation = create()
    services.recommendation_transition(
        recommendation=recommendation,
        to_status=Status.REJECTED,
        reason="Doppelt zu einer anderen Empfehlung.",
        decision=decision_data(body_kind="fachteam", body_name="Fachteam Beteiligung", url=""),
    )
    recommendation.refresh_from_db()
    assert recommendation.rejection_reason == "Doppelt zu einer anderen Empfehlung."
    entry = recommendation.history.get(kind=HistoryEntry.Kind.STATUS)
    assert "Doppelt" in entry.note
    services.recommendation_transition(recommendation=recommendation, to_status=Status.DRAFT)
    recommendation.refresh_from_db()
    assert recommendation.rejection_reason == ""


def test_rejected_without_reason_is_refused_by_the_database():
    from django.db import IntegrityError, transaction

    recommendation = RecommendationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Recommendation.objects.filter(pk=recommendation.pk).update(status=Status.REJECTED, rejection_reason="")


def test_editing_the_text_adds_a_version_and_a_history_entry():
    recommendation = create()
    user = fachteam_user()
    services.recommendation_update(
        recommendation=recommendation,
        by=user,
        note="Netzwerk-Hinweise",
        text="Alle Einladungen erscheinen barrierefrei.",
    )
    versions = list(recommendation.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].text == "Alle Einladungen erscheinen barrierefrei."
    assert versions[1].created_by == user
    assert recommendation.history.filter(kind=HistoryEntry.Kind.EDITED, note="Netzwerk-Hinweise").exists()


def test_an_unchanged_save_adds_nothing():
    recommendation = create()
    services.recommendation_update(recommendation=recommendation, text=recommendation.text, title=recommendation.title)
    assert recommendation.versions.count() == 1
    assert recommendation.history.count() == 1


def test_changing_details_is_recorded_without_a_new_version():
    recommendation = create()
    services.recommendation_update(recommendation=recommendation, responsible_unit="Fachbereich Bibliotheken")
    assert recommendation.versions.count() == 1
    entry = recommendation.history.get(kind=HistoryEntry.Kind.CHANGED)
    assert "zuständige Stelle" in entry.note


def test_wording_of_implemented_recommendation_is_frozen():
    recommendation = RecommendationFactory(status=Status.IMPLEMENTED)
    with pytest.raises(ApplicationError):
        services.recommendation_update(recommendation=recommendation, text="neu")


def test_versions_are_diffable_word_by_word():
    recommendation = create(text="Einladungen erscheinen auch in Leichter Sprache.")
    services.recommendation_update(
        recommendation=recommendation, text="Einladungen erscheinen immer in Leichter Sprache."
    )
    first, second = recommendation.versions.order_by("number")
    diff = {d.label: d for d in version_diff(first, second)}
    segments = [(s.op, s.text) for s in diff["Empfehlung"].segments]
    assert ("delete", "auch") in segments
    assert ("insert", "immer") in segments
    assert diff["Empfehlung"].changed and not diff["Titel"].changed


def test_text_diff_reassembles_both_texts():
    old, new = "Ein Satz.\n\nZweiter Absatz bleibt.", "Ein neuer Satz.\n\nZweiter Absatz bleibt, ergänzt."
    segments = text_diff(old, new)
    assert "".join(s.text for s in segments if s.op != "insert") == old
    assert "".join(s.text for s in segments if s.op != "delete") == new


def test_progress_is_recorded_and_bounded():
    recommendation = create()
    services.recommendation_set_progress(recommendation=recommendation, progress=30)
    assert recommendation.history.filter(kind=HistoryEntry.Kind.PROGRESS, note__startswith="0 % → 30 %").exists()
    with pytest.raises(ApplicationError):
        services.recommendation_set_progress(recommendation=recommendation, progress=101)


def test_milestones_are_kept_in_history():
    recommendation = create()
    milestone = services.milestone_add(recommendation=recommendation, title="Vorlage erstellen")
    services.milestone_complete(milestone=milestone)
    services.milestone_complete(milestone=milestone)  # idempotent
    notes = list(recommendation.history.filter(kind=HistoryEntry.Kind.MILESTONE).values_list("note", flat=True))
    assert notes == ["Meilenstein geplant: Vorlage erstellen", "Meilenstein erreicht: Vorlage erstellen"]


def test_one_endorsement_per_person():
    recommendation = create()
    member = network_user()
    _first, created = services.endorsement_add(recommendation=recommendation, user=member)
    _second, created_again = services.endorsement_add(recommendation=recommendation, user=member)
    assert (created, created_again) == (True, False)
    assert Endorsement.objects.filter(recommendation=recommendation).count() == 1


def test_endorsement_can_be_withdrawn():
    recommendation = create()
    member = network_user()
    services.endorsement_add(recommendation=recommendation, user=member)
    assert services.endorsement_remove(recommendation=recommendation, user=member)
    assert not recommendation.endorsements.exists()


def test_comments_only_while_open():
    recommendation = create()
    services.comment_add(recommendation=recommendation, author=network_user(), text="Bitte auch Gebärdensprache.")
    adopted = RecommendationFactory(status=Status.ADOPTED)
    with pytest.raises(services.CommentsClosed):
        services.comment_add(recommendation=adopted, author=network_user(), text="zu spät")
    with pytest.raises(services.CommentsClosed):
        services.endorsement_add(recommendation=adopted, user=network_user())


def test_empty_comment_is_refused():
    with pytest.raises(ApplicationError):
        services.comment_add(recommendation=create(), author=network_user(), text="   ")


# --- notifications --------------------------------------------------------------------------------------------


def test_status_change_mails_opted_in_registrants_of_linked_workshops_once():
    workshop = WorkshopFactory(past=True)
    RegistrationFactory(workshop=workshop, email="ja@example.org", status_updates_opt_in=True)
    RegistrationFactory(workshop=workshop, email="nein@example.org", status_updates_opt_in=False)
    RegistrationFactory(workshop=workshop, email="storniert@example.org", status_updates_opt_in=True, cancelled=True)
    other = WorkshopFactory(past=True)
    RegistrationFactory(workshop=other, email="JA@example.org", status_updates_opt_in=True)  # same person
    recommendation = create(workshops=[workshop, other])
    services.recommendation_transition(recommendation=recommendation, to_status=Status.CONSULTATION)
    mails = OutboxMail.objects.filter(topic="recommendation_status")
    assert list(mails.values_list("to", flat=True)) == ["ja@example.org"]
    mail = mails.get()
    assert "In Abstimmung" in mail.subject
    assert recommendation.get_absolute_url() in mail.body_text


def test_notification_is_deduplicated_per_recommendation_status_and_address():
    workshop = WorkshopFactory(past=True)
    RegistrationFactory(workshop=workshop, email="ja@example.org", status_updates_opt_in=True)
    recommendation = create(workshops=[workshop])
    services.recommendation_transition(recommendation=recommendation, to_status=Status.CONSULTATION)
    services.recommendation_transition(recommendation=recommendation, to_status=Status.DRAFT)
    services.recommendation_transition(recommendation=recommendation, to_status=Status.CONSULTATION)
    assert OutboxMail.objects.filter(topic="recommendation_status").count() == 1


def test_no_mail_when_back_to_draft():
    workshop = WorkshopFactory(past=True)
    RegistrationFactory(workshop=workshop, email="ja@example.org", status_updates_opt_in=True)
    recommendation = RecommendationFactory(status=Status.CONSULTATION, workshops=[workshop])
    services.recommendation_transition(recommendation=recommendation, to_status=Status.DRAFT)
    assert not OutboxMail.objects.filter(topic="recommendation_status").exists()


def test_rejection_mail_contains_the_reason():
    workshop = WorkshopFactory(past=True)
    RegistrationFactory(workshop=workshop, email="ja@example.org", status_updates_opt_in=True)
    recommendation = RecommendationFactory(status=Status.CONSULTATION, workshops=[workshop])
    services.recommendation_transition(
        recommendation=recommendation,
        to_status=Status.REJECTED,
        reason="Wird bereits stadtweit umgesetzt.",
        decision=decision_data(),
    )
    mail = OutboxMail.objects.get(topic="recommendation_status")
    assert "Wird bereits stadtweit umgesetzt." in mail.body_text
    assert "Verworfen" in mail.subject


@pytest.mark.parametrize("status", [Status.IMPLEMENTED, Status.REJECTED])
def test_progress_of_a_closed_recommendation_is_refused(status):
    recommendation = RecommendationFactory(status=status, progress=40, rejection_reason="Kein Platz.")
    with pytest.raises(services.RecommendationClosed):
        services.recommendation_set_progress(recommendation=recommendation, progress=60)
    recommendation.refresh_from_db()
    assert recommendation.progress == 40


def test_statement_of_a_closed_recommendation_is_refused():
    recommendation = RecommendationFactory(status=Status.IMPLEMENTED)
    with pytest.raises(services.RecommendationClosed):
        services.recommendation_set_statement(recommendation=recommendation, statement="Nachtrag")
    recommendation.refresh_from_db()
    assert recommendation.statement == ""


def test_no_milestone_is_added_to_a_closed_recommendation():
    recommendation = RecommendationFactory(status=Status.REJECTED, rejection_reason="Kein Platz.")
    with pytest.raises(services.RecommendationClosed):
        services.milestone_add(recommendation=recommendation, title="Nachzügler")
    assert not recommendation.milestones.exists()


def test_milestones_of_a_closed_recommendation_are_neither_changed_nor_removed():
    recommendation = RecommendationFactory(status=Status.IMPLEMENTED)
    milestone = MilestoneFactory(recommendation=recommendation, title="Sitzung planen")
    with pytest.raises(services.RecommendationClosed):
        services.milestone_update(milestone=milestone, title="Umbenannt")
    with pytest.raises(services.RecommendationClosed):
        services.milestone_remove(milestone=milestone)
    milestone.refresh_from_db()
    assert milestone.title == "Sitzung planen"


def test_reaching_a_planned_milestone_is_still_recorded_after_closing():
    recommendation = RecommendationFactory(status=Status.IMPLEMENTED)
    milestone = MilestoneFactory(recommendation=recommendation, title="Abnahme")
    services.milestone_complete(milestone=milestone)
    milestone.refresh_from_db()
    assert milestone.done_on is not None


def test_an_unchanged_progress_of_a_closed_recommendation_is_no_error():
    recommendation = RecommendationFactory(status=Status.IMPLEMENTED, progress=100)
    services.recommendation_set_progress(recommendation=recommendation, progress=100)
    assert not recommendation.history.filter(kind=HistoryEntry.Kind.PROGRESS).exists()
