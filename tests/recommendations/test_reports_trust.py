"""Reports a council member can trust (issue 10.8): one rule per test, on the reports' data."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from recommendations import reports
from recommendations.models import Recommendation
from tests.factories import RegistrationFactory, WorkshopFactory
from tests.recommendations.conftest import pdf_text
from tests.recommendations.factories import InsightFactory, RecommendationFactory

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def district_context(report_data, **parameters):
    whole_year = {"start": f"{report_data['year']}-01-01", "end": f"{report_data['year'] + 1}-12-31"}
    parameters = {"district": report_data["district"].slug, **whole_year, **parameters}
    return reports.report_data(kind="district", parameters=parameters)[1]


def planned_workshop(report_data, *, people: int):
    workshop = WorkshopFactory(
        district=report_data["district"], status="published", starts_at=timezone.now() + timedelta(days=20)
    )
    for _ in range(people):
        RegistrationFactory(workshop=workshop)
    return workshop


def test_district_key_figures_count_held_workshops_only(report_data):
    planned_workshop(report_data, people=5)
    totals = district_context(report_data)["totals"]
    assert totals["held"] == 3
    assert totals["planned"] == 1
    assert totals["people"] == 18  # 3 held workshops × 6 registrations, not the planned one's 5


def test_district_attendance_compares_registered_and_checked_in_at_the_same_workshops(report_data):
    planned_workshop(report_data, people=5)
    totals = district_context(report_data)["totals"]
    assert (totals["people"], totals["checked_in"]) == (18, 18)


def test_district_report_says_that_key_figures_count_held_workshops_only(report_data):
    planned_workshop(report_data, people=1)
    text = pdf_text(reports.report_render(kind="district", parameters=_params(report_data)).pdf)
    assert "nur Werkstätten, die stattgefunden haben" in " ".join(text.split())


def _params(report_data):
    return {
        "district": report_data["district"].slug,
        "start": f"{report_data['year']}-01-01",
        "end": f"{report_data['year'] + 1}-12-31",
    }


def test_default_district_period_ends_today():
    from tests.factories import DistrictFactory

    district = DistrictFactory(number=10)
    parameters = reports.validate_parameters(kind="district", parameters={"district": district.slug})
    today = timezone.localdate()
    assert parameters["start"] == date(today.year, 1, 1).isoformat()
    assert parameters["end"] == today.isoformat()


def test_workshop_table_uses_plain_terms_instead_of_status_names(report_data):
    rows = district_context(report_data)["rows"]
    assert {row["status"] for row in rows} == {"stattgefunden"}
    assert {row["run_by"] for row in rows} == {"Prozessteam", "städtische Mitarbeitende"}


def test_dates_do_not_break_inside(report_data):
    context = district_context(report_data)
    assert " " not in context["start_label"] and NBSP in context["start_label"]
    assert all(" " not in row["date"] for row in context["rows"])
    month_labels = context["month_chart"].columns[1:]
    assert month_labels and all(" " not in label for label in month_labels)


def test_the_same_insight_appears_once_per_workshop(report_data):
    reflection = report_data["workshops"][0].reflections.first()
    InsightFactory(reflection=reflection, text="Erkenntnis Marktplatz 1:  bänke fehlen.")
    texts = [i.text for i in district_context(report_data)["insights"]]
    assert len(texts) == 3


def test_recommendation_counts_in_text_agree_with_the_chart(report_data):
    RecommendationFactory(status=Recommendation.Status.IMPLEMENTED)
    RecommendationFactory(status=Recommendation.Status.DRAFT)
    context = reports.report_data(kind="recommendations", parameters={})[1]
    chart = context["status_chart"]
    assert context["public_total"] == sum(int(row[1]) for row in chart.rows) == 3
    assert "Alle 3 veröffentlichten" in chart.title
    assert context["count"] == 2


def test_annual_new_recommendations_count_no_drafts(report_data):
    RecommendationFactory(status=Recommendation.Status.DRAFT)
    context = reports.report_data(kind="annual", parameters={"year": report_data["year"]})[1]
    assert context["new_recommendations"] == context["recommendation_total"] == 2


def test_workshop_report_uses_plain_terms_and_unbreakable_dates(report_data):
    workshop = report_data["workshops"][0]
    result = reports.report_render(kind="workshop", parameters={"workshop": workshop.slug})
    context = reports.report_data(kind="workshop", parameters={"workshop": workshop.slug})[1]
    assert (context["status"], context["run_by"]) == ("stattgefunden", "Prozessteam")
    text = pdf_text(result.pdf)
    assert "Prototyp (Prozessteam)" not in text
