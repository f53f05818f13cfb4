"""Team diversity figures from real team records (issue 12)."""

import pytest

from accounts.models import User
from reflections import selectors
from tests.factories import UserFactory, WorkshopFactory, WorkshopTeamMemberFactory
from workshops.models import Workshop, WorkshopTeamMember

pytestmark = pytest.mark.django_db

Kind = User.OrganisationKind


def member(workshop, kind, organisation, role=WorkshopTeamMember.Role.CO):
    WorkshopTeamMemberFactory(
        workshop=workshop, user=UserFactory(organisation_kind=kind, organisation=organisation), role=role
    )


def test_kinds_and_units_per_team_are_counted_from_the_team():
    workshop = WorkshopFactory(past=True)
    member(workshop, Kind.POLITIK, "Stadtbezirksrat Linden-Limmer", WorkshopTeamMember.Role.POLITIK)
    member(workshop, Kind.ADMINISTRATION, "Fachbereich Tiefbau", WorkshopTeamMember.Role.FACHBEREICH)
    member(workshop, Kind.ADMINISTRATION, "Fachbereich Soziales")
    member(workshop, Kind.NETWORK, "Stadtteilzentrum")
    [row] = selectors.team_diversity(workshops=Workshop.objects.filter(pk=workshop.pk))
    assert (row.workshops, row.avg_kinds, row.avg_units, row.multiprofessional) == (1, 3.0, 4.0, 1)


def test_a_team_of_one_kind_is_not_multiprofessional():
    workshop = WorkshopFactory(past=True)
    member(workshop, Kind.PROCESS_TEAM, "Prozessteam")
    member(workshop, Kind.PROCESS_TEAM, "Prozessteam")
    [row] = selectors.team_diversity(workshops=Workshop.objects.filter(pk=workshop.pk))
    assert (row.avg_kinds, row.avg_units, row.multiprofessional) == (1.0, 1.0, 0)
