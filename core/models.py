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
