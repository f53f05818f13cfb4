"""The n >= 5 rule in the PDF reports: quarter counts and the feedback table (issue 15, mutation-gap tests)."""

import pytest
from django.db.models import Q

from recommendations import reports
from tests.factories import QuarterFactory, RegistrationFactory
from tests.recommendations.conftest import pdf_text
from tests.reflections.factories import FeedbackResponseFactory, held_workshop

pytestmark = pytest.mark.django_db


def test_quarter_counts_below_five_are_withheld_and_five_is_shown():
    workshop = held_workshop()
    few, enough = QuarterFactory(name="Limmer"), QuarterFactory(name="Linden-Nord")
    RegistrationFactory(workshop=workshop, quarter=few, seats=4)
    RegistrationFactory(workshop=workshop, quarter=enough, seats=2)
    RegistrationFactory(workshop=workshop, quarter=enough, seats=3)
    quarters = dict(reports._workshop_registrations(workshop)["quarters"])
    assert quarters == {"Limmer": "weniger\xa0als\xa05", "Linden-Nord": "5"}


def test_feedback_table_hides_a_question_answered_by_fewer_than_five():
    workshop = held_workshop()
    for _ in range(3):
        FeedbackResponseFactory(workshop=workshop, overall=1, felt_heard=4, knows_next_steps=None)
    for _ in range(3):
        FeedbackResponseFactory(workshop=workshop, overall=None, felt_heard=4, knows_next_steps=None)
    figures = reports._feedback_figures(Q(workshop=workshop))
    assert figures["shown"] and figures["count"] == 6
    assert figures["overall"] is None and figures["knows_next_steps"] is None
    assert figures["felt_heard"] == 4


def test_feedback_table_below_five_responses_is_not_shown():
    workshop = held_workshop()
    for _ in range(4):
        FeedbackResponseFactory(workshop=workshop)
    assert reports._feedback_figures(Q(workshop=workshop))["shown"] is False


def test_workshop_pdf_withholds_small_quarters_and_thin_questions():
    workshop = held_workshop()
    RegistrationFactory(workshop=workshop, quarter=QuarterFactory(name="Limmer"), seats=2)
    for overall in (1, 1, None, None, None, None):
        FeedbackResponseFactory(workshop=workshop, overall=overall, felt_heard=4)
    text = pdf_text(reports.report_render(kind="workshop", parameters={"workshop": workshop.slug}).pdf)
    assert "Limmer weniger als 5" in " ".join(text.split())
    assert "Zufriedenheit insgesamt –" in text  # 2 answers to this question, though 6 responded
    assert "Ich habe mich gehört gefühlt 4,0" in text
