"""Workshop cards of the lists (workshop list, district page, home page) from the fragment cache.

A card shows a workshop's title, time, place, quarters, format, registration state and free seats: it is
rendered once per (language, workshop, `updated_at`, held seats, state, heading level) and kept a minute in
the process (core.fragments). The quarters are loaded only for the cards that must be rendered, so a list
whose cards are all cached costs no query for them; either way the number of queries is constant."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core import fragments
from districts.models import Quarter

from .models import Workshop

TEMPLATE = "workshops/includes/workshop_card.html"


def _key(workshop: Workshop, heading_level: int) -> tuple:
    return (
        "workshop-card",
        get_language(),
        workshop.pk,
        workshop.updated_at.timestamp(),
        workshop.seats_available,
        cast(Any, workshop).registration_state.code,
        heading_level,
    )


def workshop_cards(workshops: Iterable[Workshop], *, heading_level: int = 3, now=None) -> list[SafeString]:
    """The cards of `workshops` (district and format loaded; quarters need not be) in their order. Sets each
    workshop's `registration_state` as a side effect (the views use it)."""
    from .views import registration_state  # the state logic lives with the pages that show it

    now = now or timezone.now()
    workshops = list(workshops)
    for workshop in workshops:
        cast(Any, workshop).registration_state = registration_state(workshop, now=now)
    keys = [_key(workshop, heading_level) for workshop in workshops]
    found = fragments.get_many(keys)
    missing = [workshop for workshop, key in zip(workshops, keys, strict=True) if key not in found]
    if missing:
        if not all("quarters" in getattr(w, "_prefetched_objects_cache", {}) for w in missing):
            prefetch_related_objects(missing, Prefetch("quarters", queryset=Quarter.objects.order_by("name")))
        rendered = {
            _key(workshop, heading_level): render_to_string(
                TEMPLATE, {"workshop": workshop, "heading_level": heading_level}
            )
            for workshop in missing
        }
        fragments.set_many(rendered)
        found.update(rendered)
    return [mark_safe(found[key]) for key in keys]  # nosec B308 B703 - rendered by our autoescaping template
