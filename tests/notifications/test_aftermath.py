""" "What became of it" mails 3, 6 and 12 months after a workshop to followers of its results."""

from datetime import timedelta

import pytest

from core.models import OutboxMail
from notifications import services
from notifications.models import Subscription
from recommendations.models import Recommendation
from tests.factories import WorkshopFactory
from tests.notifications.factories import follow
from tests.recommendations.factories import RecommendationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def followed():
    workshop = WorkshopFactory(past=True, title="Spielplätze in Linden")
    RecommendationFactory(
        title="Mehr Schatten auf Spielplätzen", status=Recommendation.Status.ADOPTED, workshops=[workshop]
    )
    subscription = follow("ada@example.org", workshop)
    return workshop, subscription


def _mails():
    return OutboxMail.objects.filter(topic="notifications:aftermath").order_by("pk")


def test_nothing_before_three_months(followed):
    workshop, _subscription = followed
    assert services.aftermath_send(now=workshop.ends_at + timedelta(days=80)) == 0


def test_mails_at_three_six_and_twelve_months_once_each(followed):
    workshop, _subscription = followed
    for days in (92, 93, 185, 186, 366, 367, 500):
        services.aftermath_send(now=workshop.ends_at + timedelta(days=days))
    mails = list(_mails())
    assert [m.dedupe_key.rsplit(":", 1)[1] for m in mails] == ["3", "6", "12"]
    assert "Mehr Schatten auf Spielplätzen" in mails[0].body_text
    assert mails[0].headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_only_the_latest_mark_when_several_are_due_at_once(followed):
    workshop, _subscription = followed
    services.aftermath_send(now=workshop.ends_at + timedelta(days=200))
    assert [m.dedupe_key.rsplit(":", 1)[1] for m in _mails()] == ["6"]


def test_no_aftermath_after_unsubscribe(followed):
    workshop, subscription = followed
    services.subscription_unsubscribe(subscription=subscription)
    assert services.aftermath_send(now=workshop.ends_at + timedelta(days=100)) == 0


def test_migrated_attendees_get_the_aftermath():
    from tests.factories import RegistrationFactory
    from workshops.models import ConsentRecord

    workshop = WorkshopFactory(past=True)
    registration = RegistrationFactory(workshop=workshop, email="erika@example.org", status_updates_opt_in=True)
    ConsentRecord.objects.create(registration=registration, purpose="status_updates", text_version="2026-01")
    services.subscriptions_import_from_registrations()
    assert Subscription.objects.active().count() == 1
    assert services.aftermath_send(now=workshop.ends_at + timedelta(days=95)) == 1
    assert _mails().get().to == "erika@example.org"
