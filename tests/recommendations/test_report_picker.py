"""The workshop picker on /berichte/ searches instead of listing every workshop (issue 10.7), without JS."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import Role
from recommendations.models import ReportJob
from tests.auth import login_with_mfa
from tests.factories import DistrictFactory, UserFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fachteam(client):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=Role.FACHTEAM.value)[0])
    login_with_mfa(client, user)
    district = DistrictFactory(number=10)
    now = timezone.now()
    for n in range(35):
        WorkshopFactory(district=district, title=f"Quartiersrunde {n}", starts_at=now - timedelta(days=n + 1))
    WorkshopFactory(district=district, title="Spielplatz am Küchengarten", starts_at=now - timedelta(days=400))
    return user


def workshop_options(page: str) -> list[str]:
    select = re.search(r'<select name="workshop-workshop".*?</select>', page, re.S).group(0)
    return [value for value in re.findall(r'<option value="([^"]*)"', select) if value]


def test_the_picker_offers_the_newest_workshops_and_says_how_to_find_others(client, fachteam):
    page = client.get("/berichte/").content.decode()
    assert len(workshop_options(page)) == 30
    assert 'type="search"' in page and "suchen Sie, um andere zu finden" in page


def test_a_search_narrows_the_list_on_the_server(client, fachteam):
    page = client.get("/berichte/", {"werkstatt": "küchengarten"}).content.decode()
    assert len(workshop_options(page)) == 1
    assert "1 Werkstatt passt zu „küchengarten“." in page


def test_any_permitted_workshop_can_be_requested_even_if_not_listed(client, fachteam):
    from workshops.models import Workshop

    old = Workshop.objects.get(title="Spielplatz am Küchengarten")
    response = client.post("/berichte/", {"kind": "workshop", "workshop-workshop": old.slug})
    assert response.status_code == 302
    assert ReportJob.objects.get().parameters == {"workshop": old.slug}


# --- the evidence picker of a recommendation (workshops it comes from) -------------------------------------------


def _draft(field, **extra):
    return {
        "form": "main",
        "title": "Rückmeldung an alle Teilnehmenden",
        "text": "Alle erfahren nach drei Monaten, was aus ihren Ideen wurde.",
        "field": field.pk,
        "addressee": "fachteam",
        "city_wide": "on",
        "priority": "high",
        **extra,
    }


def workshop_boxes(page: str) -> list[str]:
    return re.findall(r'<input type="checkbox" name="workshops" value="(\d+)"', page)


@pytest.fixture
def field():
    from tests.recommendations.factories import FieldOfActionFactory

    return FieldOfActionFactory()


def test_evidence_picker_offers_a_few_workshops_not_all(client, fachteam, field):
    page = client.get("/empfehlungen/neu/").content.decode()
    assert len(workshop_boxes(page)) == 10
    assert 'name="werkstatt_suche"' in page


def test_evidence_search_keeps_what_was_typed_and_saves_nothing(client, fachteam, field):
    from recommendations.models import Recommendation

    response = client.post("/empfehlungen/neu/", _draft(field, werkstatt_suche="Küchengarten", werkstatt_suche_los="1"))
    page = response.content.decode()
    assert response.status_code == 200
    assert not Recommendation.objects.exists()
    assert "Rückmeldung an alle Teilnehmenden" in page
    assert len(workshop_boxes(page)) == 1
    assert 'class="errorlist"' not in page


def test_evidence_accepts_a_workshop_that_was_not_listed(client, fachteam, field):
    from recommendations.models import Recommendation
    from workshops.models import Workshop

    old = Workshop.objects.get(title="Spielplatz am Küchengarten")
    response = client.post("/empfehlungen/neu/", _draft(field, workshops=[old.pk]))
    assert response.status_code == 302
    assert list(Recommendation.objects.get().workshops.all()) == [old]


def test_the_district_report_form_period_ends_today(client, fachteam):
    page = client.get("/berichte/").content.decode()
    assert f'name="district-end" value="{timezone.localdate().isoformat()}"' in page


# --- the admin: autocomplete for the evidence, a search field for report requests ---------------------------------


def test_admin_recommendation_form_searches_workshops_instead_of_listing_them(client, fachteam):
    fachteam.is_superuser = True
    fachteam.save()
    page = client.get("/admin/recommendations/recommendation/add/").content.decode()
    select = re.search(r'<select name="workshops".*?</select>', page, re.S).group(0)
    assert "admin-autocomplete" in select
    assert "Quartiersrunde" not in select


def test_admin_report_request_finds_the_workshop_by_part_of_its_title(client, fachteam):
    from recommendations.admin import ReportRequestForm
    from workshops.models import Workshop

    form = ReportRequestForm({"kind": "workshop", "workshop": "küchengarten"})
    assert form.is_valid(), form.errors
    assert form.parameters() == {"workshop": Workshop.objects.get(title="Spielplatz am Küchengarten").slug}
    ambiguous = ReportRequestForm({"kind": "workshop", "workshop": "Quartiersrunde"})
    assert not ambiguous.is_valid()
    assert "Mehrere Werkstätten passen" in str(ambiguous.errors["workshop"])
