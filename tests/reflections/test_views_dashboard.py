"""Insight dashboard and open-documentation list: who may see which districts; charts with their tables."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from reflections import demo, services
from tests.auth import login_with_mfa
from tests.factories import DistrictFactory, UserFactory
from tests.reflections.factories import facilitator, held_workshop, submitted_reflection, with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def districts():
    return DistrictFactory(number=10), DistrictFactory(number=1, name="Mitte", slug="mitte")


def test_fachteam_sees_the_criteria_chart_for_linden_limmer_with_its_table(client, districts):
    linden, mitte = districts
    submitted_reflection(held_workshop(district=linden, title="Linden-Werkstatt"), rating=4)
    submitted_reflection(held_workshop(district=mitte), rating=2)
    login_with_mfa(client, with_role(UserFactory(), Role.FACHTEAM))
    response = client.get("/moderation/auswertung/?bezirk=linden-limmer")
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["data"].workshop_count == 1
    quarter = response.context["data"].period_labels[0]  # one quarter of data: bars for that quarter
    assert 'role="img"' in page and f"Qualitätsmerkmale {quarter} – Linden-Limmer" in page
    assert "time-caption" in page and "4,0" in page
    assert response.context["data"].facilitators[response.context["data"].criteria[0].pk].average == 4


def test_fachteam_sees_all_districts_by_default(client, districts):
    linden, mitte = districts
    submitted_reflection(held_workshop(district=linden))
    submitted_reflection(held_workshop(district=mitte))
    login_with_mfa(client, with_role(UserFactory(), Role.FACHTEAM))
    response = client.get("/moderation/auswertung/")
    assert response.context["data"].workshop_count == 2
    assert response.context["scope_label"] == "alle Stadtbezirke"


def test_district_office_sees_only_its_district(client, districts):
    linden, mitte = districts
    submitted_reflection(held_workshop(district=linden))
    submitted_reflection(held_workshop(district=mitte))
    staff = with_role(UserFactory(), Role.BEZIRKSMANAGEMENT, [linden])
    login_with_mfa(client, staff)
    response = client.get("/moderation/auswertung/")
    assert response.context["scope_label"] == "Linden-Limmer"
    assert response.context["data"].workshop_count == 1
    response = client.get("/moderation/auswertung/?bezirk=mitte")
    assert response.context["data"].workshop_count == 1
    assert response.context["scope_label"] == "Linden-Limmer"
    assert "Mitte" not in [label for _value, label in response.context["form"].fields["bezirk"].choices]


def test_facilitators_and_citizens_may_not_see_the_dashboard(client):
    login_with_mfa(client, facilitator())
    assert client.get("/moderation/auswertung/").status_code == 403
    assert client.get("/moderation/dokumentation-offen/").status_code == 403
    client.logout()
    client.force_login(UserFactory())
    assert client.get("/moderation/auswertung/").status_code == 403


def test_dashboard_filter_by_period(client, districts):
    linden, _mitte = districts
    submitted_reflection(held_workshop(district=linden, days_ago=400))
    submitted_reflection(held_workshop(district=linden, days_ago=3))
    login_with_mfa(client, with_role(UserFactory(), Role.FACHTEAM))
    since = (timezone.localdate() - timedelta(days=30)).isoformat()
    response = client.get(f"/moderation/auswertung/?von={since}")
    assert response.context["data"].workshop_count == 1
    response = client.get("/moderation/auswertung/?von=2030-01-01&bis=2020-01-01")
    assert response.context["form"].errors


def test_dashboard_with_bulk_data_renders_every_chart(client, districts):
    demo.seed_scale(reflections=30, stdout=io.StringIO())
    login_with_mfa(client, with_role(UserFactory(), Role.FACHTEAM))
    response = client.get("/moderation/auswertung/")
    assert set(response.context["charts"]) == {
        "criteria_time",
        "criteria_district",
        "comparison",
        "reach",
        "eigenregie",
        "quarters",
    }
    assert response.content.decode().count('role="img"') >= 5


def test_documentation_debt_list(client, districts):
    linden, mitte = districts
    open_debt = held_workshop(district=linden, days_ago=9, title="Offene Werkstatt")
    other = held_workshop(district=mitte, days_ago=9, title="Werkstatt in Mitte")
    done = held_workshop(district=linden, days_ago=9, title="Fertige Werkstatt")
    submitted_reflection(done)
    login_with_mfa(client, with_role(UserFactory(), Role.FACHTEAM))
    debts = [d.workshop for d in client.get("/moderation/dokumentation-offen/").context["debts"]]
    assert set(debts) == {open_debt, other}
    client.logout()
    login_with_mfa(client, with_role(UserFactory(), Role.BEZIRKSMANAGEMENT, [linden]))
    response = client.get("/moderation/dokumentation-offen/")
    assert [d.workshop for d in response.context["debts"]] == [open_debt]
    assert "überfällig" in response.content.decode()
    services.documentation_debt_remind()
    response = client.get("/moderation/dokumentation-offen/")
    assert response.context["debts"][0].reminded and not response.context["debts"][0].escalated
    assert "erinnert" in response.content.decode()


def test_dashboard_period_inputs_carry_iso_values_and_end_today(client, districts):
    login_with_mfa(client, with_role(UserFactory(), Role.FACHTEAM))
    page = client.get("/moderation/auswertung/").content.decode()
    today = timezone.localdate()
    assert f'value="{today.year - 2}-01-01"' in page
    assert f'value="{today.isoformat()}"' in page
    page = client.get("/moderation/auswertung/?von=2024-03-01&bis=2024-06-30").content.decode()
    assert 'value="2024-03-01"' in page and 'value="2024-06-30"' in page


def test_dashboard_with_one_quarter_of_data_shows_bars_not_lines_through_one_point(client, districts):
    linden, _mitte = districts
    submitted_reflection(held_workshop(district=linden), rating=4)
    login_with_mfa(client, with_role(UserFactory(), Role.FACHTEAM))
    response = client.get("/moderation/auswertung/")
    assert len(response.context["data"].periods) == 1
    charts = response.context["charts"]
    assert "Liniendiagramm" not in charts["criteria_time"]
    assert "Balkendiagramm" in charts["criteria_time"]
    assert "Liniendiagramm" not in charts.get("reach", "")
