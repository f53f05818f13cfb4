"""Pure derivations (no database): a person's stage from their record, a workshop's Eigenregie class from
its leads, a district's stage from its workshops. The selectors and services feed them facts.

Every rule here is monotone on purpose: a stage is "at least n records at role r or above", so adding a
record can only keep or raise a stage (tests/planning/test_derivation.py checks this with Hypothesis)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .models import DISTRICT_STAGE_ORDER, ROLE_ORDER, STAGE_ORDER, DistrictStage, FacilitationRole, Stage


@dataclass(frozen=True)
class RecordFact:
    """One confirmed facilitation record of a person: the role and whether a coach wrote a note on it."""

    role: str
    coached: bool = False


@dataclass(frozen=True)
class Threshold:
    stage: str
    role: str
    min_count: int
    with_coaching: bool = False


@dataclass(frozen=True)
class Missing:
    """What a person still needs for a stage: `needed` more records at `role` or above (coached or not)."""

    stage: str
    role: str
    needed: int
    with_coaching: bool


DEFAULT_THRESHOLDS: tuple[Threshold, ...] = (
    Threshold(Stage.CO_FACILITATOR, FacilitationRole.OBSERVER, 1),
    Threshold(Stage.TANDEM_LEAD, FacilitationRole.CO_FACILITATION, 2),
    Threshold(Stage.LEAD, FacilitationRole.TANDEM_LEAD, 2, with_coaching=True),
)


def role_rank(role: str) -> int:
    return ROLE_ORDER.index(role)


def stage_rank(stage: str) -> int:
    return STAGE_ORDER.index(stage)


def _count(records: Sequence[RecordFact], threshold: Threshold) -> int:
    floor = role_rank(threshold.role)
    return sum(1 for r in records if role_rank(r.role) >= floor and (r.coached or not threshold.with_coaching))


def _missing_for(records: Sequence[RecordFact], thresholds: Iterable[Threshold], stage: str) -> list[Missing]:
    result = []
    for threshold in thresholds:
        if threshold.stage != stage:
            continue
        have = _count(records, threshold)
        if have < threshold.min_count:
            result.append(Missing(stage, threshold.role, threshold.min_count - have, threshold.with_coaching))
    return result


def person_stage(records: Sequence[RecordFact], thresholds: Sequence[Threshold] = DEFAULT_THRESHOLDS) -> str:
    """The highest stage whose thresholds — and those of every lower stage — the records meet."""
    reached = Stage.OBSERVER.value
    for stage in STAGE_ORDER[1:]:
        if _missing_for(records, thresholds, stage):
            break
        reached = stage
    return reached


def missing_for_next(
    records: Sequence[RecordFact], thresholds: Sequence[Threshold] = DEFAULT_THRESHOLDS
) -> tuple[str | None, list[Missing]]:
    """The next stage and what is still missing for it (None when at the top)."""
    current = person_stage(records, thresholds)
    index = stage_rank(current)
    if index + 1 >= len(STAGE_ORDER):
        return None, []
    following = STAGE_ORDER[index + 1]
    return following, _missing_for(records, thresholds, following)


@dataclass(frozen=True)
class LeadFact:
    """A person in a leading role of one workshop (tandem lead or lead), or a process-team co-facilitator."""

    role: str
    process_team: bool
    city_or_district: bool
    stage_before: str  # the person's stage from their records of earlier workshops


def classify_workshop(facts: Sequence[LeadFact]) -> str:
    """Workshop.RunBy value: Eigenregie when every lead is a city / district person at the lead stage and no
    process-team member leads or co-leads; Tandem when a city / district person leads together with the
    process team; Prototyp otherwise (DESIGN §1.7, issue 11 point 4)."""
    leads = [f for f in facts if f.role in (FacilitationRole.LEAD, FacilitationRole.TANDEM_LEAD)]
    city_leads = [f for f in leads if f.city_or_district and not f.process_team]
    process_team_involved = any(f.process_team for f in facts if f.role != FacilitationRole.OBSERVER)
    if not city_leads:
        return "prototype"
    if not process_team_involved and len(city_leads) == len(leads):
        if all(f.stage_before == Stage.LEAD for f in city_leads):
            return "eigenregie"
        return "prototype"
    if process_team_involved:
        return "tandem"
    return "prototype"


RUN_BY_TO_DISTRICT_STAGE = {
    "prototype": DistrictStage.PROTOTYP.value,
    "tandem": DistrictStage.TANDEM.value,
    "eigenregie": DistrictStage.EIGENREGIE.value,
}


def district_stage(run_bys: Iterable[str]) -> str:
    """A district's stage: the furthest class any of its held workshops reached (a path, not a mood)."""
    best = 0
    for run_by in run_bys:
        best = max(best, DISTRICT_STAGE_ORDER.index(RUN_BY_TO_DISTRICT_STAGE.get(run_by, DistrictStage.PROTOTYP)))
    return DISTRICT_STAGE_ORDER[best]
