"""Sections planning contributes to lower apps' pages (dashboard, district page, account page). Each
returns rendered HTML (or "" when there is nothing to show); the lower app's page includes it through
the hook registry in core, so it never imports planning."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from districts.models import District
from workshops.models import WorkshopTeamMember

from . import selectors
from .models import STAGE_ORDER, DistrictStage, Stage


def _safe(html: str) -> SafeString:
    # Rendered by Django templates with auto-escaping; no raw user input is marked safe here.
    return mark_safe(html)  # nosec B308 B703


def district_paths_section(*, district_ids: list[int] | None = None, request: Any = None) -> SafeString:
    """Per district: the stage today and per quarter (Prototyp → Tandem → Eigenregie) with the share of
    workshops in Eigenregie — for the dashboard and the reports. Two queries."""
    paths = selectors.district_paths(district_ids=district_ids)
    districts = District.objects.order_by("number")
    if district_ids is not None:
        districts = districts.filter(pk__in=district_ids)
    rows = []
    for district in districts:
        quarters = paths.get(district.pk, [])
        stage = quarters[-1].stage if quarters else DistrictStage.PROTOTYP
        rows.append(
            {"district": district, "quarters": quarters, "stage": stage, "stage_label": DistrictStage(stage).label}
        )
    return _safe(render_to_string("planning/includes/district_paths.html", {"rows": rows}, request=request))


def dashboard_section(request: Any, scope: Any) -> SafeString:
    """Hook entry for the insight dashboard: `scope` is the dashboard data (its `districts` are in scope)."""
    districts = getattr(scope, "districts", None)
    ids = [d.pk for d in districts] if districts is not None else None
    return district_paths_section(district_ids=ids, request=request)


def district_section(request: Any, district: District) -> SafeString:
    """Hook entry for the public district page."""
    return district_page_section(district=district, request=request)


def account_section(request: Any, user: Any) -> SafeString:
    """Hook entry for /konto/."""
    return account_stage_section(user=user, request=request)


def district_page_section(*, district: District, request: Any = None) -> SafeString:
    """The public district page: the district's path to Eigenregie."""
    quarters = selectors.district_paths(district_ids=[district.pk]).get(district.pk, [])
    stage = quarters[-1].stage if quarters else DistrictStage.PROTOTYP
    return _safe(
        render_to_string(
            "planning/includes/district_stage.html",
            {"district": district, "quarters": quarters[-8:], "stage": stage, "stages": DistrictStage.choices},
            request=request,
        )
    )


def account_stage_section(*, user: Any, request: Any = None) -> SafeString:
    """The person's stage on the coaching path and what is still missing (only for people with a record
    or a facilitating role)."""
    if not getattr(user, "is_authenticated", False):
        return _safe("")
    info = selectors.stage_of(user=user)
    facilitating = user.workshop_roles.filter(role__in=WorkshopTeamMember.FACILITATING_ROLES).exists()
    if not info.counts and not facilitating:
        return _safe("")
    notes = list(selectors.coaching_notes_visible_to(user=user, person_ids=[user.pk])[:5])
    return _safe(
        render_to_string(
            "planning/includes/account_stage.html",
            {
                "info": info,
                "stages": [(value, Stage(value).label) for value in STAGE_ORDER],
                "notes": notes,
            },
            request=request,
        )
    )
