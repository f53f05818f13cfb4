"""Issue 9.2: with Redis down the page cache, rate limits and login throttling fail open; /readyz says so.

A dedicated redis-server (its own loopback port) is started by the test and killed mid-test."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.roles import Role
from tests.factories import UserFactory, WorkshopFactory, api_stamp
from workshops.models import Registration

pytestmark = pytest.mark.django_db

PASSWORD = "Werkstatt-Test-2026"


@pytest.fixture
def redis_cache(settings, redis_server):
    """The production cache configuration against the dedicated Redis, production rate limits, page cache on."""
    settings.REDIS_URL = redis_server.url
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FailOpenRedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "hbtest",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            "FAILOPEN_RETRY_SECONDS": 0.2,
        }
    }
    settings.PAGE_CACHE_ENABLED = True
    settings.REGISTRATION_RATE_LIMIT = "20/m"
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
    yield redis_server
    cache.clear()


def staff_user():
    from allauth.account.models import EmailAddress

    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=Role.FACHTEAM.value)[0])
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_public_pages_registration_and_staff_login_work_while_redis_is_down(client, redis_cache):
    workshop = WorkshopFactory(capacity=20)
    user = staff_user()
    assert client.get("/werkstaetten/").status_code == 200
    assert client.get(workshop.get_absolute_url()).status_code == 200

    redis_cache.stop()

    assert client.get("/werkstaetten/").status_code == 200
    assert client.get(workshop.get_absolute_url()).status_code == 200
    api = APIClient()
    answers = [
        api.post(
            f"/api/v1/workshops/{workshop.slug}/registrations/",
            {
                "name": f"Person {n}",
                "email": f"person{n}@example.org",
                "privacy_consent": True,
                "stamp": api_stamp(workshop),
            },
            format="json",
        ).status_code
        for n in range(10)
    ]
    assert answers == [201] * 10
    assert Registration.objects.filter(workshop=workshop).count() == 10
    login = client.post("/konto/login/", {"login": user.email, "password": PASSWORD})
    assert login.status_code == 302


@pytest.mark.redis  # the service run; on the plain SQLite run the fallback limiter is not what is under test
def test_rate_limit_still_limits_per_process_while_redis_is_down(redis_cache):
    workshop = WorkshopFactory(capacity=50)
    redis_cache.stop()
    api = APIClient()
    answers = [
        api.post(
            f"/api/v1/workshops/{workshop.slug}/registrations/",
            {"name": "Erika", "email": f"erika{n}@example.org", "privacy_consent": True, "stamp": api_stamp(workshop)},
            format="json",
        ).status_code
        for n in range(21)
    ]
    assert answers[:20] == [201] * 20
    assert answers[20] == 429


def test_readyz_names_redis_while_it_is_down_and_recovers(client, redis_cache):
    import time

    assert client.get("/readyz").json()["checks"]["redis"] == "ok"
    redis_cache.stop()
    down = client.get("/readyz")
    assert down.status_code == 503
    assert down.json()["unavailable"] == ["redis"]
    assert down.json()["checks"]["database"] == "ok"
    redis_cache.start()
    time.sleep(0.3)
    assert client.get("/readyz").status_code == 200


def test_cache_errors_are_counted(redis_cache):
    from prometheus_client import REGISTRY

    def count() -> float:
        return REGISTRY.get_sample_value("hb_cache_errors_total", {"operation": "get"}) or 0.0

    from core import cache as failopen

    failopen._down_until.clear()  # no skip interval left over from an earlier outage in this process
    before = count()
    redis_cache.stop()
    cache.get("anything")
    assert count() == before + 1


@pytest.mark.django_db(transaction=True)
def test_redis_down_during_registrations_loses_no_registration_and_no_mail(redis_cache, settings):
    """Cache and broker on the dedicated Redis; it is killed (without persistence) mid-burst and restarted."""
    from datetime import timedelta

    from django.core import mail

    from core import services
    from core.models import OutboxMail
    from hannover_beteiligung.celery import app
    from tests.conftest import _reset_celery_connections

    previous = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = redis_cache.url
    _reset_celery_connections(app)
    try:
        workshop = WorkshopFactory(capacity=30)
        api = APIClient()

        def register(n: int) -> int:
            body = {
                "name": f"Person {n}",
                "email": f"person{n}@example.org",
                "privacy_consent": True,
                "stamp": api_stamp(workshop),
            }
            return api.post(f"/api/v1/workshops/{workshop.slug}/registrations/", body, format="json").status_code

        before = [register(n) for n in range(3)]  # published to the broker, which then dies with them
        redis_cache.stop()
        during = [register(n) for n in range(3, 13)]
        redis_cache.start()
        assert before + during == [201] * 13
        assert Registration.objects.filter(workshop=workshop).count() == 13
        assert mail.outbox == []
        settings.OUTBOX_SWEEP_MIN_AGE = timedelta(0)
        for mail_id in services.outbox_due_ids():
            services.outbox_send(mail_id=mail_id)
        assert sorted(m.to[0] for m in mail.outbox) == sorted(f"person{n}@example.org" for n in range(13))
        assert not OutboxMail.objects.filter(status=OutboxMail.Status.PENDING).exists()
    finally:
        app.conf.task_always_eager, app.conf.broker_url = previous
        _reset_celery_connections(app)
