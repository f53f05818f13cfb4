from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. E-mail is the login; there is no username.

    The profile fields (organisation, department, districts) live here: they describe who someone is in
    the participation process and feed the statistics on multiprofessional teams."""

    class OrganisationKind(models.TextChoices):
        ADMINISTRATION = "administration", _("Stadtverwaltung")
        DISTRICT_OFFICE = "district_office", _("Bezirksmanagement")
        POLITIK = "politik", _("Politik (Bezirksrat, Rat)")
        PROCESS_TEAM = "process_team", _("Prozessteam")
        NETWORK = "network", _("Netzwerkpartner*in / Träger")
        CIVIL_SOCIETY = "civil_society", _("Bürger*in")
        OTHER = "other", _("Sonstiges")

    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    name = models.CharField(_("Name"), max_length=150, blank=True)
    organisation = models.CharField(_("Organisation"), max_length=200, blank=True)
    department = models.CharField(_("Fachbereich / Abteilung"), max_length=200, blank=True)
    organisation_kind = models.CharField(
        _("Art der Organisation"), max_length=20, choices=OrganisationKind.choices, blank=True
    )
    districts = models.ManyToManyField(
        "districts.District",
        verbose_name=_("Zuständig für Stadtbezirke"),
        blank=True,
        related_name="staff",
    )
    is_staff = models.BooleanField(_("Zugang zur Verwaltung"), default=False)
    is_active = models.BooleanField(_("aktiv"), default=True)
    date_joined = models.DateTimeField(_("registriert seit"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("Benutzer*in")
        verbose_name_plural = _("Benutzer*innen")
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name or self.email

    def has_perm(self, perm, obj=None) -> bool:
        # A staff session that has not passed the second factor has no permissions at all
        # (set per request by accounts.middleware.StaffSecurityMiddleware; superusers included).
        if getattr(self, "mfa_pending", False):
            return False
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label) -> bool:
        if getattr(self, "mfa_pending", False):
            return False
        return super().has_module_perms(app_label)

    def has_role(self, role: Role) -> bool:
        return self.groups.filter(name=role.value).exists()

    @property
    def role_names(self) -> set[str]:
        cached = getattr(self, "_role_names", None)
        if cached is None:
            cached = set(self.groups.values_list("name", flat=True)) if self.pk else set()
            self._role_names = cached
        return cached


class OrganisationUnit(models.Model):
    """A unit that owns commitments and recommendations: a Fachbereich of the administration, a district office
    (Stadtbezirksmanagement), a council (Rat, Stadtbezirksrat), the Verwaltungsvorstand or the Fachteam.

    Reference data (see docs/adr/0011, editable by the Fachteam). Members are the people who may act
    for the unit in the owners' workspace; a unit outlives its members, so nothing is lost when someone
    leaves the city (ADR 0011)."""

    class Kind(models.TextChoices):
        FACHBEREICH = "fachbereich", _("Fachbereich")
        DISTRICT_OFFICE = "district_office", _("Stadtbezirksmanagement")
        POLITIK = "politik", _("Politik")
        LEADERSHIP = "leadership", _("Verwaltungsvorstand")
        FACHTEAM = "fachteam", _("Fachteam Beteiligung")

    name = models.CharField(_("Name"), max_length=200, unique=True)
    slug = models.SlugField(_("Kennung"), max_length=200, unique=True)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    district = models.ForeignKey(
        "districts.District",
        verbose_name=_("Stadtbezirk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisation_units",
    )
    email = models.EmailField(_("Funktionspostfach"), blank=True)
    members = models.ManyToManyField(
        "accounts.User", verbose_name=_("Mitglieder"), blank=True, related_name="organisation_units"
    )
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("Organisationseinheit")
        verbose_name_plural = _("Organisationseinheiten")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class MfaEnrolmentInvitation(models.Model):
    """An out-of-band invitation to set up the second factor (issue 15, point 5): a staff member can add
    TOTP only in a session that opened the mailed, single-use, expiring link. Only the token's hash is kept."""

    user = models.ForeignKey(
        "accounts.User", verbose_name=_("Konto"), on_delete=models.CASCADE, related_name="mfa_invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("gültig bis"))
    used_at = models.DateTimeField(_("eingelöst am"), null=True, blank=True)
    created_at = models.DateTimeField(_("erstellt am"), auto_now_add=True)
    # The plain token, set on the instance that created it (for the mail); never stored.
    token: str | None = None

    class Meta:
        verbose_name = _("Einladung zur Zwei-Faktor-Anmeldung")
        verbose_name_plural = _("Einladungen zur Zwei-Faktor-Anmeldung")

    def __str__(self) -> str:
        return f"{self.user_id} ({self.expires_at:%Y-%m-%d %H:%M})"
