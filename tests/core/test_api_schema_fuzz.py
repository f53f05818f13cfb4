"""Schema fuzzing of the whole API with Schemathesis, as an outside checker runs it: every operation of the
OpenAPI document gets generated valid and invalid requests, and every answer must be no 5xx, have a documented
status code and content type, and match its response schema; invalid requests must be refused.

One check is left out for the two write endpoints, "schema-valid request accepted", because what makes their
body valid is not in any schema: a registration needs a signed single-use stamp from …/registration-stamp/,
which no generator can forge, and a subscription's target must be an existing district, recommendation or
workshop (400 with the field named otherwise; ADR 0019, 7)."""

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.factories import WorkshopFactory
from tests.planning.factories import concept
from tests.recommendations.factories import RecommendationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("api-fuzz")]


schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # As Django's test client does: the WSGI handler would close the test's database connection (and with it
    # the test transaction) at the end of every request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _data(db):
    cache.clear()
    workshop = WorkshopFactory()
    recommendation = RecommendationFactory(status="adopted")
    recommendation.workshops.add(workshop)
    concept()  # agenda steps with and without a method


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
def test_every_answer_of_the_api_matches_its_schema(case):
    excluded = [positive_data_acceptance] if case.method == "POST" else []
    case.call_and_validate(excluded_checks=excluded)
