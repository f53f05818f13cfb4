"""Second factor for staff: who must have it, and whether this session has passed it.

allauth.mfa (TOTP + recovery codes) does the work; allauth records every authentication step of a session
(password, mfa, reauthentication) in the session. A staff session counts as MFA-authenticated when one
of those records is an "mfa" step: at login (allauth's MFA stage), at reauthentication with a code, or
right after the person activated TOTP (activating proves possession of the secret; accounts.signals)."""

from __future__ import annotations

import re
import time
from functools import lru_cache

from allauth.account.authentication import get_authentication_records
from django.conf import settings

from .roles import user_is_staff_member

MFA_SESSION_METHOD = "mfa"


def user_has_mfa(user) -> bool:
    """The user has an active TOTP authenticator (cached on the user object for the request)."""
    cached = getattr(user, "_hb_has_mfa", None)
    if cached is None:
        from allauth.mfa.models import Authenticator

        cached = Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()
        user._hb_has_mfa = cached
    return cached


def session_passed_mfa(request, user) -> bool:
    return any(record.get("method") == MFA_SESSION_METHOD for record in get_authentication_records(request, user))


def mfa_required_for(user) -> bool:
    return bool(settings.STAFF_MFA_REQUIRED) and user_is_staff_member(user)


@lru_cache(maxsize=1)
def _patterns(prefixes: tuple[str, ...], patterns: tuple[str, ...]) -> re.Pattern:
    parts = [re.escape(prefix) for prefix in prefixes] + [f"(?:{pattern.lstrip('^')})" for pattern in patterns]
    return re.compile("^(?:" + "|".join(parts) + ")")


def is_mfa_required_path(path: str) -> bool:
    """Staff pages: the prefixes of MFA_REQUIRED_PATHS and the regular expressions of MFA_REQUIRED_PATH_PATTERNS."""
    return bool(
        _patterns(tuple(settings.MFA_REQUIRED_PATHS), tuple(getattr(settings, "MFA_REQUIRED_PATH_PATTERNS", ()))).match(
            path
        )
    )


def session_record_mfa(session, user, **extra) -> None:
    """Mark a session as having passed the second factor (tests and the TOTP activation handler)."""
    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )
    from allauth.account.internal.userkit import user_id_to_str

    user_key = user_id_to_str(user)
    records = session.get(AUTHENTICATION_METHODS_SESSION_KEY) or []
    if session.get(_AUTHENTICATION_METHODS_USER_SESSION_KEY) != user_key:
        records = []
    records = [*records, {"method": MFA_SESSION_METHOD, "at": time.time(), **extra}]
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_key
