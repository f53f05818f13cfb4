"""The n >= 5 rule in every place of the documentation API (issue 15, mutation-gap tests)."""

import pytest

from tests.reflections.factories import FeedbackResponseFactory, held_workshop

pytestmark = pytest.mark.django_db


def _feedback(client, workshop):
    return client.get(f"/api/v1/documentation/{workshop.slug}/").json()["feedback"]


def test_a_question_answered_by_fewer_than_five_has_no_average_though_enough_responded(client):
    workshop = held_workshop()
    for _ in range(3):
        FeedbackResponseFactory(workshop=workshop, overall=1, felt_heard=4)
    for _ in range(3):
        FeedbackResponseFactory(workshop=workshop, overall=None, felt_heard=4)
    feedback = _feedback(client, workshop)
    assert feedback["n"] == 6
    assert feedback["overall"] is None  # 3 answers
    assert feedback["felt_heard"] == 4.0  # 6 answers


def test_would_return_counts_below_five_are_withheld(client):
    workshop = held_workshop()
    for answer in ["yes"] * 5 + ["maybe"] * 4 + ["no"] * 5:
        FeedbackResponseFactory(workshop=workshop, would_return=answer)
    would_return = _feedback(client, workshop)["would_return"]
    assert would_return["maybe"] is None
    assert would_return["yes"] is None or would_return["no"] is None  # the total would give "maybe" away


def test_a_single_withheld_count_cannot_be_recovered_from_the_total(client):
    workshop = held_workshop()
    for answer in ["yes"] * 6 + ["maybe"] * 1:
        FeedbackResponseFactory(workshop=workshop, would_return=answer)
    feedback = _feedback(client, workshop)
    would_return = feedback["would_return"]
    assert would_return["maybe"] is None
    shown = [value for value in would_return.values() if value is not None]
    # n minus the shown counts must not single out the withheld one
    assert list(would_return.values()).count(None) >= 2
    assert feedback["n"] - sum(shown) >= 1


def test_would_return_counts_of_five_and_zero_are_shown(client):
    workshop = held_workshop()
    for answer in ["yes"] * 5 + ["no"] * 5:
        FeedbackResponseFactory(workshop=workshop, would_return=answer)
    assert _feedback(client, workshop)["would_return"] == {"yes": 5, "maybe": 0, "no": 5}


def test_documentation_page_withholds_a_would_return_count_the_total_would_give_away(client):
    workshop = held_workshop()
    for answer in ["yes"] * 6 + ["maybe"] * 1:
        FeedbackResponseFactory(workshop=workshop, would_return=answer)
    page = client.get(f"/werkstaetten/{workshop.slug}/dokumentation/").content.decode()
    assert "7 Rückmeldungen" in page
    assert "ja –, vielleicht –, nein 0" in page
