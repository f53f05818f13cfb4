from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import hooks


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = _("Handlungsempfehlungen")

    def ready(self) -> None:
        from . import privacy

        privacy.register()
        hooks.WORKSHOP_DOCUMENTATION_SECTIONS.register(workshop_recommendations_section, order=10)
        hooks.WORKSHOP_DETAIL_SECTIONS.register(held_workshop_recommendations_section, order=20)
        hooks.ACCOUNT_TEAM_LINKS.register(account_team_links, order=20)
        hooks.ACCOUNT_TEAM_LINKS.register(followup_links, order=15)
        hooks.DISTRICT_DETAIL_SECTIONS.register(district_followup_section, order=20)
        hooks.DASHBOARD_SECTIONS.register(dashboard_overdue_section, order=20)
        register_owners_as_staff()


def register_owners_as_staff() -> None:
    """Owners of commitments and recommendations (and members of organisation units) write public statements
    in the workspace: they work behind the scenes and need the second factor like other staff."""
    from .rules import user_answers_for_something

    hooks.STAFF_CHECKS.register(user_answers_for_something)


def followup_links(request, user) -> list[hooks.PageLink]:
    """ "Meine Zusagen" in the team card of the account overview, for owners and the Fachteam."""
    from django.urls import reverse

    if user is None or not user.has_perm("recommendations.use_followup"):
        return []
    return [hooks.PageLink(_("Meine Zusagen (Verbindlichkeit)"), reverse("recommendations:followup"))]


def district_followup_section(request, district) -> str:
    """The district page (served by workshops): overdue recommendations and commitments of the district."""
    from django.template.loader import render_to_string

    from .selectors import overdue_in_district

    if district is None:
        return ""
    recommendations, commitments = overdue_in_district(district=district)
    return render_to_string(
        "recommendations/includes/district_overdue.html",
        {"district": district, "overdue_recommendations": recommendations, "overdue_commitments": commitments},
        request=request,
    )


def dashboard_overdue_section(request, data) -> str:
    """The dashboard (served by reflections): how many commitments and recommendations are overdue, for the one
    district in the dashboard's scope, or city-wide when the scope has several."""
    from django.template.loader import render_to_string

    from .selectors import overdue_counts

    districts = getattr(data, "districts", None)
    district = districts[0] if districts is not None and len(districts) == 1 else None
    can_followup = bool(request and request.user.has_perm("recommendations.use_followup"))
    return render_to_string(
        "recommendations/includes/dashboard_overdue.html",
        {"counts": overdue_counts(district=district), "district": district, "can_followup": can_followup},
        request=request,
    )


def workshop_recommendations_section(request, workshop) -> str:
    """The public recommendations that came from a workshop (the evidence link in the other direction), as
    a section with an h2; nothing when there are none."""
    from django.template.loader import render_to_string

    from .selectors import recommendations_for_workshop

    context = {"recommendations": recommendations_for_workshop(workshop=workshop), "workshop": workshop}
    return render_to_string("recommendations/includes/workshop_recommendations.html", context, request=request)


def held_workshop_recommendations_section(request, workshop) -> str:
    """The same section on the public workshop page, once the workshop was held."""
    from workshops.models import Workshop

    if workshop.status not in (Workshop.Status.HELD, Workshop.Status.DOCUMENTED):
        return ""
    return workshop_recommendations_section(request, workshop)


def account_team_links(request, user) -> list[hooks.PageLink]:
    """The co-writing page and the report requests (PDF), in the team card of the account overview (each only
    for who may open it: the same permissions as the views)."""
    from django.urls import reverse

    links = []
    if user.has_perm("recommendations.propose"):
        links.append(hooks.PageLink(_("Mitwirken an Handlungsempfehlungen"), reverse("recommendations:contribute")))
    if user.has_perm("recommendations.use_followup"):
        links.append(hooks.PageLink(_("Meine Zusagen"), reverse("recommendations:followup")))
    if user.has_perm("recommendations.request_report"):
        links.append(hooks.PageLink(_("Berichte (PDF)"), reverse("recommendations:reports")))
    return links
