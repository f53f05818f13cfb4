"""Hooks: what one app contributes to another app's page or check, without importing upward.

Imports run one way (hannover_beteiligung → notifications → recommendations → planning → reflections →
workshops → accounts → districts → core). When a lower app's page shows something of a higher app (the
documentation page of a workshop lists the recommendations that came from it; the account overview links
to the moderation workspace), the lower app renders whatever is registered at a named hook here, and the
higher app registers in its ``AppConfig.ready()``. No app imports another app's views, and no template
links upward by URL name. (The personal-data providers have a registry of their own: core/registry.py.)

The hooks::

    WORKSHOP_DETAIL_SECTIONS         (request, workshop) -> str   HTML on the public workshop page
    WORKSHOP_DETAIL_END_SECTIONS     (request, workshop) -> str   HTML at the end of the public workshop page
    DISTRICT_DETAIL_SECTIONS         (request, district) -> str   HTML at the end of the public district page
    RECOMMENDATION_DETAIL_SECTIONS   (request, recommendation) -> str   at the end of a recommendation's page
    WORKSHOP_DOCUMENTATION_SECTIONS  (request, workshop) -> str   HTML on its public documentation page
    ACCOUNT_OVERVIEW_SECTIONS        (request, user) -> str       cards on /konto/ for every account
    ACCOUNT_TEAM_LINKS               (request, user) -> links     links in the "Für das Team" card on /konto/
    STAFF_CHECKS                     (user) -> bool               True: works behind the scenes (needs MFA)
    DASHBOARD_SECTIONS               (request, dashboard) -> str  HTML on the insight dashboard (its data)
    DISTRICT_DETAIL_API_FIELDS       () -> {name: serializer field}  extra fields of /api/v1/districts/<slug>/
    WORKSHOP_DUPLICATED              (*, source, copy, by) -> None  after workshops.services.workshop_duplicate
    REGISTRATION_CONSENT_WITHDRAWN   (*, registration, purpose) -> None  in the transaction of
                                     workshops.services.registration_consent_withdraw (end what was built on it)

A section returns HTML rendered by its own template with autoescaping (``render_to_string``), or "" for
nothing. Templates render a hook with ``{% load hb_hooks %}{% hook_sections "workshop_detail" workshop %}``
or ``{% hook_links "account_team_links" as links %}``. Registering::

    from core import hooks

    class RecommendationsConfig(AppConfig):
        def ready(self):
            hooks.WORKSHOP_DOCUMENTATION_SECTIONS.register(workshop_recommendations_section, order=10)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.http import HttpRequest
from django.utils.functional import Promise

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class PageLink:
    """A link a higher app contributes to a lower app's page (label translated, URL reversed by the app
    that owns the view)."""

    label: str | Promise
    url: str


class Hook(Generic[F]):
    """A named list of callables, in ascending `order` (then by key). Registering the same key again
    replaces the entry, so an AppConfig.ready() that runs twice adds nothing twice."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: dict[str, tuple[int, F]] = {}

    def register(self, function: F, *, order: int = 100, key: str | None = None) -> F:
        key = key or f"{function.__module__}.{function.__qualname__}"
        self._entries[key] = (order, function)
        return function

    def unregister(self, function: F) -> None:
        self._entries = {key: entry for key, entry in self._entries.items() if entry[1] is not function}

    def __iter__(self) -> Iterator[F]:
        return iter([function for key, (order, function) in sorted(self._entries.items(), key=_by_order)])

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._entries)}>"


def _by_order(item: tuple[str, tuple[int, Any]]) -> tuple[int, str]:
    key, (order, _function) = item
    return order, key


Section = Callable[[HttpRequest | None, Any], str]
LinkProvider = Callable[[HttpRequest | None, Any], Iterable[PageLink]]

WORKSHOP_DETAIL_SECTIONS: Hook[Section] = Hook("workshop_detail")
WORKSHOP_DOCUMENTATION_SECTIONS: Hook[Section] = Hook("workshop_documentation")
WORKSHOP_DETAIL_END_SECTIONS: Hook[Section] = Hook("workshop_detail_end")
DISTRICT_DETAIL_SECTIONS: Hook[Section] = Hook("district_detail")
RECOMMENDATION_DETAIL_SECTIONS: Hook[Section] = Hook("recommendation_detail")
ACCOUNT_OVERVIEW_SECTIONS: Hook[Section] = Hook("account_overview")
ACCOUNT_TEAM_LINKS: Hook[LinkProvider] = Hook("account_team_links")
STAFF_CHECKS: Hook[Callable[[Any], bool]] = Hook("staff_checks")
DASHBOARD_SECTIONS: Hook[Section] = Hook("dashboard")
DISTRICT_DETAIL_API_FIELDS: Hook[Callable[[], dict[str, Any]]] = Hook("district_detail_api_fields")
WORKSHOP_DUPLICATED: Hook[Callable[..., None]] = Hook("workshop_duplicated")
REGISTRATION_CONSENT_WITHDRAWN: Hook[Callable[..., None]] = Hook("registration_consent_withdrawn")

SECTIONS: dict[str, Hook[Section]] = {
    hook.name: hook
    for hook in (
        WORKSHOP_DETAIL_SECTIONS,
        WORKSHOP_DOCUMENTATION_SECTIONS,
        WORKSHOP_DETAIL_END_SECTIONS,
        DISTRICT_DETAIL_SECTIONS,
        RECOMMENDATION_DETAIL_SECTIONS,
        ACCOUNT_OVERVIEW_SECTIONS,
        DASHBOARD_SECTIONS,
    )
}
LINKS: dict[str, Hook[LinkProvider]] = {ACCOUNT_TEAM_LINKS.name: ACCOUNT_TEAM_LINKS}


def render_sections(name: str, request: HttpRequest | None, obj: Any) -> list[str]:
    """The non-empty HTML fragments registered at section hook `name` for `obj`."""
    return [html for html in (section(request, obj) for section in SECTIONS[name]) if html]


def collect_links(name: str, request: HttpRequest | None, obj: Any) -> list[PageLink]:
    return [link for provider in LINKS[name] for link in provider(request, obj)]
