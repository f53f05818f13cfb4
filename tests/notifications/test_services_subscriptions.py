"""Subscriptions: double opt-in, consent, no enumeration, unsubscribe, re-consent, retention, privacy."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import OutboxMail
from notifications import services, tokens
from notifications.models import ImportedRegistration, Subscriber, Subscription, SubscriptionConsent
from tests.factories import DistrictFactory, RegistrationFactory, WorkshopFactory
from tests.notifications.factories import (
    UNSUBSCRIBE_ALL_LINK,
    confirm_token_in,
    follow,
    last_mail,
    request,
)
from tests.recommendations.factories import RecommendationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def district():
    return DistrictFactory()


def test_request_creates_a_pending_subscription_with_consent_and_a_confirmation_mail(district, settings):
    result = request("Ada@Example.org ", district, language="en")
    subscription = result.subscription
    assert subscription.status == Subscription.Status.PENDING
    assert subscription.subscriber.email == "ada@example.org"
    assert subscription.subscriber.language == "en"
    consent = subscription.consents.get()
    assert consent.text_version == settings.NOTIFICATIONS_CONSENT_TEXT_VERSION
    assert consent.purpose == SubscriptionConsent.Purpose.FOLLOW
    mail = last_mail("ada@example.org", "confirm_request")
    assert district.name in mail.subject
    token = confirm_token_in(mail)
    assert subscription.confirm_token_hash == tokens.hash_token(token)
    assert token not in str(Subscription.objects.filter(pk=subscription.pk).values().get())


def test_request_without_consent_is_refused(district):
    with pytest.raises(services.ConsentMissing):
        request("ada@example.org", district, consent=False)
    assert not Subscription.objects.exists()


def test_request_with_a_malformed_address_is_refused(district):
    with pytest.raises(services.InvalidInput):
        request("not-an-address", district)


def test_confirm_activates_and_is_single_use(district):
    request("ada@example.org", district)
    token = confirm_token_in(last_mail("ada@example.org"))
    subscription = services.subscription_confirm(token=token)
    assert subscription.status == Subscription.Status.ACTIVE
    assert subscription.confirmed_at is not None
    with pytest.raises(services.TokenInvalid):
        services.subscription_confirm(token=token)


def test_confirm_after_expiry_fails(district, monkeypatch, settings):
    request("ada@example.org", district)
    token = confirm_token_in(last_mail("ada@example.org"))
    later = timezone.now() + timedelta(hours=settings.NOTIFICATIONS_CONFIRM_HOURS, minutes=1)
    monkeypatch.setattr(services, "_now", lambda: later)
    with pytest.raises(services.TokenExpired):
        services.subscription_confirm(token=token)
    assert Subscription.objects.get().status == Subscription.Status.PENDING


def test_a_guessed_confirm_token_fails(district):
    request("ada@example.org", district)
    with pytest.raises(services.TokenInvalid):
        services.subscription_confirm(token="x" * 43)


def test_known_address_gets_the_same_result_shape_and_no_second_subscription(district):
    follow("ada@example.org", district)
    result = request("ada@example.org", district)
    assert result.outcome == "already_active"
    assert Subscription.objects.count() == 1
    assert last_mail("ada@example.org").topic == "notifications:already_following"


def test_repeated_requests_mail_at_most_once_an_hour(district):
    request("ada@example.org", district)
    request("ada@example.org", district)
    request("ada@example.org", district)
    assert OutboxMail.objects.filter(to="ada@example.org").count() == 1


def test_one_click_unsubscribe_withdraws_consent_and_replay_is_harmless(district):
    subscription = follow("ada@example.org", district)
    token = tokens.unsubscribe_token(subscription.token_seed)
    services.subscription_unsubscribe_by_token(token=token)
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.UNSUBSCRIBED
    assert subscription.consents.get().withdrawn_at is not None
    again = services.subscription_unsubscribe_by_token(token=token)
    assert again.status == Subscription.Status.UNSUBSCRIBED


def test_a_forged_unsubscribe_token_changes_nothing(district):
    subscription = follow("ada@example.org", district)
    with pytest.raises(services.TokenInvalid):
        services.subscription_unsubscribe_by_token(token="forged" * 7)
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE


def test_following_again_after_unsubscribe_needs_fresh_consent(district):
    old = follow("ada@example.org", district)
    services.subscription_unsubscribe(subscription=old)
    result = request("ada@example.org", district)
    assert result.subscription.pk != old.pk
    assert result.subscription.status == Subscription.Status.PENDING
    assert result.subscription.consents.get().withdrawn_at is None
    # The old link cannot end the new subscription.
    services.subscription_unsubscribe_by_token(token=tokens.unsubscribe_token(old.token_seed))
    result.subscription.refresh_from_db()
    assert result.subscription.status == Subscription.Status.PENDING


def test_unsubscribe_all_link_works_once_and_not_for_later_subscriptions(district):
    follow("ada@example.org", district)
    subscriber = Subscriber.objects.get()
    token = tokens.unsubscribe_token(subscriber.unsubscribe_seed)
    services.subscriber_unsubscribe_all_by_token(token=token)
    assert not Subscription.objects.active().exists()
    follow("ada@example.org", district)
    with pytest.raises(services.TokenInvalid):
        services.subscriber_unsubscribe_all_by_token(token=token)
    assert Subscription.objects.active().count() == 1


def test_subscriptions_without_activity_are_deleted_after_the_stated_period(district, settings):
    subscription = follow("ada@example.org", district)
    now = timezone.now()
    Subscription.objects.filter(pk=subscription.pk).update(
        last_activity_at=now - timedelta(days=31 * settings.NOTIFICATIONS_INACTIVE_MONTHS)
    )
    result = services.subscriptions_purge(now=now)
    assert result["inactive"] == 1
    assert not Subscriber.objects.exists()


def test_active_subscriptions_with_recent_activity_stay(district):
    follow("ada@example.org", district)
    services.subscriptions_purge(now=timezone.now())
    assert Subscription.objects.active().count() == 1


def test_unconfirmed_subscriptions_are_purged_after_expiry(district, settings):
    request("ada@example.org", district)
    later = timezone.now() + timedelta(
        hours=settings.NOTIFICATIONS_CONFIRM_HOURS, days=settings.NOTIFICATIONS_PURGE_UNCONFIRMED_DAYS + 1
    )
    assert services.subscriptions_purge(now=later)["unconfirmed"] == 1


def test_manage_page_visit_counts_as_activity(district):
    subscription = follow("ada@example.org", district)
    Subscription.objects.filter(pk=subscription.pk).update(last_activity_at=timezone.now() - timedelta(days=400))
    services.subscriber_touch(subscriber=subscription.subscriber)
    subscription.refresh_from_db()
    assert subscription.last_activity_at > timezone.now() - timedelta(minutes=1)


# --- "keep me informed" of registrations -------------------------------------------------------------------------


def _opted_in(workshop, email="erika@example.org"):
    from workshops.models import ConsentRecord

    registration = RegistrationFactory(workshop=workshop, email=email, status_updates_opt_in=True)
    ConsentRecord.objects.create(
        registration=registration, purpose=ConsentRecord.Purpose.STATUS_UPDATES, text_version="2026-01"
    )
    return registration


def test_registrants_who_asked_to_be_informed_become_workshop_subscribers():
    workshop = WorkshopFactory(past=True)
    registration = _opted_in(workshop)
    RegistrationFactory(workshop=workshop, email="nein@example.org", status_updates_opt_in=False)
    assert services.subscriptions_import_from_registrations() == 1
    subscription = Subscription.objects.get()
    assert subscription.subscriber.email == "erika@example.org"
    assert subscription.workshop == workshop
    assert subscription.status == Subscription.Status.ACTIVE
    assert subscription.source == Subscription.Source.REGISTRATION
    consent = subscription.consents.get()
    assert (consent.text_version, consent.origin) == ("2026-01", f"registration:{registration.pk}")


def test_import_is_idempotent_and_never_revives_an_ended_subscription():
    workshop = WorkshopFactory(past=True)
    _opted_in(workshop)
    services.subscriptions_import_from_registrations()
    services.subscription_unsubscribe(subscription=Subscription.objects.get())
    assert services.subscriptions_import_from_registrations() == 0
    assert not Subscription.objects.active().exists()
    assert ImportedRegistration.objects.count() == 1


def test_retention_run_leaves_subscriptions_intact(settings):
    from workshops.models import Registration
    from workshops.services import retention_run

    workshop = WorkshopFactory(past=True, capacity=20)
    registrations = [_opted_in(workshop, email=f"person{i}@example.org") for i in range(14)]
    services.subscriptions_import_from_registrations()
    later = timezone.now() + timedelta(days=31 * (settings.WORKSHOPS_ANONYMISE_AFTER_MONTHS + 1))
    result = retention_run(now=later)
    assert result["anonymised"] == len(registrations)
    assert not Registration.objects.filter(anonymised_at__isnull=True).exists()
    assert Subscription.objects.active().filter(workshop=workshop).count() == 14


# --- personal data ---------------------------------------------------------------------------------------------


def test_personal_data_export_and_erasure_cover_subscriptions(district):
    from accounts.services import personal_data_erase, personal_data_export

    follow("ada@example.org", district)
    exported = personal_data_export(email="ada@example.org", user=None)
    assert exported["data"]["notifications"]["subscriptions"][0]["kind"] == "district"
    personal_data_erase(email="ada@example.org", user=None)
    assert not Subscriber.objects.exists()
    assert not SubscriptionConsent.objects.exists()


def test_following_a_draft_recommendation_is_not_possible():
    draft = RecommendationFactory()
    with pytest.raises(services.TargetNotFound):
        services.resolve_target(kind="recommendation", slug=draft.slug)


def test_unsubscribe_all_link_is_in_digest_headers_shape(district):
    subscription = follow("ada@example.org", district)
    url = tokens.unsubscribe_all_url(subscription.subscriber)
    headers = tokens.list_unsubscribe_headers(url)
    assert headers["List-Unsubscribe"] == f"<{url}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert UNSUBSCRIBE_ALL_LINK.search(url)


def test_a_strangers_request_does_not_change_the_language_of_an_address(district):
    follow("ada@example.org", district, language="en")
    request("ada@example.org", DistrictFactory(number=1, name="Mitte", slug="mitte"), language="de")
    assert Subscriber.objects.get().language == "en"


def test_confirming_sets_the_language_of_the_confirming_person(district):
    request("ada@example.org", district, language="de")
    services.subscription_confirm(token=confirm_token_in(last_mail("ada@example.org")), language="en")
    assert Subscriber.objects.get().language == "en"
