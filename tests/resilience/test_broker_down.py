"""Issue 9.1: publishing after commit is best-effort; the outbox row and the sweep are the guarantee."""

import time

import pytest
from django.core import mail
from kombu.exceptions import OperationalError as KombuOperationalError
from rest_framework.test import APIClient

from core import services
from core.models import OutboxMail
from core.tasks import outbox_send
from hannover_beteiligung.celery import app
from tests.factories import WorkshopFactory, api_stamp
from workshops.models import Registration

from .conftest import dead_port

pytestmark = pytest.mark.django_db(transaction=True)


def _raise(*args, **kwargs):
    raise KombuOperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.fixture
def broker_raises(monkeypatch):
    """Every publish raises kombu's OperationalError, as with Redis down."""
    monkeypatch.setattr(outbox_send, "apply_async", _raise)


@pytest.fixture
def dead_broker(settings):
    """The Celery app publishes for real (not eagerly) to a port where nobody listens."""
    previous = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = f"redis://127.0.0.1:{dead_port()}/0"
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = previous
        app._pool = None
        app.amqp._producer_pool = None


def _register(client: APIClient, workshop, n: int):
    return client.post(
        f"/api/v1/workshops/{workshop.slug}/registrations/",
        {
            "name": f"Person {n}",
            "email": f"person{n}@example.org",
            "privacy_consent": True,
            "stamp": api_stamp(workshop),
        },
        format="json",
    )


def test_api_registration_is_201_and_stored_when_publishing_raises(broker_raises):
    workshop = WorkshopFactory(capacity=5)
    response = _register(APIClient(), workshop, 1)
    assert response.status_code == 201
    assert Registration.objects.filter(workshop=workshop, email="person1@example.org").exists()
    assert OutboxMail.objects.filter(to="person1@example.org", status=OutboxMail.Status.PENDING).exists()


def test_feedback_form_redirects_and_keeps_the_mail_when_publishing_raises(client, broker_raises):
    data = {"name": "", "email": "", "page_url": "/", "message": "Kontrast zu schwach", "website": ""}
    response = client.post("/barrierefreiheit/", data)
    assert response.status_code == 302
    assert OutboxMail.objects.filter(status=OutboxMail.Status.PENDING).count() == 1


def test_a_failed_publish_is_counted():
    from prometheus_client import REGISTRY

    def count() -> float:
        return REGISTRY.get_sample_value("hb_broker_publish_failures_total", {"task": outbox_send.name}) or 0.0

    before = count()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(outbox_send, "apply_async", _raise)
        services.outbox_write(to="a@example.org", subject="s", body_text="t")
    assert count() == before + 1


def test_registrations_against_a_dead_broker_answer_201_quickly_and_the_sweep_delivers(dead_broker, settings):
    workshop = WorkshopFactory(capacity=10)
    client = APIClient()
    started = time.monotonic()
    answers = [_register(client, workshop, n).status_code for n in range(5)]
    elapsed = time.monotonic() - started
    assert answers == [201] * 5
    assert elapsed < 5, f"5 registrations took {elapsed:.1f} s against a dead broker"
    assert Registration.objects.filter(workshop=workshop).count() == 5
    assert mail.outbox == []
    settings.OUTBOX_SWEEP_MIN_AGE = __import__("datetime").timedelta(0)
    for mail_id in services.outbox_due_ids():
        services.outbox_send(mail_id=mail_id)
    assert sorted(m.to[0] for m in mail.outbox) == [f"person{n}@example.org" for n in range(5)]
