from django.db import models
from django.utils.translation import gettext_lazy as _


class DistrictQuerySet(models.QuerySet):
    def with_quarters(self):
        return self.prefetch_related(models.Prefetch("quarters", queryset=Quarter.objects.order_by("name")))


class District(models.Model):
    """One of Hannover's 13 Stadtbezirke (reference data, loaded by a data migration)."""

    number = models.PositiveSmallIntegerField(_("Nummer"), unique=True)
    name = models.CharField(_("Name"), max_length=100, unique=True)
    slug = models.SlugField(_("Kennung"), unique=True)
    population = models.PositiveIntegerField(_("Einwohner*innen"))
    population_as_of = models.DateField(_("Stand der Einwohnerzahl"))

    objects = DistrictQuerySet.as_manager()

    class Meta:
        verbose_name = _("Stadtbezirk")
        verbose_name_plural = _("Stadtbezirke")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__gte=1) & models.Q(number__lte=13), name="district_number_1_13"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        # A fixed path: the district page shows workshops, so a higher app serves it (DESIGN §3).
        return f"/bezirke/{self.slug}/"


class Quarter(models.Model):
    """A Stadtteil. The city's statistical numbers are not complete publicly, so the slug is the key."""

    district = models.ForeignKey(
        District, verbose_name=_("Stadtbezirk"), on_delete=models.PROTECT, related_name="quarters"
    )
    name = models.CharField(_("Name"), max_length=100)
    slug = models.SlugField(_("Kennung"), unique=True)
    population = models.PositiveIntegerField(
        _("Einwohner*innen"),
        null=True,
        blank=True,
        help_text=_("Leer, wo die Stadt die Zahl mit einem Nachbarstadtteil zusammen ausweist."),
    )
    population_note = models.CharField(_("Hinweis zur Einwohnerzahl"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Stadtteil")
        verbose_name_plural = _("Stadtteile")
        ordering = ["district__number", "name"]

    def __str__(self) -> str:
        return self.name
