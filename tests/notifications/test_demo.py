"""seed_demo (now in the highest app) also seeds subscriptions and the event log; idempotent."""

import io

import pytest
from django.core.management import call_command

from notifications.demo import DEMO_EMAIL
from notifications.models import Event, Subscription

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_subscriptions_and_events_idempotently():
    call_command("seed_demo", stdout=io.StringIO())
    assert Subscription.objects.active().filter(subscriber__email=DEMO_EMAIL).count() == 2
    assert Subscription.objects.filter(source=Subscription.Source.REGISTRATION).exists()
    assert Event.objects.exists()
    counts = (Subscription.objects.count(), Event.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Subscription.objects.count(), Event.objects.count()) == counts
