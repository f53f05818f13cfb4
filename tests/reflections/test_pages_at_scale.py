"""The open-documentation list decides in the database which held workshops are debts, shows them a page at
a time, and runs the same number of queries however many workshops were held."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from reflections import selectors, services
from tests.auth import login_with_mfa
from tests.factories import UserFactory
from tests.reflections.factories import facilitator, held_workshop, lead_of, submitted_reflection, with_role
from workshops.models import Workshop, WorkshopTeamMember

pytestmark = pytest.mark.django_db

URL = "/moderation/dokumentation-offen/"


def _queries(client, url: str = URL) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_debts_are_decided_in_the_database_as_before():
    no_team = held_workshop(title="Ohne Team")
    no_team.team.all().delete()
    co_missing = held_workshop(title="Co fehlt", team=[(facilitator(), WorkshopTeamMember.Role.CO)])
    submitted_reflection(co_missing)
    Workshop.objects.filter(pk=co_missing.pk).update(status=Workshop.Status.HELD)
    draft_only = held_workshop(title="Nur Entwurf")
    services.reflection_start(workshop=draft_only, author=lead_of(draft_only))
    complete = held_workshop(title="Vollständig")
    submitted_reflection(complete)
    Workshop.objects.filter(pk=complete.pk).update(status=Workshop.Status.HELD)

    debts = {d.workshop.title: d for d in selectors.documentation_debts()}

    assert set(debts) == {"Ohne Team", "Co fehlt", "Nur Entwurf"}
    assert set(selectors.documentation_debt_workshops().values_list("title", flat=True)) == set(debts)
    assert [m.pk for m in debts["Co fehlt"].missing] == [co_missing.team.get(role="co").user_id]
    assert debts["Nur Entwurf"].drafts == 1


def test_debt_list_is_paged_with_the_total_in_the_caption(client, settings):
    for days in range(3, 8):
        held_workshop(days_ago=days, title=f"Werkstatt {days}")
    login_with_mfa(client, with_role(UserFactory(), Role.FACHTEAM))
    from reflections import views

    views.DEBTS_PER_PAGE, original = 2, views.DEBTS_PER_PAGE
    try:
        first = client.get(URL)
        last = client.get(URL + "?seite=3")
    finally:
        views.DEBTS_PER_PAGE = original

    assert [d.workshop.title for d in first.context["debts"]] == ["Werkstatt 7", "Werkstatt 6"]
    assert [d.workshop.title for d in last.context["debts"]] == ["Werkstatt 3"]
    assert "5 Werkstätten mit offener Dokumentation" in first.content.decode()
    assert "Seite 1 von 3" in first.content.decode()


def test_debt_list_queries_do_not_grow_with_the_held_workshops(client):
    held_workshop(days_ago=9)
    login_with_mfa(client, with_role(UserFactory(), Role.FACHTEAM))
    few = _queries(client)
    for days in range(3, 9):
        held_workshop(days_ago=days, team=[(facilitator(), WorkshopTeamMember.Role.CO)])
    assert _queries(client) == few


# --- dashboard ------------------------------------------------------------------------------------------------


def test_returning_counts_an_earlier_attendance_outside_the_scope():
    from datetime import date

    from reflections.models import ParticipationRecord
    from tests.factories import DistrictFactory

    linden, mitte = DistrictFactory(number=10), DistrictFactory(number=1, name="Mitte", slug="mitte")
    long_ago = held_workshop(district=mitte, days_ago=800)
    recent = held_workshop(district=linden, days_ago=5)
    for workshop, person in [(long_ago, "a"), (recent, "a"), (recent, "b")]:
        ParticipationRecord.objects.create(
            workshop=workshop, person_hash=services.participant_hash(f"{person}@x.org"), attended=True
        )
    start = date.today().replace(day=1, month=1, year=date.today().year - 1)
    data = selectors.dashboard_data(districts=[linden], start=start)
    assert (data.reach_total.first_time, data.reach_total.returning) == (1, 1)


def test_dashboard_figures_are_kept_a_minute_per_scope(client, settings):
    from core import fragments

    settings.FRAGMENT_CACHE_ENABLED = True
    fragments.clear()
    submitted_reflection(held_workshop(days_ago=9))
    login_with_mfa(client, with_role(UserFactory(), Role.FACHTEAM))
    url = "/moderation/auswertung/"
    cold = _queries(client, url)
    warm = _queries(client, url)
    assert warm < cold
    assert client.get(url).context["data"].workshop_count == 1
    other_scope = client.get(url + "?von=2020-01-01")
    assert other_scope.context["data"].workshop_count == 1
    fragments.clear()
