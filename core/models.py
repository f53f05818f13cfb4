from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("erstellt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        abstract = True


class OutboxMail(TimeStampedModel):
    """A mail to send. Written in the same transaction as the change that caused it, so nothing is lost."""

    class Status(models.TextChoices):
        PENDING = "pending", _("wartet")
        SENT = "sent", _("gesendet")
        FAILED = "failed", _("fehlgeschlagen")

    to = models.EmailField(_("an"))
    subject = models.CharField(_("Betreff"), max_length=255)
    body_text = models.TextField(_("Text"))
    body_html = models.TextField(_("HTML"), blank=True)
    # [{"filename": ..., "mimetype": ..., "content": <base64>}]
    attachments = models.JSONField(_("Anhänge"), default=list, blank=True)
    # Makes enqueueing idempotent, e.g. "reminder:<registration>:<start checksum>".
    dedupe_key = models.CharField(_("Schlüssel"), max_length=200, null=True, blank=True, unique=True)
    topic = models.CharField(_("Anlass"), max_length=60, blank=True)
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    last_error = models.TextField(_("letzter Fehler"), blank=True)
    sent_at = models.DateTimeField(_("gesendet am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Ausgehende E-Mail")
        verbose_name_plural = _("Ausgehende E-Mails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="outbox_status_created")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"


class Page(TimeStampedModel):
    """Editable legal pages (Impressum, Datenschutz) whose text the city provides."""

    slug = models.SlugField(_("Kennung"), unique=True)
    title = models.CharField(_("Titel"), max_length=200)
    body = models.TextField(_("Text"), help_text=_("Absätze durch Leerzeilen trennen."))
    is_draft = models.BooleanField(
        _("Entwurf"), default=True, help_text=_("Entwürfe werden öffentlich als vorläufig gekennzeichnet.")
    )

    class Meta:
        verbose_name = _("Seite")
        verbose_name_plural = _("Seiten")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title


class AccessibilityFeedback(TimeStampedModel):
    """A message through the feedback form of the accessibility statement (§ 9b NBGG)."""

    name = models.CharField(_("Name"), max_length=200, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    page_url = models.CharField(_("Seite"), max_length=500, blank=True)
    message = models.TextField(_("Nachricht"))
    handled = models.BooleanField(_("erledigt"), default=False)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("erledigt von"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("Rückmeldung Barrierefreiheit")
        verbose_name_plural = _("Rückmeldungen Barrierefreiheit")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.message[:60]


class AuditLog(models.Model):
    """A sensitive action: who did what, when, on which object. Written only by core.services.audit_log;
    never changed or deleted through the application (the admin is read-only even for superusers).

    No personal data of the people concerned is copied into a row: the object is referenced by type and
    id, e-mail addresses in `details` are masked and hashed (see audit_log)."""

    class Action(models.TextChoices):
        ATTENDEES_EXPORT = "attendees.export", _("Teilnehmendenliste exportiert")
        SUPPORT_NEEDS_VIEW = "support_needs.view", _("Unterstützungsbedarfe angesehen")
        REGISTRATION_ANONYMISE = "registration.anonymise", _("Anmeldung anonymisiert")
        REGISTRATION_DELETE = "registration.delete", _("Anmeldung gelöscht")
        OBJECT_DELETE = "object.delete", _("Objekt gelöscht")
        PERSONAL_DATA_EXPORT = "personal_data.export", _("Auskunft (Datenexport) erteilt")
        PERSONAL_DATA_ERASE = "personal_data.erase", _("Personenbezogene Daten gelöscht")
        ACCOUNT_DELETE = "account.delete", _("Konto gelöscht")
        ROLES_CHANGE = "user.roles_change", _("Rollen geändert")
        PERMISSIONS_CHANGE = "user.permissions_change", _("Rechte geändert")
        STAFF_FLAGS_CHANGE = "user.staff_change", _("Verwaltungszugang geändert")
        DISTRICTS_CHANGE = "user.districts_change", _("Zuständige Stadtbezirke geändert")
        MFA_ACTIVATE = "mfa.activate", _("Zwei-Faktor-Anmeldung eingerichtet")
        MFA_DEACTIVATE = "mfa.deactivate", _("Zwei-Faktor-Anmeldung entfernt")
        MFA_RESET = "mfa.reset", _("Zwei-Faktor-Anmeldung zurückgesetzt")
        RECOVERY_CODES_GENERATE = "mfa.recovery_codes", _("Wiederherstellungscodes neu erzeugt")

    created_at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("wer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_repr = models.CharField(_("wer (zum Zeitpunkt)"), max_length=254, blank=True)
    action = models.CharField(_("Aktion"), max_length=60, choices=Action.choices, db_index=True)
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("Objekttyp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    object_id = models.CharField(_("Objekt-ID"), max_length=64, blank=True)
    object_repr = models.CharField(_("Objekt"), max_length=255, blank=True)
    details = models.JSONField(_("Einzelheiten"), default=dict, blank=True)

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokoll sensibler Aktionen")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="auditlog_object")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_repr or '-'}: {self.get_action_display()}"
