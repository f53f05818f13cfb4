from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = _("Handlungsempfehlungen")

    def ready(self) -> None:
        from . import privacy

        privacy.register()
