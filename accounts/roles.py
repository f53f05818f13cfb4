"""The roles of the platform. Each is a Django group created by a data migration."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FACHTEAM = "Fachteam Beteiligung", _("Fachteam Beteiligung")
    BEZIRKSMANAGEMENT = "Bezirksmanagement", _("Bezirksmanagement")
    MODERATION = "Moderation", _("Moderation")
    NETZWERK = "Beteiligungsnetzwerk", _("Beteiligungsnetzwerk")
