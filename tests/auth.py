"""Helpers for tests of staff pages: log a staff member in as if they had passed the second factor.

Staff pages need MFA (accounts.middleware.StaffSecurityMiddleware); ``client.force_login(user)`` alone
gives a staff member no permissions and redirects staff pages to the MFA step. Use::

    from tests.auth import login_with_mfa
    login_with_mfa(client, facilitator)
"""

from __future__ import annotations

from accounts.mfa import session_record_mfa

TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # nosec B105 - tests only


def give_totp(user, secret: str = TEST_TOTP_SECRET):
    """An active TOTP authenticator for `user` with a known secret (returns it)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing:
        return existing
    return TOTP.activate(user, secret).instance


def totp_code(secret: str = TEST_TOTP_SECRET, *, at: float | None = None) -> str:
    """The current TOTP code for `secret` (allauth's own algorithm)."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(at if at is not None else time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def login_with_mfa(client, user) -> None:
    """Log `user` in on the test client with TOTP set up and the second factor passed in this session."""
    give_totp(user)
    client.force_login(user)
    session = client.session
    session_record_mfa(session, user, type="totp")
    session.save()
