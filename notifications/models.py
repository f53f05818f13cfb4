"""Subscriptions (Abos) with their own consent, the event log they are fed from, and the import marker of
registrations whose "keep me informed" wish became a subscription.

Stored apart from registrations, so the retention of registrations never removes a subscription."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class Subscriber(TimeStampedModel):
    """One e-mail address that follows something. Tokens of its links are derived from `token_seed`
    (HMAC under SECRET_KEY, see notifications.tokens); only their hashes are stored."""

    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    language = models.CharField(_("Sprache"), max_length=10, default="de")
    token_seed = models.CharField(max_length=32, editable=False)
    manage_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # One-click "unsubscribe from everything" of digests; the seed is replaced after each use, so an old
    # link never ends subscriptions consented to later.
    unsubscribe_seed = models.CharField(max_length=32, editable=False)
    unsubscribe_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The last event (Event.id) a digest to this address has covered.
    digest_cursor = models.BigIntegerField(_("Ereignisse bis"), default=0)
    last_digest_at = models.DateTimeField(_("letzte Zusammenfassung"), null=True, blank=True)

    class Meta:
        verbose_name = _("Abonnent*in")
        verbose_name_plural = _("Abonnent*innen")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email


class SubscriptionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Subscription.Status.ACTIVE)


class Subscription(TimeStampedModel):
    """Following a district, a recommendation or a workshop's results (double opt-in)."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("Stadtbezirk")
        RECOMMENDATION = "recommendation", _("Handlungsempfehlung")
        WORKSHOP = "workshop", _("Ergebnisse einer Werkstatt")

    class Status(models.TextChoices):
        PENDING = "pending", _("wartet auf Bestätigung")
        ACTIVE = "active", _("aktiv")
        UNSUBSCRIBED = "unsubscribed", _("abbestellt")

    class Source(models.TextChoices):
        FORM = "form", _("Formular")
        API = "api", _("API")
        REGISTRATION = "registration", _("Anmeldung („über Ergebnisse informieren“)")

    subscriber = models.ForeignKey(
        Subscriber, verbose_name=_("Abonnent*in"), on_delete=models.CASCADE, related_name="subscriptions"
    )
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    district = models.ForeignKey(
        "districts.District", verbose_name=_("Stadtbezirk"), null=True, blank=True, on_delete=models.CASCADE
    )
    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        verbose_name=_("Handlungsempfehlung"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    workshop = models.ForeignKey(
        "workshops.Workshop", verbose_name=_("Werkstatt"), null=True, blank=True, on_delete=models.CASCADE
    )
    # "<kind>:<pk>": one subscription per address and target that is not unsubscribed.
    target_key = models.CharField(max_length=60, editable=False)
    status = models.CharField(_("Status"), max_length=15, choices=Status.choices, default=Status.PENDING)
    source = models.CharField(_("Herkunft"), max_length=15, choices=Source.choices, default=Source.FORM)
    token_seed = models.CharField(max_length=32, editable=False)
    unsubscribe_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    confirm_token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    confirm_sent_at = models.DateTimeField(_("Bestätigungslink gesendet"), null=True, blank=True)
    confirm_expires_at = models.DateTimeField(_("Bestätigung bis"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("bestätigt am"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("abbestellt am"), null=True, blank=True)
    # Events with a larger id reach this subscription (set when it becomes active).
    start_event_id = models.BigIntegerField(default=0, editable=False)
    # Confirmation, a visit of the manage page, or news delivered; inactive subscriptions are deleted.
    last_activity_at = models.DateTimeField(_("letzte Aktivität"), null=True, blank=True)
    # "What became of it" mails sent: the largest month mark (3, 6, 12) reached so far.
    aftermath_months_sent = models.PositiveSmallIntegerField(default=0, editable=False)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Abo")
        verbose_name_plural = _("Abos")
        ordering = ["subscriber", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "target_key"],
                condition=~Q(status="unsubscribed"),
                name="subscription_one_open_per_target",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="district", district__isnull=False, recommendation__isnull=True, workshop__isnull=True)
                    | Q(
                        kind="recommendation",
                        district__isnull=True,
                        recommendation__isnull=False,
                        workshop__isnull=True,
                    )
                    | Q(kind="workshop", district__isnull=True, recommendation__isnull=True, workshop__isnull=False)
                ),
                name="subscription_target_matches_kind",
            ),
        ]
        indexes = [models.Index(fields=["status", "kind"], name="subscription_status_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.target}"

    @property
    def target(self):
        return self.district or self.recommendation or self.workshop


class SubscriptionConsent(models.Model):
    """Proof of the consent to a subscription: purpose, version of the text shown, when given and withdrawn."""

    class Purpose(models.TextChoices):
        FOLLOW = "follow", _("Neuigkeiten per E-Mail (Abo)")

    subscription = models.ForeignKey(
        Subscription, verbose_name=_("Abo"), on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(_("Zweck"), max_length=20, choices=Purpose.choices, default=Purpose.FOLLOW)
    text_version = models.CharField(_("Textversion"), max_length=40)
    given_at = models.DateTimeField(_("erteilt am"))
    withdrawn_at = models.DateTimeField(_("widerrufen am"), null=True, blank=True)
    # Where the consent was given: "form", "api" or "registration:<id>" (migrated "keep me informed").
    origin = models.CharField(_("Herkunft"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("Einwilligung (Abo)")
        verbose_name_plural = _("Einwilligungen (Abo)")
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.text_version})"


class Event(models.Model):
    """Something that happened that followers hear about. Derived from the lower apps' data by
    notifications.services.events_collect (see docs/adr/0013-notifications.md); `key` makes it idempotent."""

    class Kind(models.TextChoices):
        WORKSHOP_PUBLISHED = "workshop_published", _("Neue Werkstatt")
        WORKSHOP_DOCUMENTED = "workshop_documented", _("Dokumentation veröffentlicht")
        RECOMMENDATION_PUBLISHED = "recommendation_published", _("Neue Handlungsempfehlung")
        RECOMMENDATION_STATUS = "recommendation_status", _("Status einer Empfehlung geändert")
        RECOMMENDATION_MILESTONE = "recommendation_milestone", _("Meilenstein einer Empfehlung")

    key = models.CharField(max_length=100, unique=True)
    kind = models.CharField(_("Art"), max_length=30, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("Zeitpunkt"), db_index=True)
    title = models.CharField(_("Titel"), max_length=255)
    detail = models.CharField(_("Einzelheiten"), max_length=500, blank=True)
    path = models.CharField(_("Seite"), max_length=300)
    workshop = models.ForeignKey(
        "workshops.Workshop", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    recommendation = models.ForeignKey(
        "recommendations.Recommendation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Who hears about it: followers of these districts, and of these workshops' results.
    districts = models.ManyToManyField("districts.District", blank=True, related_name="+")
    workshops = models.ManyToManyField("workshops.Workshop", blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Ereignis")
        verbose_name_plural = _("Ereignisse")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class ImportedRegistration(models.Model):
    """A registration whose "keep me informed" wish was turned into a subscription (never imported twice,
    even after the subscription was ended or deleted). Holds no personal data."""

    registration_id = models.BigIntegerField(primary_key=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("übernommene Anmeldung")
        verbose_name_plural = _("übernommene Anmeldungen")

    def __str__(self) -> str:
        return f"#{self.registration_id}"
