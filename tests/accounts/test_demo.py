"""The demo staff accounts of seed_demo log in the way the console tells a tester to (password + TOTP)."""

import subprocess
import sys

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.demo import DEMO_PASSWORD, demo_mfa_instructions, seed_accounts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def printed_code() -> str:
    """Run the one-liner exactly as seed_demo prints it."""
    line = next(line.strip() for line in demo_mfa_instructions() if line.strip().startswith("python3 -c"))
    program = line.split('"', 1)[1].rsplit('"', 1)[0]
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    return result.stdout.strip()


def demo_login(client, email: str) -> None:
    response = client.post(reverse("account_login"), {"login": email, "password": DEMO_PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": printed_code()})
    assert response.status_code == 302


def test_seeding_the_demo_accounts_is_idempotent():
    first = seed_accounts()
    second = seed_accounts()
    assert {k: u.pk for k, u in first.items()} == {k: u.pk for k, u in second.items()}
    from allauth.mfa.models import Authenticator

    assert Authenticator.objects.filter(user=first["fachteam"]).count() == 1


@pytest.mark.parametrize(
    ("key", "path", "status"),
    [
        ("admin", "/admin/accounts/user/", 200),
        ("fachteam", "/admin/accounts/user/", 200),
        ("fachteam", "/admin/core/auditlog/", 200),
        ("bezirk", "/admin/workshops/workshop/", 200),
        ("bezirk", "/admin/accounts/user/", 403),
        ("moderation", "/moderation/", 200),
        ("moderation2", "/admin/core/auditlog/", 403),
    ],
)
def test_demo_staff_log_in_with_the_printed_code(client, key, path, status):
    users = seed_accounts()
    demo_login(client, users[key].email)
    assert client.get(path).status_code == status


def test_demo_citizen_needs_no_second_factor_and_gets_no_admin(client):
    users = seed_accounts()
    response = client.post(reverse("account_login"), {"login": users["buerger"].email, "password": DEMO_PASSWORD})
    assert response["Location"] == "/konto/"
    assert client.get("/admin/").status_code == 302


def test_demo_network_member_logs_in_with_a_code_and_gets_no_admin(client):
    users = seed_accounts()
    demo_login(client, users["netzwerk"].email)
    assert client.get("/admin/").status_code == 302
