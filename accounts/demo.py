"""Demo accounts, one per role (plus a second facilitator and a district office user). Never in production."""

from dataclasses import dataclass

from django.contrib.auth.models import Group

from districts.models import District

from .models import User
from .roles import Role

DEMO_PASSWORD = "Werkstatt-Demo-2026"  # noqa: S105  # nosec B105
# Staff pages need a second factor (TOTP). The demo staff accounts share this known secret, so a tester can
# produce the 6-digit code with any authenticator app (key entered by hand) or the shell one-liner that
# seed_demo prints (demo_mfa_instructions). Demo only: seed_demo refuses production settings.
DEMO_TOTP_SECRET = "BEZIRKSWERKSTAETTENHANNOVERDEMO2"  # noqa: S105  # nosec B105


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
    DemoAccount(
        "politik",
        "politik@demo.invalid",
        "Paula Politik",
        Role.POLITIK,
        districts=("linden-limmer",),
        organisation="Stadtbezirksrat Linden-Limmer",
        organisation_kind="politik",
    ),
    DemoAccount(
        "fachbereich",
        "fachbereich@demo.invalid",
        "Finn Fachbereich",
        Role.FACHBEREICH,
        organisation="Fachbereich Tiefbau",
        organisation_kind="administration",
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
        # Staff need a second factor; the network account too, as the demo puts it on a workshop team
        # (team members see attendee lists). Only the citizen logs in with a password alone.
        if account.is_staff or account.role is not None:
            _seed_totp(user)
        users[account.key] = user
    return users


def _seed_totp(user: User) -> None:
    """Give a demo staff account a TOTP authenticator with the known DEMO_TOTP_SECRET (idempotent)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)


def demo_mfa_instructions() -> list[str]:
    """Console lines that tell a tester how to log in to a demo staff account with the second factor."""
    one_liner = (
        'python3 -c "import base64,hmac,struct,time;'
        f"k=base64.b32decode('{DEMO_TOTP_SECRET}');"
        "h=hmac.digest(k,struct.pack('>Q',int(time.time())//30),'sha1');o=h[-1]&15;"
        "print('%06d'%((int.from_bytes(h[o:o+4],'big')&0x7fffffff)%10**6))\""
    )
    return [
        "Every demo account except buerger@ has a second factor (TOTP; staff and workshop teams need one):",
        f"  in an authenticator app add a time-based key by hand: {DEMO_TOTP_SECRET} (6 digits, 30 s),",
        "  or compute the current code in a shell:",
        f"  {one_liner}",
    ]
