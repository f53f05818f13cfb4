"""Team diversity (organisation kinds and units of team members) in the district and annual PDFs (issue 12.1)."""

import pytest

from accounts.models import User
from recommendations import reports
from tests.factories import UserFactory, WorkshopTeamMemberFactory
from tests.recommendations.conftest import pdf_text
from workshops.models import WorkshopTeamMember

pytestmark = pytest.mark.django_db

Kind = User.OrganisationKind


@pytest.fixture
def teams(report_data):
    workshop = report_data["workshops"][0]
    for kind, organisation, role in (
        (Kind.POLITIK, "Stadtbezirksrat Linden-Limmer", WorkshopTeamMember.Role.POLITIK),
        (Kind.ADMINISTRATION, "Fachbereich Tiefbau", WorkshopTeamMember.Role.FACHBEREICH),
        (Kind.NETWORK, "Stadtteilzentrum", WorkshopTeamMember.Role.NETWORK_PARTNER),
    ):
        user = UserFactory(organisation_kind=kind, organisation=organisation)
        WorkshopTeamMemberFactory(workshop=workshop, user=user, role=role)
    return report_data


def _district(report_data):
    year = report_data["year"]
    return {"district": report_data["district"].slug, "start": f"{year}-01-01", "end": f"{year}-12-31"}


def test_district_report_has_team_kinds_per_workshop_and_per_quarter(teams):
    context = reports.report_data(kind="district", parameters=_district(teams))[1]
    [row] = context["diversity_workshops"]
    assert row["workshop"] == teams["workshops"][0]
    assert row["kinds"] == ["Netzwerkpartner*in / Träger", "Politik (Bezirksrat, Rat)", "Stadtverwaltung"]
    assert row["units"] == 3
    assert sum(q.workshops for q in context["diversity_quarters"]) == 1
    assert sum(q.multiprofessional for q in context["diversity_quarters"]) == 1


def test_annual_report_has_team_diversity_per_district(teams):
    context = reports.report_data(kind="annual", parameters={"year": teams["year"]})[1]
    [row] = context["diversity_districts"]
    assert row.label == "10. Linden-Limmer"
    assert (row.workshops, row.avg_kinds, row.avg_units, row.multiprofessional) == (1, 3.0, 3.0, 1)


def test_district_pdf_shows_the_team_composition(teams):
    text = " ".join(pdf_text(reports.report_render(kind="district", parameters=_district(teams)).pdf).split())
    assert "Multiprofessionelle Teams" in text
    assert "Zusammensetzung des Teams je Werkstatt" in text
    assert "Politik (Bezirksrat, Rat)" in text
