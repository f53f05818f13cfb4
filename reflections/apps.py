from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import hooks


class ReflectionsConfig(AppConfig):
    name = "reflections"
    verbose_name = _("Reflexionen")

    def ready(self) -> None:
        from . import privacy

        privacy.register()
        hooks.WORKSHOP_DETAIL_SECTIONS.register(workshop_documentation_link_section, order=10)
        hooks.ACCOUNT_TEAM_LINKS.register(account_team_links, order=10)


def workshop_documentation_link_section(request, workshop) -> str:
    """On the public workshop page, once it was held: the link to its documentation and results."""
    from django.template.loader import render_to_string

    from workshops.models import Workshop

    if workshop.status not in (Workshop.Status.HELD, Workshop.Status.DOCUMENTED):
        return ""
    return render_to_string(
        "reflections/includes/workshop_documentation_link.html", {"workshop": workshop}, request=request
    )


def account_team_links(request, user) -> list[hooks.PageLink]:
    """The moderation workspace and the dashboard, in the team card of the account overview (each only
    for who may open it: the same permissions as the views)."""
    from django.urls import reverse

    links = []
    if user.has_perm("reflections.use_workspace"):
        links.append(hooks.PageLink(_("Arbeitsbereich Moderation"), reverse("reflections:workspace")))
    if user.has_perm("reflections.view_dashboard"):
        links.append(hooks.PageLink(_("Auswertung"), reverse("reflections:dashboard")))
    return links
