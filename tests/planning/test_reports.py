"""The district report and the annual evaluation show each district's path to Eigenregie from records."""

import pytest
from django.utils import timezone

from recommendations import reports
from tests.factories import DistrictFactory
from tests.planning.test_services import _city, _process, _run
from tests.recommendations.conftest import pdf_text

pytestmark = pytest.mark.django_db


def _tandem_run():
    district = DistrictFactory(number=10)
    pt = _process()
    workshop = _run(_city(), "tandem_lead", days_ago=20, process_lead=pt, district=district)
    return district, workshop


def test_district_report_has_the_stage_and_the_path_per_quarter():
    district, workshop = _tandem_run()
    year = timezone.localtime(workshop.starts_at).year
    _template, context = reports.report_data(kind="district", parameters={"district": district.slug, "year": year})
    assert str(context["eigenregie_stage"]) == "Tandem"
    assert [q.tandem for q in context["eigenregie_path"]] == [1]
    text = pdf_text(reports.report_render(kind="district", parameters={"district": district.slug, "year": year}).pdf)
    assert "Weg zur Eigenregie" in text
    assert "Tandem" in text


def test_annual_report_lists_the_stage_per_district():
    district, workshop = _tandem_run()
    year = timezone.localtime(workshop.starts_at).year
    _template, context = reports.report_data(kind="annual", parameters={"year": year})
    row = next(r for r in context["district_chart"].rows if district.name in r[0])
    assert "Tandem" in row
