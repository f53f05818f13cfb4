"""Owners act on their commitments (issue 13): status with a public reason, progress, statement, due date,
milestones and reassignment — each kept in the commitment's history and in core's audit log."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import OrganisationUnit
from core.models import AuditLog
from reflections import services
from reflections.models import Commitment, CommitmentEvent
from tests.factories import UserFactory
from tests.reflections.factories import CommitmentFactory

pytestmark = pytest.mark.django_db
Status = Commitment.Status


def test_dropping_without_a_reason_is_refused():
    commitment = CommitmentFactory()
    with pytest.raises(services.CommitmentReasonRequired):
        services.commitment_set_status(commitment=commitment, status=Status.DROPPED, reason="  ")
    commitment.refresh_from_db()
    assert commitment.status == Status.OPEN


def test_dropping_keeps_the_public_reason_in_the_commitment_and_its_history():
    owner = UserFactory()
    commitment = CommitmentFactory()
    services.commitment_set_status(
        commitment=commitment, status=Status.DROPPED, reason="Wird im Sanierungsprogramm erledigt.", by=owner
    )
    commitment.refresh_from_db()
    assert commitment.drop_reason == "Wird im Sanierungsprogramm erledigt."
    event = commitment.events.get()
    assert (event.kind, event.from_status, event.to_status, event.actor) == ("status", "open", "dropped", owner)
    assert "Sanierungsprogramm" in event.note


def test_a_status_change_is_in_the_audit_log():
    owner = UserFactory()
    commitment = CommitmentFactory()
    services.commitment_set_status(commitment=commitment, status=Status.DONE, by=owner)
    entry = AuditLog.objects.get(action="commitment.status")
    assert (entry.actor, entry.object_id, entry.details["to"]) == (owner, str(commitment.pk), "done")


def test_done_sets_progress_to_100():
    commitment = CommitmentFactory(progress=40, status=Status.IN_PROGRESS)
    services.commitment_set_status(commitment=commitment, status=Status.DONE)
    commitment.refresh_from_db()
    assert commitment.progress == 100


def test_setting_the_same_status_records_nothing():
    commitment = CommitmentFactory(status=Status.IN_PROGRESS)
    services.commitment_set_status(commitment=commitment, status=Status.IN_PROGRESS)
    assert not commitment.events.exists()
    assert not AuditLog.objects.filter(action="commitment.status").exists()


def test_update_records_progress_statement_and_due_date_as_separate_entries():
    commitment = CommitmentFactory(due_date=date(2026, 12, 1))
    services.commitment_report_progress(
        commitment=commitment, progress=30, statement="Angebote sind angefragt.", due_date=date(2027, 1, 15)
    )
    commitment.refresh_from_db()
    assert (commitment.progress, commitment.statement, commitment.due_date) == (
        30,
        "Angebote sind angefragt.",
        date(2027, 1, 15),
    )
    kinds = sorted(commitment.events.values_list("kind", flat=True))
    assert kinds == ["due", "progress", "statement"]
    assert commitment.status == Status.IN_PROGRESS  # progress on an open commitment means work has begun
    assert AuditLog.objects.filter(action="commitment.progress", object_id=str(commitment.pk)).count() == 1


def test_update_without_changes_records_nothing():
    commitment = CommitmentFactory(progress=10, statement="Läuft.")
    services.commitment_report_progress(commitment=commitment, progress=10, statement="Läuft.")
    assert not commitment.events.exists()
    assert not AuditLog.objects.filter(action="commitment.progress").exists()


def test_progress_beyond_100_is_refused():
    commitment = CommitmentFactory()
    with pytest.raises(services.ApplicationError):
        services.commitment_report_progress(commitment=commitment, progress=120)


def test_milestones_are_added_and_completed_with_history():
    commitment = CommitmentFactory()
    milestone = services.commitment_milestone_add(commitment=commitment, title="Ortstermin", due_date=date(2027, 2, 1))
    services.commitment_milestone_complete(milestone=milestone, done_on=date(2027, 1, 30))
    services.commitment_milestone_complete(milestone=milestone)  # idempotent
    milestone.refresh_from_db()
    assert milestone.done_on == date(2027, 1, 30)
    notes = list(commitment.events.filter(kind=CommitmentEvent.Kind.MILESTONE).values_list("note", flat=True))
    assert notes == ["Meilenstein geplant: Ortstermin", "Meilenstein erreicht: Ortstermin"]


def test_reassigning_after_an_owner_left_keeps_history_and_milestones():
    leaver, successor, fachteam = UserFactory(), UserFactory(), UserFactory()
    unit = OrganisationUnit.objects.get(slug="fachbereich-tiefbau")
    commitment = CommitmentFactory()
    services.commitment_assign(commitment=commitment, unit=unit, owners=[leaver])
    services.commitment_report_progress(commitment=commitment, progress=50, by=leaver)
    services.commitment_milestone_add(commitment=commitment, title="Prüfung beauftragt", by=leaver)
    leaver.is_active = False
    leaver.save()
    services.commitment_assign(commitment=commitment, unit=unit, owners=[successor], by=fachteam, note="Wechsel")
    commitment.refresh_from_db()
    assert list(commitment.owners.all()) == [successor]
    assert commitment.progress == 50
    assert commitment.milestones.count() == 1
    assert commitment.events.filter(actor=leaver).count() == 2
    entry = AuditLog.objects.filter(action="commitment.assign").latest("id")
    assert entry.details["previous_owners"] == [leaver.pk]
    assert entry.details["owners"] == [successor.pk]


def test_owned_by_covers_named_owners_and_unit_members():
    owner, member, stranger = UserFactory(), UserFactory(), UserFactory()
    unit = OrganisationUnit.objects.get(slug="fachbereich-tiefbau")
    unit.members.add(member)
    by_owner = CommitmentFactory()
    by_owner.owners.add(owner)
    by_unit = CommitmentFactory(unit=unit)
    assert list(Commitment.objects.owned_by(owner)) == [by_owner]
    assert list(Commitment.objects.owned_by(member)) == [by_unit]
    assert not Commitment.objects.owned_by(stranger).exists()


def test_overdue_means_open_with_a_due_date_before_today():
    today = timezone.localdate()
    late = CommitmentFactory(due_date=today - timedelta(days=1))
    CommitmentFactory(due_date=today)
    CommitmentFactory(due_date=today - timedelta(days=5), status=Status.DONE)
    CommitmentFactory(due_date=None)
    assert list(Commitment.objects.overdue()) == [late]
    assert late.is_overdue


@pytest.mark.parametrize("status", [Status.DONE, Status.DROPPED])
def test_progress_of_a_closed_commitment_is_refused(status):
    commitment = CommitmentFactory()
    services.commitment_set_status(commitment=commitment, status=status, reason="Anders gelöst.")
    with pytest.raises(services.CommitmentClosed):
        services.commitment_report_progress(commitment=commitment, progress=20, statement="Nachtrag")
    commitment.refresh_from_db()
    assert (commitment.statement, CommitmentEvent.objects.filter(kind=CommitmentEvent.Kind.STATEMENT).count()) == (
        "",
        0,
    )


def test_no_milestone_is_added_to_a_closed_commitment():
    commitment = CommitmentFactory()
    services.commitment_set_status(commitment=commitment, status=Status.DONE)
    with pytest.raises(services.CommitmentClosed):
        services.commitment_milestone_add(commitment=commitment, title="Nachzügler")
    assert not commitment.milestones.exists()
