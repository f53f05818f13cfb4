"""Staff security on every request: second factor for staff, idle and absolute session timeouts.

- A staff member (admin access, a staff role, superuser) whose session has not passed the second factor
  has no permissions at all (User.has_perm answers False) and is sent to set up TOTP (no authenticator
  yet) or to enter a code (authenticator, but this session logged in without it) when opening a staff
  page (MFA_REQUIRED_PATHS / MFA_REQUIRED_PATH_PATTERNS) or any page that refused them with 403.
- Sessions end after SESSION_ABSOLUTE_TIMEOUT (staff: STAFF_SESSION_ABSOLUTE_TIMEOUT) since login, and
  staff sessions after STAFF_SESSION_IDLE_TIMEOUT without a request.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .mfa import is_mfa_required_path, mfa_required_for, session_passed_mfa, user_has_mfa
from .roles import user_is_staff_member

SESSION_AUTH_AT = "hb_auth_at"
SESSION_SEEN_AT = "hb_seen_at"
SESSION_MFA_NEXT = "hb_mfa_next"
# Writing the session on every request is wasteful; the idle clock is precise to this many seconds.
SEEN_RESOLUTION_SECONDS = 60


def _seconds(value) -> int:
    return int(value.total_seconds()) if hasattr(value, "total_seconds") else int(value)


def session_start(session) -> None:
    """Start the session clocks (called at login)."""
    now = int(time.time())
    session[SESSION_AUTH_AT] = now
    session[SESSION_SEEN_AT] = now


class StaffSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            expired = self._session_expired(request, user)
            if expired is not None:
                return expired
            if mfa_required_for(user) and not (user_has_mfa(user) and session_passed_mfa(request, user)):
                user.mfa_pending = True
                if is_mfa_required_path(request.path_info):
                    return self._to_mfa(request, user)
                if self._enrolment_blocked(request, user):
                    from .views import mfa_invitation_needed

                    return mfa_invitation_needed(request)
        response = self.get_response(request)
        if (
            response.status_code == 403
            and getattr(user, "mfa_pending", False)
            and request.method in ("GET", "HEAD")
            and not request.path_info.startswith("/api/")
        ):
            return self._to_mfa(request, user)
        return response

    @staticmethod
    def _enrolment_blocked(request: HttpRequest, user) -> bool:
        """Staff add a second factor only in a session that redeemed a mailed invitation (point 5 of
        issue 15): a password alone must not be enough to enrol an attacker's authenticator."""
        from .services import session_may_enrol_mfa

        return (
            request.path_info.startswith(reverse("mfa_activate_totp"))
            and not user_has_mfa(user)
            and not session_may_enrol_mfa(request.session, user)
        )

    def _to_mfa(self, request: HttpRequest, user) -> HttpResponse:
        next_path = request.get_full_path()
        if user_has_mfa(user):
            messages.info(request, _("Bitte bestätigen Sie Ihre Anmeldung mit einem Code aus Ihrer Authenticator-App."))
            return HttpResponseRedirect(reverse("mfa_reauthenticate") + "?" + urlencode({"next": next_path}))
        request.session[SESSION_MFA_NEXT] = next_path
        from .services import session_may_enrol_mfa

        if not session_may_enrol_mfa(request.session, user):
            from .views import mfa_invitation_needed

            return mfa_invitation_needed(request)
        messages.warning(
            request,
            _(
                "Für Seiten der Verwaltung und der Moderation ist eine Anmeldung mit zweitem Faktor nötig. "
                "Bitte richten Sie jetzt eine Authenticator-App ein."
            ),
        )
        return HttpResponseRedirect(reverse("mfa_activate_totp"))

    def _session_expired(self, request: HttpRequest, user) -> HttpResponse | None:
        session = request.session
        now = int(time.time())
        auth_at = session.get(SESSION_AUTH_AT)
        if not isinstance(auth_at, int):
            session_start(session)
            return None
        staff = user_is_staff_member(user)
        absolute = _seconds(settings.STAFF_SESSION_ABSOLUTE_TIMEOUT if staff else settings.SESSION_ABSOLUTE_TIMEOUT)
        if now - auth_at > absolute:
            return self._logout(request, _("Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an."))
        if staff:
            seen_at = session.get(SESSION_SEEN_AT)
            seen_at = seen_at if isinstance(seen_at, int) else auth_at
            if now - seen_at > _seconds(settings.STAFF_SESSION_IDLE_TIMEOUT):
                return self._logout(
                    request,
                    _("Sie wurden nach längerer Inaktivität abgemeldet. Bitte melden Sie sich erneut an."),
                )
            if now - seen_at >= SEEN_RESOLUTION_SECONDS:
                session[SESSION_SEEN_AT] = now
        return None

    def _logout(self, request: HttpRequest, message: str) -> HttpResponse:
        next_path = request.get_full_path() if request.method in ("GET", "HEAD") else "/"
        logout(request)
        messages.info(request, message)
        return HttpResponseRedirect(reverse("account_login") + "?" + urlencode({"next": next_path}))
