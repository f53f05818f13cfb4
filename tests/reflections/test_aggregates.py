"""Aggregation correctness of the dashboard and the public figures (Hypothesis), suppression below 5,
retired criteria, and a constant number of queries whatever the data size."""

import io
from collections import defaultdict
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from reflections import demo, selectors, services
from reflections.models import CriterionRating, FeedbackCriterionAnswer, FeedbackResponse, QualityCriterion, Reflection
from tests.auth import login_with_mfa
from tests.factories import DistrictFactory, FormatFactory, UserFactory
from tests.reflections.factories import with_role
from workshops.models import Workshop

# A workshop: district (0/1), quarter offset (0–3 quarters ago), one rating list per reflection (values
# for the first three criteria), participant answers for the first feedback criterion.
ratings = st.lists(st.integers(1, 5), min_size=3, max_size=3)
workshop_spec = st.tuples(
    st.integers(0, 1),
    st.integers(0, 3),
    st.lists(ratings, min_size=1, max_size=3),
    st.lists(st.integers(1, 5), max_size=7),
)


def _build(specs):
    districts = [DistrictFactory(number=10), DistrictFactory(number=1, name="Mitte", slug="mitte")]
    fmt = FormatFactory()
    criteria = list(QualityCriterion.objects.active()[:3])
    asked = services.feedback_criteria()[0]
    authors = [UserFactory() for _ in range(3)]
    base = datetime(2025, 11, 15, 17, tzinfo=timezone.get_current_timezone())
    expected_time = defaultdict(list)
    expected_district = defaultdict(list)
    expected_participants = []
    for index, (district_index, quarter_offset, reflection_ratings, answers) in enumerate(specs):
        starts_at = base - timedelta(days=91 * quarter_offset)
        workshop = Workshop.objects.create(
            title=f"W{index}",
            slug=f"w-{index}",
            district=districts[district_index],
            format=fmt,
            description="-",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            venue_name="-",
            venue_address="-",
            capacity=10,
            status=Workshop.Status.HELD,
        )
        period = selectors._quarter_start(timezone.localtime(starts_at).date())
        for author, values in zip(authors, reflection_ratings, strict=False):
            reflection = Reflection.objects.create(
                workshop=workshop, author=author, status=Reflection.Status.SUBMITTED, submitted_at=starts_at
            )
            CriterionRating.objects.bulk_create(
                [
                    CriterionRating(reflection=reflection, criterion=c, rating=v)
                    for c, v in zip(criteria, values, strict=True)
                ]
            )
            for c, v in zip(criteria, values, strict=True):
                expected_time[(c.pk, period)].append(v)
                expected_district[(c.pk, districts[district_index].pk)].append(v)
        for value in answers:
            response = FeedbackResponse.objects.create(workshop=workshop, overall=value)
            FeedbackCriterionAnswer.objects.create(response=response, criterion=asked, rating=value)
            expected_participants.append(value)
    # A draft never counts.
    draft = Reflection.objects.create(workshop=Workshop.objects.first(), author=UserFactory())
    CriterionRating.objects.create(reflection=draft, criterion=criteria[0], rating=1)
    return criteria, asked, expected_time, expected_district, expected_participants


def _mean(values):
    return sum(values) / len(values)


class AggregationTests(TestCase):
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(workshop_spec, min_size=1, max_size=5))
    def test_dashboard_averages_equal_the_plain_means(self, specs):
        criteria, asked, expected_time, expected_district, expected_participants = _build(specs)
        data = selectors.dashboard_data(districts=None)
        for (criterion_id, period), values in expected_time.items():
            cell = data.over_time[criterion_id][period]
            assert cell.n == len(values)
            assert cell.average == pytest.approx(_mean(values))
        for (criterion_id, district_id), values in expected_district.items():
            assert data.per_district[criterion_id][district_id].average == pytest.approx(_mean(values))
        got = {(cid, p) for cid, periods in data.over_time.items() for p in periods}
        assert got == set(expected_time)
        for c in criteria:
            values = [v for (cid, _p), vs in expected_time.items() if cid == c.pk for v in vs]
            assert data.facilitators[c.pk].average == pytest.approx(_mean(values))
        if expected_participants:
            assert data.participants[asked.pk].n == len(expected_participants)
            assert data.participants[asked.pk].average == pytest.approx(_mean(expected_participants))
        assert data.workshop_count == len(specs)

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(workshop_spec, min_size=1, max_size=4))
    def test_public_figures_suppress_everything_below_five(self, specs):
        criteria, asked, expected_time, _district, expected_participants = _build(specs)
        figures = {row["criterion"].pk: row for row in selectors.criterion_figures()}
        for c in criteria:
            values = [v for (cid, _p), vs in expected_time.items() if cid == c.pk for v in vs]
            figure = figures[c.pk]["facilitators"]
            if len(values) >= 5:
                assert figure == {"n": len(values), "average": round(_mean(values), 2), "suppressed": False}
            else:
                assert figure == {"n": None, "average": None, "suppressed": True}
            for period_figure in figures[c.pk]["periods"]:
                assert period_figure["n"] is None or period_figure["n"] >= 5
        participants = figures[asked.pk]["participants"]
        if len(expected_participants) >= 5:
            assert participants["average"] == round(_mean(expected_participants), 2)
        else:
            assert participants["average"] is None and participants["n"] is None

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(workshop_spec, min_size=1, max_size=4))
    def test_retired_criteria_stay_in_the_aggregates_of_their_period(self, specs):
        criteria, _asked, expected_time, _district, _participants = _build(specs)
        retired = criteria[0]
        services.criterion_retire(criterion=retired)
        data = selectors.dashboard_data(districts=None)
        assert retired in data.criteria
        for (criterion_id, period), values in expected_time.items():
            if criterion_id == retired.pk:
                assert data.over_time[retired.pk][period].average == pytest.approx(_mean(values))


@pytest.mark.django_db
def test_dashboard_for_an_unused_retired_criterion_does_not_list_it():
    criterion = QualityCriterion.objects.get(slug="lebendige-formate")
    services.criterion_retire(criterion=criterion)
    assert criterion not in selectors.dashboard_data(districts=None).criteria


@pytest.mark.django_db
def test_first_time_and_returning_participants():
    fmt = FormatFactory()
    district = DistrictFactory(number=10)
    now = timezone.now()

    def workshop(days_ago):
        starts_at = now - timedelta(days=days_ago)
        return Workshop.objects.create(
            title="W",
            slug=f"w{days_ago}",
            district=district,
            format=fmt,
            description="-",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            venue_name="-",
            venue_address="-",
            capacity=10,
            status=Workshop.Status.HELD,
        )

    from reflections.models import ParticipationRecord

    early, late = workshop(40), workshop(5)
    h = services.participant_hash
    ParticipationRecord.objects.create(workshop=early, person_hash=h("a@x.org"), attended=True)
    ParticipationRecord.objects.create(workshop=early, person_hash=h("b@x.org"), attended=False)
    ParticipationRecord.objects.create(workshop=late, person_hash=h("a@x.org"), attended=True)
    ParticipationRecord.objects.create(workshop=late, person_hash=h("b@x.org"), attended=True)
    data = selectors.dashboard_data(districts=None)
    assert data.reach_total.first_time == 2  # a (early) and b (late: did not attend the early one)
    assert data.reach_total.returning == 1  # a (late)


# --- constant number of queries ---------------------------------------------------------------------------------


@pytest.fixture
def fachteam_client(client):
    from accounts.roles import Role

    login_with_mfa(client, with_role(UserFactory(), Role.FACHTEAM))
    return client


@pytest.mark.django_db
def test_dashboard_queries_do_not_grow_with_the_data(fachteam_client, django_assert_max_num_queries):
    from districts.models import District

    if not District.objects.exists():
        DistrictFactory(number=10)
    out = io.StringIO()
    demo.seed_scale(reflections=4, stdout=out)
    with django_assert_max_num_queries(12):
        selectors.dashboard_data(districts=None)
    with django_assert_max_num_queries(30) as small:
        assert fachteam_client.get("/moderation/auswertung/").status_code == 200
    demo.seed_scale(reflections=60, stdout=out)
    with django_assert_max_num_queries(12):
        data = selectors.dashboard_data(districts=None)
    assert data.workshop_count == 60
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert fachteam_client.get("/moderation/auswertung/").status_code == 200


@pytest.mark.django_db
def test_public_lists_do_not_grow_with_the_data(client, django_assert_max_num_queries):
    from districts.models import District

    if not District.objects.exists():
        DistrictFactory(number=10)
    demo.seed_scale(reflections=3, stdout=io.StringIO())
    with django_assert_max_num_queries(10) as small:
        assert client.get("/api/v1/documentation/").status_code == 200
    demo.seed_scale(reflections=25, stdout=io.StringIO())
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/api/v1/documentation/").status_code == 200
