"""Production settings refuse unsafe keys (issue 15, point 9)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_SECRET = "q8Vd1-long-random-secret-key-for-tests-only-Zx93kLmN0pQrStUvW"
GOOD_PSEUDONYM = "pseudonym-key-7f3a9c1e5b2d8f4a6c0e9b1d3f5a7c9e"
GOOD_OUTBOX = "outbox-key-3c9e1a7f5b2d8f4a6c0e9b1d3f5a7c9e"


def start_prod(**env: str) -> subprocess.CompletedProcess:
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "OUTBOX_ENCRYPTION_KEY": GOOD_OUTBOX,
        "ALLOWED_HOSTS": "example.org",
        "DATABASE_URL": "sqlite:///:memory:",
        **env,
    }
    code = "import django; from django.conf import settings; settings.SECRET_KEY"
    return subprocess.run(  # nosec B603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "hannover_beteiligung.settings.prod"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "secret",
    ["", "short-key", "change-me-in-production-please-0123456789abcdef"],
    ids=["missing", "short", "compose-default"],
)
def test_production_refuses_an_unsafe_secret_key(secret):
    result = start_prod(SECRET_KEY=secret, PARTICIPANT_HASH_KEY=GOOD_PSEUDONYM)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_requires_a_separate_pseudonym_key():
    assert start_prod(SECRET_KEY=GOOD_SECRET).returncode != 0
    assert start_prod(SECRET_KEY=GOOD_SECRET, PARTICIPANT_HASH_KEY=GOOD_SECRET).returncode != 0


def test_production_starts_with_safe_keys():
    result = start_prod(SECRET_KEY=GOOD_SECRET, PARTICIPANT_HASH_KEY=GOOD_PSEUDONYM)
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.parametrize("outbox_key", ["", "short", GOOD_SECRET, f"{GOOD_OUTBOX},{GOOD_PSEUDONYM}"])
def test_production_requires_its_own_outbox_encryption_key(outbox_key):
    result = start_prod(SECRET_KEY=GOOD_SECRET, PARTICIPANT_HASH_KEY=GOOD_PSEUDONYM, OUTBOX_ENCRYPTION_KEY=outbox_key)
    assert result.returncode != 0
    assert "OUTBOX_ENCRYPTION_KEY" in result.stderr
