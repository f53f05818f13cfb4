"""Issue 10.9 (second half): the reflection form shows its sections with a progress indicator (without
JavaScript) and lists each error once."""

import re

import pytest

from reflections import services
from tests.auth import login_with_mfa
from tests.reflections.factories import full_data, held_workshop, lead_of
from tests.reflections.test_views_workspace import _form_data

pytestmark = pytest.mark.django_db


def _url(workshop) -> str:
    return f"/moderation/werkstaetten/{workshop.slug}/reflexion/"


def test_a_new_reflection_shows_every_section_with_the_required_ones_missing(client):
    workshop = held_workshop()
    login_with_mfa(client, lead_of(workshop))
    response = client.get(_url(workshop))
    progress = response.context["progress"]
    assert [s.state for s in progress["steps"]] == [
        "missing",
        "missing",
        "optional",
        "optional",
        "optional",
        "optional",
        "missing",
    ]
    page = response.content.decode()
    assert "0 von 7 Abschnitten ausgefüllt" in page and "<progress" in page


def test_the_progress_follows_the_saved_draft(client):
    workshop = held_workshop()
    reflection = services.reflection_start(workshop=workshop, author=lead_of(workshop))
    services.reflection_save_draft(reflection=reflection, data=full_data(reflection))
    login_with_mfa(client, lead_of(workshop))
    progress = client.get(_url(workshop)).context["progress"]
    assert progress["missing"] == 0
    assert "alle Pflichtangaben sind da" in client.get(_url(workshop)).content.decode()


def test_incomplete_submission_lists_each_missing_part_once(client):
    workshop = held_workshop()
    login_with_mfa(client, lead_of(workshop))
    data = _form_data(client.get(_url(workshop)))
    data["action"] = "submit"
    response = client.post(_url(workshop), data, follow=True)
    page = response.content.decode()
    summary = page.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    items = re.findall(r"<li>", summary)
    assert len(items) == len(response.context["errors"])
    # The message says that the draft is saved, without repeating the list of missing parts.
    assert "noch nicht vollständig" in page
    assert "Bitte ergänzen Sie noch" not in page
    criterion = response.context["bundle"].ratings[0].criterion.name
    assert summary.count(criterion) == 1
