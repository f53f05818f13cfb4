"""System checks: production must not run without the staff second factor."""

from django.conf import settings
from django.core.checks import Error, Tags, register

MIDDLEWARE_PATH = "accounts.middleware.StaffSecurityMiddleware"


@register(Tags.security, deploy=True)
def staff_mfa_enforced(app_configs=None, **kwargs) -> list[Error]:
    errors = []
    if not getattr(settings, "STAFF_MFA_REQUIRED", False):
        errors.append(
            Error("STAFF_MFA_REQUIRED is off: staff pages are reachable without a second factor.", id="accounts.E001")
        )
    middleware = list(settings.MIDDLEWARE)
    if MIDDLEWARE_PATH not in middleware:
        errors.append(Error(f"{MIDDLEWARE_PATH} is not in MIDDLEWARE.", id="accounts.E002"))
    elif middleware.index(MIDDLEWARE_PATH) < middleware.index(
        "django.contrib.auth.middleware.AuthenticationMiddleware"
    ):
        errors.append(Error(f"{MIDDLEWARE_PATH} must come after AuthenticationMiddleware.", id="accounts.E003"))
    return errors
