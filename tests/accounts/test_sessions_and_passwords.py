"""Session timeouts (idle for staff, absolute for everyone), login throttling and the password rules."""

import time

import pytest
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.middleware import SESSION_AUTH_AT, SESSION_SEEN_AT
from accounts.roles import Role
from tests.auth import login_with_mfa
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Werkstatt-Test-2026"


def staff():
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=Role.FACHTEAM.value)[0])
    return user


def _shift(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_staff_session_ends_after_30_minutes_without_a_request(client):
    login_with_mfa(client, staff())
    assert client.get("/admin/").status_code == 200
    _shift(client, hb_seen_at=31 * 60)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_staff_session_stays_while_in_use(client):
    login_with_mfa(client, staff())
    _shift(client, hb_seen_at=29 * 60)
    assert client.get("/admin/").status_code == 200
    assert client.session[SESSION_SEEN_AT] >= int(time.time()) - 5  # the idle clock was reset


def test_staff_session_ends_10_hours_after_login_even_when_active(client):
    login_with_mfa(client, staff())
    _shift(client, hb_auth_at=10 * 3600 + 60, hb_seen_at=10)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_citizen_session_has_no_idle_timeout_but_ends_after_14_days(client):
    client.force_login(UserFactory())
    client.get(reverse("accounts:overview"))
    _shift(client, hb_auth_at=3 * 3600, hb_seen_at=3 * 3600)
    assert client.get(reverse("accounts:overview")).status_code == 200
    _shift(client, hb_auth_at=15 * 24 * 3600)
    assert client.get(reverse("accounts:overview")).status_code == 302


def test_login_starts_the_session_clocks(client):
    user = UserFactory()
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert abs(client.session[SESSION_AUTH_AT] - time.time()) < 5


def test_failed_logins_are_throttled_per_account_not_forever(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
    cache.clear()
    user = UserFactory()
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    for _ in range(5):
        client.post(reverse("account_login"), {"login": user.email, "password": "falsch-falsch-falsch"})
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session  # even the right password waits
    assert response.status_code in (200, 429)
    # The lock is a time window (5 minutes), not a permanent lockout: after it, the owner gets in.
    cache.clear()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize("password", ["kurz-aber-1", "password1234", "Passwort2026!", "Hannover-12345", "qwerty123456"])
def test_short_or_common_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize("password", ["nur kleine buchstaben und leerzeichen", "Werkstatt-Demo-2026", "abcdefghijkq"])
def test_long_passwords_need_no_digits_capitals_or_symbols(password):
    validate_password(password)  # ASVS: length and a common-password check, no composition rules


def test_password_fields_allow_pasting(client):
    page = client.get(reverse("account_signup")).content.decode()
    assert "onpaste" not in page.lower()
    page = client.get(reverse("account_login")).content.decode()
    assert "onpaste" not in page.lower()
    assert 'type="password"' in page


def test_changing_the_email_address_needs_reauthentication(client):
    user = UserFactory()
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(user)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "neu@example.org"})
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]
    assert not EmailAddress.objects.filter(email="neu@example.org").exists()


def test_changing_the_email_address_works_after_reauthentication(client):
    user = UserFactory()
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.post(reverse("account_email"), {"action_add": "", "email": "neu@example.org"})
    assert EmailAddress.objects.filter(email="neu@example.org", user=user).exists()
