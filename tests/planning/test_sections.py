"""Sections planning renders into the dashboard, the district page and the account page."""

import pytest

from planning import sections
from tests.factories import DistrictFactory, WorkshopFactory, WorkshopTeamMemberFactory
from tests.planning.test_services import _city, _process, _run

pytestmark = pytest.mark.django_db


def _tandem_district():
    district = DistrictFactory()
    person, pt = _city(name="Tina Tandem"), _process()
    _run(person, "tandem_lead", days_ago=40, process_lead=pt, coach=pt, district=district)
    return district, person


def test_account_section_shows_stage_and_what_is_missing():
    _district, person = _tandem_district()
    html = sections.account_stage_section(user=person)
    assert "Ihre Stufe" in html
    assert "fehlt noch" in html
    assert "Gute Zeitführung." in html  # the coaching note about the person


def test_account_section_is_empty_for_people_without_a_record():
    assert sections.account_stage_section(user=_city()) == ""


@pytest.mark.parametrize("role", ["politik", "fachbereich", "district_office", "network_partner", "expert"])
def test_account_section_is_empty_for_non_facilitating_team_roles(role):
    person = _city()
    WorkshopTeamMemberFactory(workshop=WorkshopFactory(), user=person, role=role)
    assert sections.account_stage_section(user=person) == ""


def test_account_section_shows_for_a_trainee_without_a_record():
    person = _city()
    WorkshopTeamMemberFactory(workshop=WorkshopFactory(), user=person, role="trainee")
    assert "Ihre Stufe" in sections.account_stage_section(user=person)


def test_district_sections_show_the_tandem_stage():
    district, _person = _tandem_district()
    assert 'aria-current="step">Tandem' in sections.district_page_section(district=district)
    assert "Tandem" in sections.district_paths_section(district_ids=[district.pk])


def test_dashboard_section_queries_are_constant(django_assert_max_num_queries):
    for number in (1, 2, 3):
        district = DistrictFactory(number=number)
        _run(_city(), "lead", days_ago=30 + number, district=district)
    with django_assert_max_num_queries(3):
        sections.district_paths_section()
