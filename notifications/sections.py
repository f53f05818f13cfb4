"""The "Folgen" form as a section of the district, recommendation and workshop pages (core.hooks)."""

from __future__ import annotations

from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core import fragments, pagecache

from .forms import FollowForm
from .models import Subscription

_TOKEN_MARK = "hb-follow-csrf-mark-2c9e"  # noqa: S105  # nosec B105 - a placeholder, not a secret


def _render(request, *, kind: str, slug: str, heading: str, intro: str, csrf_token) -> str:
    """The form, rendered once per target and language (core.fragments: the unbound form is the same for
    everyone; it was half of the workshop page's rendering) with this request's CSRF value filled in."""

    def render() -> str:
        form = FollowForm(initial={"kind": kind, "target": slug}, prefix_id=f"follow-{kind}")
        return render_to_string(
            "notifications/includes/follow_form.html",
            {"form": form, "heading": heading, "intro": intro, "csrf_token": _TOKEN_MARK, "kind": kind},
        )

    html = fragments.get_or_render(("notifications:follow", kind, slug, heading, intro, get_language()), render)
    return mark_safe(html.replace(_TOKEN_MARK, conditional_escape(csrf_token)))  # nosec B308 B703 - autoescaped template


def _csrf(request, *, page_cached: bool) -> str:
    """The CSRF value for the form. The anonymous workshop page is rendered once for the page cache with a
    marker that each request replaces by its own token (core.pagecache); the form must use that marker
    there, or every visitor would get the first one's token."""
    if request is None:
        return ""
    if page_cached and pagecache.cacheable(request):
        return pagecache.CSRF_MARK
    return get_token(request)


def follow_district(request, district) -> str:
    return _render(
        request,
        kind=Subscription.Kind.DISTRICT,
        slug=district.slug,
        heading=_("%(name)s folgen") % {"name": district.name},
        intro=_("Neue Werkstätten, veröffentlichte Dokumentationen und neue Empfehlungen für diesen Stadtbezirk."),
        csrf_token=_csrf(request, page_cached=False),
    )


def follow_recommendation(request, recommendation) -> str:
    if not recommendation.is_public:
        return ""
    return _render(
        request,
        kind=Subscription.Kind.RECOMMENDATION,
        slug=recommendation.slug,
        heading=_("Dieser Empfehlung folgen"),
        intro=_("Änderungen des Status, erreichte Meilensteine und Beschlüsse."),
        csrf_token=_csrf(request, page_cached=False),
    )


def follow_workshop(request, workshop) -> str:
    if workshop.status in ("draft", "cancelled"):
        return ""
    return _render(
        request,
        kind=Subscription.Kind.WORKSHOP,
        slug=workshop.slug,
        heading=_("Ergebnissen dieser Werkstatt folgen"),
        intro=_("Die Dokumentation und was aus den Ergebnissen wird – auch nach 3, 6 und 12 Monaten."),
        csrf_token=_csrf(request, page_cached=True),
    )
