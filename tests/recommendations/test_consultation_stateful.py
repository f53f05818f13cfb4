"""Hypothesis state machine of the consultation (issue 12): contributions succeed only inside the window,
responses only after it, and the recommendation is never adopted while a contribution lacks a response."""

import contextlib
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from accounts.roles import Role
from core.exceptions import ApplicationError
from recommendations import services
from recommendations.models import Contribution, Recommendation
from tests.recommendations.factories import FieldOfActionFactory, decision_data, user_with_role


class Clock:
    """timezone.now() plus an offset that only grows."""

    def __init__(self, real_now):
        self.real_now = real_now
        self.offset = timedelta()

    def __call__(self):
        return self.real_now() + self.offset


class ConsultationMachine(RuleBasedStateMachine):
    clock: Clock

    @initialize(starts_in=st.integers(min_value=0, max_value=3), length=st.integers(min_value=1, max_value=5))
    def open_consultation(self, starts_in, length):
        self.people = [user_with_role(Role.POLITIK), user_with_role(Role.FACHBEREICH)]
        recommendation = services.recommendation_create(
            title="Empfehlung",
            text="Absatz eins.\n\nAbsatz zwei.",
            field=FieldOfActionFactory(),
            addressee=Recommendation.Addressee.FACHTEAM,
            city_wide=True,
        )
        now = timezone.now()
        self.consultation = services.consultation_open(
            recommendation=recommendation,
            starts_at=now + timedelta(days=starts_in),
            ends_at=now + timedelta(days=starts_in + length),
        )
        self.adopted = False

    @rule(days=st.integers(min_value=0, max_value=3), hours=st.integers(min_value=0, max_value=23))
    def time_passes(self, days, hours):
        self.clock.offset += timedelta(days=days, hours=hours)

    @rule(person=st.integers(min_value=0, max_value=1), kind=st.sampled_from(["comment", "suggestion", "endorsement"]))
    def contribute(self, person, kind):
        inside = self.consultation.is_open_at(timezone.now())
        before = Contribution.objects.filter(consultation=self.consultation).count()
        try:
            services.contribution_add(
                consultation=self.consultation,
                author=self.people[person],
                kind=kind,
                text="Hinweis",
                suggested_wording="Neu",
                paragraph=1,
            )
        except services.ConsultationClosed:
            assert not inside
            assert Contribution.objects.filter(consultation=self.consultation).count() == before
        else:
            assert inside

    @rule(outcome=st.sampled_from(["taken_up", "partly", "not_taken_up"]))
    def respond_to_one(self, outcome):
        open_one = services.contributions_missing_response(self.consultation)[:1]
        for contribution in open_one:
            with contextlib.suppress(ApplicationError):
                services.contribution_respond(contribution=contribution, outcome=outcome, reason="Begründung", by=None)

    @rule()
    def try_to_adopt(self):
        if self.adopted:
            return
        missing = services.contributions_missing_response(self.consultation)
        ended = self.consultation.has_ended_at(timezone.now())
        try:
            services.recommendation_transition(
                recommendation=self.consultation.recommendation,
                to_status="adopted",
                notify=False,
                decision=decision_data(),
            )
        except services.ResponsesMissing:
            assert missing or not ended
        else:
            assert ended and not missing
            self.adopted = True

    @invariant()
    def never_adopted_with_missing_responses(self):
        if not hasattr(self, "consultation"):
            return
        status = Recommendation.objects.get(pk=self.consultation.recommendation_id).status
        if status == Recommendation.Status.ADOPTED:
            assert services.contributions_missing_response(self.consultation) == []

    @invariant()
    def contributions_lie_inside_the_window(self):
        if not hasattr(self, "consultation"):
            return
        for created in Contribution.objects.filter(consultation=self.consultation).values_list("created_at", flat=True):
            assert self.consultation.starts_at <= created < self.consultation.ends_at


@pytest.mark.django_db
def test_consultation_invariants_under_random_sequences(monkeypatch):
    clock = Clock(timezone.now)
    monkeypatch.setattr(timezone, "now", clock)
    ConsultationMachine.clock = clock
    run_state_machine_as_test(
        ConsultationMachine,
        settings=settings(
            max_examples=15,
            stateful_step_count=20,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
