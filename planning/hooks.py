"""What planning contributes to lower apps' pages and data (registered in PlanningConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import hooks


def account_team_links(request: Any, user: Any) -> list[hooks.PageLink]:
    if not user.has_perm("planning.use_workspace"):
        return []
    return [hooks.PageLink(_("Planung"), reverse("planning:workspace"))]


def district_api_fields() -> dict[str, Any]:
    from .api.serializers import EigenregieStageField

    return {"eigenregie_stage": EigenregieStageField()}


def workshop_duplicated(*, source: Any, copy: Any, by: Any = None) -> None:
    """A duplicated workshop keeps the concept version it was planned from."""
    from . import services

    services.plan_link_duplicate(source=source, copy=copy, by=by)


def register() -> None:
    from . import privacy, sections, selectors

    privacy.register()
    hooks.ACCOUNT_OVERVIEW_SECTIONS.register(sections.account_section, order=30)
    hooks.ACCOUNT_TEAM_LINKS.register(account_team_links, order=15)
    hooks.DISTRICT_DETAIL_SECTIONS.register(sections.district_section, order=10)
    hooks.DASHBOARD_SECTIONS.register(sections.dashboard_section, order=10)
    hooks.DISTRICT_DETAIL_API_FIELDS.register(district_api_fields)
    hooks.WORKSHOP_DUPLICATED.register(workshop_duplicated)
    # Planners see unpublished drafts of their districts: they work behind the scenes (second factor).
    hooks.STAFF_CHECKS.register(selectors.is_planner)
