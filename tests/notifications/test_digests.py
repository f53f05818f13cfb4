"""Event log and digests: derived events, grouping, weekly cap, dedupe, one-click headers, and the
Hypothesis property: every event reaches every active subscriber exactly once, never after unsubscribe."""

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from core.models import OutboxMail
from notifications import services
from notifications.models import Event, Subscriber, Subscription
from recommendations import services as recommendation_services
from recommendations.models import Recommendation
from tests.factories import DistrictFactory, WorkshopFactory
from tests.notifications.factories import UNSUBSCRIBE_ALL_LINK, follow
from tests.recommendations.factories import RecommendationFactory, decision_data, fachteam_user

pytestmark = pytest.mark.django_db


def test_a_new_workshop_becomes_one_event_of_its_district():
    workshop = WorkshopFactory()
    assert services.events_collect() == 1
    assert services.events_collect() == 0
    event = Event.objects.get()
    assert event.kind == Event.Kind.WORKSHOP_PUBLISHED
    assert list(event.districts.all()) == [workshop.district]


def test_drafts_and_past_workshops_make_no_new_workshop_event():
    WorkshopFactory(draft=True)
    WorkshopFactory(past=True)
    assert services.events_collect() == 0


def test_documented_workshop_becomes_an_event():
    from workshops.models import Workshop

    WorkshopFactory(past=True, status=Workshop.Status.DOCUMENTED)
    services.events_collect()
    assert Event.objects.filter(kind=Event.Kind.WORKSHOP_DOCUMENTED).count() == 1


def test_recommendation_status_change_and_milestone_become_events():
    district = DistrictFactory()
    recommendation = RecommendationFactory(city_wide=False, districts=[district])
    by = fachteam_user()
    recommendation_services.recommendation_transition(
        recommendation=recommendation, to_status=Recommendation.Status.CONSULTATION, by=by
    )
    recommendation_services.recommendation_transition(
        recommendation=recommendation, to_status=Recommendation.Status.ADOPTED, by=by, decision=decision_data()
    )
    services.events_collect()
    kinds = list(Event.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == [Event.Kind.RECOMMENDATION_PUBLISHED, Event.Kind.RECOMMENDATION_STATUS]
    assert list(Event.objects.first().districts.all()) == [district]


def test_digest_lists_a_new_workshop_to_district_followers_with_one_click_unsubscribe():
    district = DistrictFactory()
    follow("ada@example.org", district)
    workshop = WorkshopFactory(district=district, title="Plätze in Linden")
    services.events_collect()
    results = services.digests_send()
    assert [r.event_ids for r in results] == [tuple(Event.objects.values_list("id", flat=True))]
    mail = OutboxMail.objects.get(topic="notifications:digest")
    assert mail.to == "ada@example.org"
    assert workshop.title in mail.body_text and workshop.title in mail.body_html
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert UNSUBSCRIBE_ALL_LINK.search(mail.headers["List-Unsubscribe"])
    assert "/folgen/verwalten/" in mail.body_text


def test_outbox_sends_the_one_click_headers(mailoutbox):
    from core.services import outbox_send

    district = DistrictFactory()
    follow("ada@example.org", district)
    WorkshopFactory(district=district)
    services.events_collect()
    services.digests_send()
    mail = OutboxMail.objects.get(topic="notifications:digest")
    outbox_send(mail_id=mail.pk)
    sent = [m for m in mailoutbox if m.to == ["ada@example.org"]][-1]
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert sent.message()["List-Unsubscribe"].startswith("<http")


def test_events_before_confirmation_are_not_sent():
    district = DistrictFactory()
    WorkshopFactory(district=district)
    services.events_collect()
    follow("ada@example.org", district)
    assert services.digests_send() == []


def test_at_most_one_digest_a_week_per_address(monkeypatch):
    district = DistrictFactory()
    follow("ada@example.org", district)
    WorkshopFactory(district=district)
    services.events_collect()
    now = timezone.now()
    assert len(services.digests_send(now=now)) == 1
    WorkshopFactory(district=district)
    services.events_collect()
    assert services.digests_send(now=now + timedelta(days=3)) == []
    assert len(services.digests_send(now=now + timedelta(days=7))) == 1
    assert OutboxMail.objects.filter(topic="notifications:digest").count() == 2


def test_one_event_matching_two_subscriptions_of_one_address_is_listed_once():
    district = DistrictFactory()
    workshop = WorkshopFactory(district=district)
    follow("ada@example.org", district)
    follow("ada@example.org", workshop)
    recommendation = RecommendationFactory(city_wide=False, districts=[district], workshops=[workshop])
    recommendation_services.recommendation_transition(
        recommendation=recommendation, to_status=Recommendation.Status.CONSULTATION, by=fachteam_user()
    )
    services.events_collect()
    (result,) = services.digests_send()
    assert len(result.event_ids) == len(set(result.event_ids)) == Event.objects.count()


def test_an_ended_subscription_gets_nothing_even_when_the_address_follows_more():
    linden, mitte = DistrictFactory(number=10), DistrictFactory(number=1, name="Mitte", slug="mitte")
    ended = follow("ada@example.org", linden)
    follow("ada@example.org", mitte)
    services.subscription_unsubscribe(subscription=ended)
    WorkshopFactory(district=linden)
    services.events_collect()
    assert services.digests_send() == []


def test_no_digest_after_unsubscribing_everything():
    district = DistrictFactory()
    subscription = follow("ada@example.org", district)
    WorkshopFactory(district=district)
    services.events_collect()
    services.subscriber_unsubscribe_all(subscriber=subscription.subscriber)
    assert services.digests_send() == []
    assert not OutboxMail.objects.filter(topic="notifications:digest").exists()


# --- the property ---------------------------------------------------------------------------------------------

ADDRESSES = ["a@example.org", "b@example.org"]

operations = st.lists(
    st.one_of(
        st.tuples(st.just("follow"), st.sampled_from(ADDRESSES), st.integers(0, 1)),
        st.tuples(st.just("unfollow"), st.sampled_from(ADDRESSES), st.integers(0, 1)),
        st.tuples(st.just("workshop"), st.integers(0, 1), st.just(0)),
        st.tuples(st.just("digest"), st.integers(0, 8), st.just(0)),
    ),
    min_size=1,
    max_size=16,
)


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_every_event_reaches_every_active_follower_exactly_once_and_never_after_unsubscribe(ops):
    from django.db import transaction

    with transaction.atomic():
        districts = [DistrictFactory(number=2), DistrictFactory(number=3)]
        now = timezone.now()
        active_since: dict[tuple[str, int], int] = {}  # (address, district) -> start event id
        ended_at: dict[tuple[str, int], int] = {}  # (address, district) -> last event id when unsubscribed
        received: dict[str, list[int]] = {a: [] for a in ADDRESSES}

        def deliver(at):
            for result in services.digests_send(now=at):
                email = Subscriber.objects.get(pk=result.subscriber_id).email
                # Never an event through a subscription that is not active now.
                for event_id in result.event_ids:
                    event = Event.objects.get(pk=event_id)
                    reachable = [
                        d
                        for d in event.districts.values_list("pk", flat=True)
                        if any(districts[i].pk == d and (email, i) in active_since for i in range(2))
                    ]
                    assert reachable, (email, event_id)
                received[email].extend(result.event_ids)

        for op, a, b in ops:
            if op == "follow":
                if (a, b) not in active_since:
                    follow(a, districts[b])
                    active_since[(a, b)] = services._max_event_id()
                    ended_at.pop((a, b), None)
            elif op == "unfollow":
                if (a, b) in active_since:
                    subscription = Subscription.objects.active().get(subscriber__email=a, district=districts[b])
                    services.subscription_unsubscribe(subscription=subscription)
                    del active_since[(a, b)]
                    ended_at[(a, b)] = services._max_event_id()
            elif op == "workshop":
                WorkshopFactory(district=districts[a])
                services.events_collect()
            else:
                now += timedelta(days=a)
                deliver(now)
        # Flush: two runs more than a week apart deliver everything still pending.
        deliver(now + timedelta(days=8))
        deliver(now + timedelta(days=16))

        for address in ADDRESSES:
            assert len(received[address]) == len(set(received[address])), "an event reached an address twice"
            # Completeness: subscriptions still active get every event of their district after confirmation.
            expected = set()
            for (email, index), start in active_since.items():
                if email != address:
                    continue
                expected |= set(
                    Event.objects.filter(id__gt=start, districts=districts[index]).values_list("id", flat=True)
                )
            assert expected <= set(received[address])
        # Nobody without an active subscription got mail after the end of their last one.
        transaction.set_rollback(True)
