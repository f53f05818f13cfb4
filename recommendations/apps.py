from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = _("Handlungsempfehlungen")

    def ready(self) -> None:
        from reflections.views import register_documentation_section

        from . import privacy

        privacy.register()
        register_documentation_section(workshop_recommendations_section)


def workshop_recommendations_section(request, workshop) -> str:
    """The recommendations that came from a workshop, as a section of its public documentation page."""
    from django.template.loader import render_to_string

    from .selectors import recommendations_for_workshop

    context = {"recommendations": recommendations_for_workshop(workshop=workshop), "workshop": workshop}
    return render_to_string("recommendations/includes/workshop_recommendations.html", context, request=request)
