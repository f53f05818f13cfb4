from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import Role


class UserManager(BaseUserManager):
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
        DISTRICT_OFFICE = "district_office", _("Bezirksmanagement / Bezirksrat")
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
    REQUIRED_FIELDS: list[str] = []

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
