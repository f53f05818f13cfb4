"""Account pages in a real browser: the staff login with the second factor, set-up, own data — all accessible."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from accounts.roles import Role
from tests.auth import TEST_TOTP_SECRET, give_totp, totp_code
from tests.conftest import assert_accessible
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Werkstatt-Test-2026"


def _user(*, role=None, staff=False, totp=False):
    user = UserFactory(is_staff=staff)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    if role:
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    if totp:
        give_totp(user)
    return user


def _login(page, user):
    page.goto("/konto/login/")
    assert_accessible(page)
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.account-form button[type=submit]")


def test_staff_login_with_code_reaches_the_admin(page):
    user = _user(role=Role.FACHTEAM, staff=True, totp=True)
    _login(page, user)
    page.wait_for_url("**/konto/2fa/authenticate/")
    assert_accessible(page)
    page.fill("input[name=code]", "000000" if totp_code() != "000000" else "111111")
    with page.expect_navigation():
        page.click("form.account-form button[type=submit]")
    assert_accessible(page)  # the error state
    page.fill("input[name=code]", totp_code(TEST_TOTP_SECRET))
    with page.expect_navigation():
        page.click("form.account-form button[type=submit]")
    page.goto("/admin/")
    assert page.url.endswith("/admin/")
    assert page.locator("#site-name").count() == 1


def test_staff_without_second_factor_is_guided_to_set_it_up_through_the_mailed_invitation(page):
    from django.urls import reverse

    from accounts import services

    user = _user(role=Role.MODERATION, staff=True)
    _login(page, user)
    response = page.goto("/admin/")
    assert response.status == 403 and "Einladung" in page.content()  # a password alone enrols nothing
    assert_accessible(page)
    token = services.mfa_invitation_send(user=user).token
    page.goto(reverse("accounts:mfa_enrol", args=[token]))
    assert_accessible(page)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/konto/reauthenticate/**")
    assert_accessible(page)
    page.locator("#id_password").fill(PASSWORD)
    page.click("form.account-form button[type=submit]")
    page.wait_for_url("**/konto/2fa/totp/activate/")
    assert_accessible(page)
    page.fill("input[name=code]", "123")
    with page.expect_navigation():
        page.click("form.account-form button[type=submit]")
    assert_accessible(page)
    secret = page.input_value("#authenticator_secret")
    page.fill("input[name=code]", totp_code(secret))
    page.click("form.account-form button[type=submit]")
    page.wait_for_url("**/konto/2fa/recovery-codes/")
    assert_accessible(page)
    page.goto("/admin/")
    assert "/admin/" in page.url and page.locator("#site-name").count() == 1


def test_own_data_pages_are_accessible(page):
    user = _user()
    _login(page, user)
    for path in ("/konto/", "/konto/daten/", "/konto/2fa/", "/konto/email/", "/konto/password/change/"):
        page.goto(path)
        assert_accessible(page)
    page.goto("/konto/daten/loeschen/")
    assert_accessible(page)
    page.click("text=Konto endgültig löschen")  # without the confirmation: an error, then re-authentication
    page.wait_for_load_state()
    assert_accessible(page)


def test_public_account_pages_are_accessible(page):
    for path in ("/konto/signup/", "/konto/password/reset/", "/konto/geloescht/"):
        page.goto(path)
        assert_accessible(page)
