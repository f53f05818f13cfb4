"""Adapters for third-party events (Django's login, allauth's MFA signals). Our own flow calls services."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.contrib.auth.signals import user_logged_in

from core.models import AuditLog
from core.services import audit_log

from .mfa import session_record_mfa
from .middleware import session_start


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        session_start(request.session)


def on_authenticator_added(sender, request, user, authenticator, **kwargs) -> None:
    if authenticator.type == Authenticator.Type.TOTP and request is not None:
        # Activating proves possession of the secret: this session has passed the second factor.
        session_record_mfa(request.session, user, type="totp", id=authenticator.pk)
        user._hb_has_mfa = True
    audit_log(actor=user, action=AuditLog.Action.MFA_ACTIVATE, obj=user, details={"type": authenticator.type})


def on_authenticator_removed(sender, request, user, authenticator, **kwargs) -> None:
    audit_log(actor=user, action=AuditLog.Action.MFA_DEACTIVATE, obj=user, details={"type": authenticator.type})


def on_authenticator_reset(sender, request, user, authenticator, **kwargs) -> None:
    audit_log(
        actor=user, action=AuditLog.Action.RECOVERY_CODES_GENERATE, obj=user, details={"type": authenticator.type}
    )


def connect() -> None:
    user_logged_in.connect(on_user_logged_in, dispatch_uid="accounts.session_start")
    authenticator_added.connect(on_authenticator_added, dispatch_uid="accounts.mfa_added")
    authenticator_removed.connect(on_authenticator_removed, dispatch_uid="accounts.mfa_removed")
    authenticator_reset.connect(on_authenticator_reset, dispatch_uid="accounts.mfa_reset")
