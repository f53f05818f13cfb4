"""Demo accounts, one per role (plus a second facilitator and a district office user). Never in production."""

from dataclasses import dataclass

from django.contrib.auth.models import Group

from districts.models import District

from .models import User
from .roles import Role

DEMO_PASSWORD = "Werkstatt-Demo-2026"  # noqa: S105  # nosec B105


@dataclass(frozen=True)
class DemoAccount:
    key: str
    email: str
    name: str
    role: Role | None
    is_staff: bool = False
    is_superuser: bool = False
    districts: tuple[str, ...] = ()
    organisation: str = ""
    organisation_kind: str = ""


DEMO_ACCOUNTS = [
    DemoAccount("admin", "admin@demo.invalid", "Ada Admin", None, True, True, organisation="Landeshauptstadt Hannover"),
    DemoAccount(
        "fachteam",
        "fachteam@demo.invalid",
        "Fenja Fachteam",
        Role.FACHTEAM,
        True,
        organisation="Fachteam Beteiligung",
        organisation_kind="administration",
    ),
    DemoAccount(
        "bezirk",
        "bezirk@demo.invalid",
        "Bela Bezirk",
        Role.BEZIRKSMANAGEMENT,
        True,
        districts=("linden-limmer",),
        organisation="Bezirksmanagement Linden-Limmer",
        organisation_kind="district_office",
    ),
    DemoAccount(
        "moderation",
        "moderation@demo.invalid",
        "Mia Moderation",
        Role.MODERATION,
        True,
        organisation="Prozessteam",
        organisation_kind="process_team",
    ),
    DemoAccount(
        "moderation2",
        "moderation2@demo.invalid",
        "Mo Moderation",
        Role.MODERATION,
        True,
        organisation="Fachbereich Planen und Stadtentwicklung",
        organisation_kind="administration",
    ),
    DemoAccount(
        "netzwerk",
        "netzwerk@demo.invalid",
        "Nele Netzwerk",
        Role.NETZWERK,
        organisation="Stadtteilzentrum Lister Turm",
        organisation_kind="network",
    ),
    DemoAccount("buerger", "buerger@demo.invalid", "Bo Bürger", None, organisation_kind="civil_society"),
]


def seed_accounts() -> dict[str, User]:
    """Create or update the demo accounts; idempotent. Returns them by key."""
    from allauth.account.models import EmailAddress

    users = {}
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(email=account.email).first()
        if user is None:
            user = User.objects.create_user(account.email, DEMO_PASSWORD)
        user.name = account.name
        user.is_staff = account.is_staff
        user.is_superuser = account.is_superuser
        user.organisation = account.organisation
        user.organisation_kind = account.organisation_kind
        user.save()
        if account.role:
            user.groups.set([Group.objects.get(name=account.role.value)])
        user.districts.set(District.objects.filter(slug__in=account.districts))
        EmailAddress.objects.update_or_create(
            user=user, email=account.email, defaults={"verified": True, "primary": True}
        )
        users[account.key] = user
    return users
