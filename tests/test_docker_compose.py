"""docker-compose.yml cannot be run here (no Docker engine): keep it correct by reading it."""

from pathlib import Path

import pytest
import yaml

COMPOSE = yaml.safe_load((Path(__file__).resolve().parent.parent / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_compose_defines_the_full_stack():
    assert set(SERVICES) == {"web", "worker", "beat", "postgres", "redis", "mailpit"}


def test_web_worker_and_beat_share_one_environment():
    environments = [SERVICES[name]["environment"] for name in ("web", "worker", "beat")]
    assert environments[0] == environments[1] == environments[2]
    assert environments[0]["DATABASE_URL"].startswith("postgres://")
    assert environments[0]["REDIS_URL"].startswith("redis://redis:")


@pytest.mark.parametrize("name", ["web", "worker", "postgres", "redis", "mailpit"])
def test_service_has_a_healthcheck(name):
    assert SERVICES[name]["healthcheck"]["test"]


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_app_services_wait_for_healthy_dependencies(name):
    depends_on = SERVICES[name]["depends_on"]
    assert {"postgres", "redis"} <= set(depends_on)
    assert all(condition["condition"] == "service_healthy" for condition in depends_on.values())


def test_worker_consumes_every_queue():
    assert "-Q mail,reports,default" in SERVICES["worker"]["command"]


def test_app_services_use_production_settings():
    assert SERVICES["web"]["environment"]["DJANGO_SETTINGS_MODULE"] == "hannover_beteiligung.settings.prod"
