"""Stage and Eigenregie derivations (pure functions)."""

from hypothesis import given
from hypothesis import strategies as st

from planning.derivation import (
    DEFAULT_THRESHOLDS,
    LeadFact,
    RecordFact,
    Threshold,
    classify_workshop,
    district_stage,
    missing_for_next,
    person_stage,
    role_rank,
    stage_rank,
)
from planning.models import ROLE_ORDER, STAGE_ORDER

records = st.lists(st.builds(RecordFact, role=st.sampled_from(ROLE_ORDER), coached=st.booleans()), max_size=12)
threshold_sets = st.lists(
    st.builds(
        Threshold,
        stage=st.sampled_from(STAGE_ORDER[1:]),
        role=st.sampled_from(ROLE_ORDER),
        min_count=st.integers(min_value=1, max_value=4),
        with_coaching=st.booleans(),
    ),
    max_size=6,
).map(lambda rows: rows or list(DEFAULT_THRESHOLDS))


@given(records, threshold_sets, st.data())
def test_stage_never_goes_backwards_when_a_record_meeting_the_next_threshold_is_added(before, limits, data):
    stage = person_stage(before, limits)
    following, missing = missing_for_next(before, limits)
    if following is None:
        return
    if missing:
        need = data.draw(st.sampled_from(missing))
        role = data.draw(st.sampled_from([r for r in ROLE_ORDER if role_rank(r) >= role_rank(need.role)]))
        added = RecordFact(role, coached=need.with_coaching or data.draw(st.booleans()))
    else:
        added = data.draw(st.builds(RecordFact, role=st.sampled_from(ROLE_ORDER), coached=st.booleans()))
    after = person_stage([*before, added], limits)
    assert stage_rank(after) >= stage_rank(stage)


@given(records, st.builds(RecordFact, role=st.sampled_from(ROLE_ORDER), coached=st.booleans()), threshold_sets)
def test_stage_never_goes_backwards_when_any_record_is_added(before, added, limits):
    assert stage_rank(person_stage([*before, added], limits)) >= stage_rank(person_stage(before, limits))


@given(records, threshold_sets)
def test_adding_what_is_missing_reaches_the_next_stage(before, limits):
    following, missing = missing_for_next(before, limits)
    if following is None:
        return
    added = [RecordFact(m.role, coached=True) for m in missing for _ in range(m.needed)]
    assert stage_rank(person_stage([*before, *added], limits)) >= stage_rank(following)


def test_no_records_is_the_observer_stage():
    assert person_stage([]) == "observer"


def test_default_path_to_lead_needs_two_coached_tandem_leads():
    path = [
        RecordFact("observer"),
        RecordFact("co_facilitation"),
        RecordFact("co_facilitation"),
        RecordFact("tandem_lead", coached=True),
    ]
    assert person_stage(path) == "tandem_lead"
    following, missing = missing_for_next(path)
    assert following == "lead"
    assert [(m.role, m.needed, m.with_coaching) for m in missing] == [("tandem_lead", 1, True)]
    assert person_stage([*path, RecordFact("tandem_lead", coached=False)]) == "tandem_lead"
    assert person_stage([*path, RecordFact("lead", coached=True)]) == "lead"


def _lead(role="lead", *, process=False, city=True, stage="lead"):
    return LeadFact(role=role, process_team=process, city_or_district=city, stage_before=stage)


def test_city_lead_at_lead_stage_without_process_team_is_eigenregie():
    assert classify_workshop([_lead(), _lead("co_facilitation", stage="observer")]) == "eigenregie"


def test_process_team_co_leading_makes_it_tandem():
    assert classify_workshop([_lead("tandem_lead"), _lead("co_facilitation", process=True, city=False)]) == "tandem"


def test_city_lead_below_the_lead_stage_is_not_eigenregie():
    assert classify_workshop([_lead(stage="tandem_lead")]) == "prototype"


def test_process_team_lead_alone_is_prototype():
    assert classify_workshop([_lead(process=True, city=False)]) == "prototype"
    assert classify_workshop([]) == "prototype"


def test_a_process_team_observer_does_not_make_it_tandem():
    assert classify_workshop([_lead(), _lead("observer", process=True, city=False)]) == "eigenregie"


def test_district_stage_is_the_furthest_class_reached():
    assert district_stage([]) == "prototyp"
    assert district_stage(["prototype", "tandem"]) == "tandem"
    assert district_stage(["tandem", "eigenregie", "prototype"]) == "eigenregie"
