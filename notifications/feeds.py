"""Feeds: iCalendar of upcoming workshops (city-wide and per district) and Atom feeds of the event log.

Query strings are ignored entirely, so odd parameters can never break a feed."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from districts.models import District
from workshops.ics import workshop_ics
from workshops.models import Workshop

from .models import Event

FEED_ITEMS = 50
CALENDAR_MAX = 500


def upcoming_public_workshops() -> QuerySet:
    """Public workshops that have not ended (cancelled ones too: calendars then show them cancelled)."""
    return (
        Workshop.objects.public()
        .filter(ends_at__gte=timezone.now())
        .select_related("district")
        .order_by("starts_at", "pk")
    )


def _calendar(workshops, *, name: str, filename: str) -> HttpResponse:
    response = HttpResponse(workshop_ics(*workshops, name=name), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    workshops = list(upcoming_public_workshops()[:CALENDAR_MAX])
    return _calendar(workshops, name=_("Bezirkswerkstätten Hannover"), filename="werkstaetten.ics")


@require_GET
def district_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    district = get_object_or_404(District, slug=slug)
    workshops = list(upcoming_public_workshops().filter(district=district)[:CALENDAR_MAX])
    return _calendar(
        workshops,
        name=_("Bezirkswerkstätten %(district)s") % {"district": district.name},
        filename=f"werkstaetten-{district.slug}.ics",
    )


class NewsFeed(Feed):
    """New workshops, published documentation and recommendation changes, city-wide (Atom 1.0)."""

    feed_type = Atom1Feed
    item_guid_is_permalink = False

    def title(self, obj=None) -> str:
        return _("Bezirkswerkstätten Hannover: Neuigkeiten")

    def subtitle(self, obj=None) -> str:
        return _("Neue Werkstätten, veröffentlichte Dokumentationen und Änderungen an Handlungsempfehlungen.")

    def link(self, obj=None) -> str:
        return "/"

    def feed_url(self, obj=None) -> str:
        return reverse("notifications:news_feed")

    def events(self, obj=None) -> QuerySet:
        return Event.objects.order_by("-occurred_at", "-id")

    def items(self, obj=None) -> list[Event]:
        return list(self.events(obj)[:FEED_ITEMS])

    def item_title(self, item: Event) -> str:
        return f"{item.get_kind_display()}: {item.title}"

    def item_description(self, item: Event) -> str:
        return item.detail

    def item_link(self, item: Event) -> str:
        return item.path

    def item_guid(self, item: Event) -> str:
        host = urlsplit(settings.SITE_URL).hostname or "localhost"
        return f"tag:{host},2026:{item.key}"

    def item_pubdate(self, item: Event):
        return item.occurred_at

    def item_updateddate(self, item: Event):
        return item.occurred_at


class DistrictNewsFeed(NewsFeed):
    def get_object(self, request: HttpRequest, slug: str) -> District:  # type: ignore[override]
        return get_object_or_404(District, slug=slug)

    def title(self, obj=None) -> str:
        return _("Bezirkswerkstätten %(district)s: Neuigkeiten") % {"district": obj.name if obj else ""}

    def link(self, obj=None) -> str:
        return reverse("workshops:district_detail", kwargs={"slug": obj.slug}) if obj else "/"

    def feed_url(self, obj=None) -> str:
        return reverse("notifications:district_news_feed", kwargs={"slug": obj.slug}) if obj else "/"

    def events(self, obj=None) -> QuerySet:
        return super().events(obj).filter(districts=obj)
