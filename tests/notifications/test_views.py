"""Public pages: the Folgen form on district, recommendation and workshop pages, confirm, manage, one-click."""

import pytest
from django.core.cache import cache
from django.test import Client

from core.models import OutboxMail
from notifications import tokens
from notifications.models import Subscription
from recommendations.models import Recommendation
from tests.factories import DistrictFactory, WorkshopFactory
from tests.notifications.factories import confirm_token_in, follow, last_mail
from tests.recommendations.factories import RecommendationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def _post_follow(client, kind, slug, email="ada@example.org", **extra):
    data = {"kind": kind, "target": slug, "email": email, "consent": "on", **extra}
    return client.post("/folgen/", data)


def test_district_page_shows_the_follow_form(client):
    district = DistrictFactory()
    html = client.get(f"/bezirke/{district.slug}/").content.decode()
    assert 'action="/folgen/"' in html
    assert 'name="target" value="linden-limmer"' in html


def test_follow_form_on_a_cached_page_carries_the_requesters_csrf_token(settings):
    settings.PAGE_CACHE_ENABLED = True
    workshop = WorkshopFactory()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get(workshop.get_absolute_url())
    html = second.get(workshop.get_absolute_url()).content.decode()
    token = second.cookies["csrftoken"].value
    assert "hb-csrf-mark" not in html
    response = second.post(
        "/folgen/",
        {
            "kind": "workshop",
            "target": workshop.slug,
            "email": "ada@example.org",
            "consent": "on",
            "csrfmiddlewaretoken": html.split('name="csrfmiddlewaretoken" value="')[-1].split('"')[0],
        },
    )
    assert token and response.status_code == 302


def test_public_recommendation_page_shows_the_follow_form(client):
    public = RecommendationFactory(status=Recommendation.Status.ADOPTED)
    assert 'name="kind" value="recommendation"' in client.get(public.get_absolute_url()).content.decode()


def test_posting_the_form_answers_the_same_for_known_and_new_addresses(client):
    district = DistrictFactory()
    follow("known@example.org", district)
    new = _post_follow(client, "district", district.slug, email="new@example.org")
    cache.clear()
    known = _post_follow(client, "district", district.slug, email="known@example.org")
    assert new.status_code == known.status_code == 302
    assert new["Location"] == known["Location"] == "/folgen/angefragt/"
    assert Subscription.objects.filter(subscriber__email="known@example.org").count() == 1


def test_form_without_consent_shows_an_error(client):
    district = DistrictFactory()
    response = client.post("/folgen/", {"kind": "district", "target": district.slug, "email": "ada@example.org"})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not Subscription.objects.exists()


def test_honeypot_gets_the_same_answer_and_nothing_is_stored(client):
    district = DistrictFactory()
    response = _post_follow(client, "district", district.slug, website="http://spam.example")
    assert response["Location"] == "/folgen/angefragt/"
    assert not Subscription.objects.exists()


def test_unknown_target_is_a_404_not_a_500(client):
    assert _post_follow(client, "district", "gibt-es-nicht").status_code == 404
    assert client.get("/folgen/?art=alles&ziel=%00").status_code == 400  # NUL bytes are refused before routing
    assert client.get("/folgen/?art=alles&ziel=nichts").status_code == 404


def test_confirm_get_shows_a_button_and_post_confirms(client):
    district = DistrictFactory()
    _post_follow(client, "district", district.slug)
    token = confirm_token_in(last_mail("ada@example.org"))
    page = client.get(f"/folgen/bestaetigen/{token}/")
    assert page.status_code == 200 and '<form method="post">' in page.content.decode()
    assert Subscription.objects.get().status == Subscription.Status.PENDING
    done = client.post(f"/folgen/bestaetigen/{token}/")
    assert done.status_code == 200
    assert Subscription.objects.get().status == Subscription.Status.ACTIVE
    assert client.post(f"/folgen/bestaetigen/{token}/").status_code == 404


def test_one_click_post_without_csrf_unsubscribes_and_replay_is_harmless():
    subscription = follow("ada@example.org", DistrictFactory())
    client = Client(enforce_csrf_checks=True)
    url = f"/folgen/abbestellen/{tokens.unsubscribe_token(subscription.token_seed)}/"
    assert client.get(url).status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE  # GET changes nothing (mail scanners)
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.UNSUBSCRIBED
    assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200


def test_forged_one_click_tokens_are_404_and_change_nothing():
    subscription = follow("ada@example.org", DistrictFactory())
    client = Client(enforce_csrf_checks=True)
    assert client.post("/folgen/abbestellen/forged-token/").status_code == 404
    assert client.post("/folgen/alle-abbestellen/forged-token/").status_code == 404
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE


def test_manage_page_lists_and_ends_each_subscription(client):
    district = DistrictFactory()
    workshop = WorkshopFactory()
    first = follow("ada@example.org", district)
    follow("ada@example.org", workshop)
    url = f"/folgen/verwalten/{tokens.manage_token(first.subscriber.token_seed)}/"
    html = client.get(url).content.decode()
    assert district.name in html and workshop.title in html
    client.post(url, {"action": "unsubscribe", "subscription": str(first.pk)})
    first.refresh_from_db()
    assert first.status == Subscription.Status.UNSUBSCRIBED
    client.post(url, {"action": "unsubscribe_all"})
    assert not Subscription.objects.active().exists()


def test_manage_page_cannot_end_another_addresses_subscription(client):
    mine = follow("ada@example.org", DistrictFactory())
    other = follow("bob@example.org", DistrictFactory())
    url = f"/folgen/verwalten/{tokens.manage_token(mine.subscriber.token_seed)}/"
    client.post(url, {"action": "unsubscribe", "subscription": str(other.pk)})
    other.refresh_from_db()
    assert other.status == Subscription.Status.ACTIVE


def test_manage_page_erases_the_address(client):
    subscription = follow("ada@example.org", DistrictFactory())
    url = f"/folgen/verwalten/{tokens.manage_token(subscription.subscriber.token_seed)}/"
    assert client.post(url, {"action": "erase"}).status_code == 200
    assert not Subscription.objects.exists()
    assert client.get(url).status_code == 404


def test_the_confirmation_mail_is_in_the_persons_language(client):
    district = DistrictFactory()
    client.post("/i18n/setlang/", {"language": "en"})
    _post_follow(client, "district", district.slug)
    assert Subscription.objects.get().subscriber.language == "en"
    assert OutboxMail.objects.filter(to="ada@example.org").exists()


def test_the_bare_follow_address_lists_what_one_can_follow(client):
    district = DistrictFactory(number=10)
    response = client.get("/folgen/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/folgen/?art=district&amp;ziel={district.slug}"' in html
    assert 'href="/werkstaetten/"' in html
    assert 'href="/empfehlungen/"' in html


def test_an_incomplete_follow_link_is_still_a_404(client):
    assert client.get("/folgen/?art=district").status_code == 404
