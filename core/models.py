from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import EncryptedJSONField, EncryptedTextField


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("erstellt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        abstract = True


class OutboxMail(TimeStampedModel):
    """A mail to send. Written in the same transaction as the change that caused it, so nothing is lost.

    Delivery is at-least-once: a mail whose sending succeeded but whose row could not be marked sent is sent
    again; every attempt carries the same Message-ID (`message_id`), so receivers recognise the repeat."""

    class Status(models.TextChoices):
        PENDING = "pending", _("wartet")
        SENT = "sent", _("gesendet")
        FAILED = "failed", _("fehlgeschlagen")
        # No longer true when it was due (e.g. a reminder for a workshop that was moved or cancelled).
        DISCARDED = "discarded", _("verworfen")

    to = models.EmailField(_("an"))
    subject = models.CharField(_("Betreff"), max_length=255)
    # Bodies, attachments and headers hold working links (manage, confirm, feedback, unsubscribe): they are
    # encrypted with OUTBOX_ENCRYPTION_KEY (outside the database) and dropped once the mail is delivered or
    # discarded (ADR 0015). Empty here means "dropped".
    body_text = EncryptedTextField(_("Text"), blank=True)
    body_html = EncryptedTextField(_("HTML"), blank=True)
    # [{"filename": ..., "mimetype": ..., "content": <base64>}]
    attachments = EncryptedJSONField(_("Anhänge"), default=list, blank=True)
    # Extra message headers, e.g. {"List-Unsubscribe": "<https://…>"} (RFC 8058 one-click unsubscribe).
    headers = EncryptedJSONField(_("Kopfzeilen"), default=dict, blank=True)
    # Keyed pseudonym (core.crypto.pseudonym) of the person whose data a mail to someone else copies (e.g. an
    # accessibility feedback mail to the Fachteam), so export and erasure find it; "" for none.
    about = models.CharField(_("betrifft (Pseudonym)"), max_length=64, blank=True, db_index=True)
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

    @property
    def message_id(self) -> str:
        """A Message-ID that is the same for every attempt to send this row (RFC 5322 msg-id)."""
        from urllib.parse import urlsplit

        domain = urlsplit(settings.SITE_URL).hostname or "localhost"
        return f"<outbox.{self.pk}.{int(self.created_at.timestamp())}@{domain}>"


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
    id, e-mail addresses in `details` are masked and replaced by a keyed pseudonym (see audit_log)."""

    class Action(models.TextChoices):
        ATTENDEES_EXPORT = "attendees.export", _("Teilnehmendenliste exportiert")
        SUPPORT_NEEDS_VIEW = "support_needs.view", _("Unterstützungsbedarfe angesehen")
        REGISTRATION_ANONYMISE = "registration.anonymise", _("Anmeldung anonymisiert")
        REGISTRATION_DELETE = "registration.delete", _("Anmeldung gelöscht")
        SUPPORT_NEEDS_DELETE = "support_needs.delete", _("Unterstützungsbedarfe gelöscht")
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
        OUTBOX_MAIL_VIEW = "outbox.view", _("Gespeicherte E-Mail angesehen")

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
    # Keyed pseudonym (core.crypto.pseudonym) of the person the entry is about (the address in `details`, the
    # account or registration acted on), so a data export finds the entries; never the address itself.
    subject = models.CharField(_("betrifft (Pseudonym)"), max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokoll sensibler Aktionen")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="auditlog_object")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_repr or '-'}: {self.get_action_display()}"


class Heartbeat(models.Model):
    """The last time a periodic process showed it is alive (e.g. "beat": Celery beat and a worker ran a task)."""

    name = models.CharField(_("Name"), max_length=50, primary_key=True)
    at = models.DateTimeField(_("zuletzt"))

    class Meta:
        verbose_name = _("Lebenszeichen")
        verbose_name_plural = _("Lebenszeichen")

    def __str__(self) -> str:
        return f"{self.name}: {self.at:%Y-%m-%d %H:%M:%S}"
