"""Queries per report are independent of the number of rows: prefetching and aggregates in the database."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recommendations import reports
from tests.recommendations.conftest import build_report_data

pytestmark = pytest.mark.django_db


def count_queries(kind, parameters) -> int:
    with CaptureQueriesContext(connection) as context:
        reports.report_render(kind=kind, parameters=parameters)  # data, charts and template rendering
    return len(context.captured_queries)


def parameters_for(kind, data):
    return {
        "workshop": {"workshop": data["workshops"][0].slug},
        "district": {"district": "linden-limmer", "year": data["year"]},
        "recommendations": {},
        "annual": {"year": data["year"]},
    }[kind]


def test_queries_per_report_do_not_grow_with_the_data():
    small = build_report_data(workshops=2, registrations_per_workshop=3, recommendations=2)
    before = {kind: count_queries(kind, parameters_for(kind, small)) for kind in reports.BUILDERS}
    larger = build_report_data(workshops=7, registrations_per_workshop=8, recommendations=9)
    after = {kind: count_queries(kind, parameters_for(kind, larger)) for kind in reports.BUILDERS}
    assert after == before
    assert max(after.values()) <= 40


def test_queries_per_report_do_not_grow_above_the_list_limit(settings):
    settings.REPORT_LIST_LIMIT = 1  # every list of these reports is summarised, the CSV attachments built
    small = build_report_data(workshops=2, registrations_per_workshop=3, recommendations=2)
    before = {kind: count_queries(kind, parameters_for(kind, small)) for kind in ("district", "recommendations")}
    larger = build_report_data(workshops=7, registrations_per_workshop=8, recommendations=9)
    after = {kind: count_queries(kind, parameters_for(kind, larger)) for kind in ("district", "recommendations")}
    assert after == before
