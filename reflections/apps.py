from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReflectionsConfig(AppConfig):
    name = "reflections"
    verbose_name = _("Reflexionen")

    def ready(self) -> None:
        from . import privacy

        privacy.register()
