"""Open data: CSV and JSON of workshops, recommendations, commitments and aggregate figures, with field
documentation and a DCAT-AP.de catalogue record (JSON-LD), licence Datenlizenz Deutschland – Namensnennung 2.0.

Nothing personal: only public objects; counts below settings.PUBLIC_MIN_COUNT are suppressed (null)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from core.links import absolute_path
from districts.models import District
from recommendations.models import Recommendation
from reflections.models import Commitment
from workshops.models import Registration, Workshop, arrived_people

LICENSE_URI = "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
LICENSE_NAME = "Datenlizenz Deutschland – Namensnennung – Version 2.0"
ATTRIBUTION = "Landeshauptstadt Hannover, Fachteam Beteiligung"
# Amtlicher Regionalschlüssel of the Landeshauptstadt Hannover.
GEOCODING_URI = "http://dcat-ap.de/def/politicalGeocoding/regionalKey/032410001001"
GEOCODING_LEVEL = "http://dcat-ap.de/def/politicalGeocoding/Level/municipality"
THEME = "http://publications.europa.eu/resource/authority/data-theme/GOVE"
FILE_TYPES = {
    "csv": ("http://publications.europa.eu/resource/authority/file-type/CSV", "text/csv"),
    "json": ("http://publications.europa.eu/resource/authority/file-type/JSON", "application/json"),
}


# Descriptions are lazily translated strings (StrPromise), rendered in the request's language.
@dataclass(frozen=True)
class FieldDoc:
    name: str
    type: str
    description: Any


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: Any
    description: Any
    fields: tuple[FieldDoc, ...]
    rows: Callable[[], list[dict]]


def _min_count() -> int:
    return settings.PUBLIC_MIN_COUNT


def _suppress(value: int | None) -> int | None:
    """Counts below PUBLIC_MIN_COUNT are not published (null)."""
    if value is None or value < _min_count():
        return None
    return value


def _url(path: str) -> str:
    return absolute_path(path)


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# --- datasets ---------------------------------------------------------------------------------------------------


def workshop_rows() -> list[dict]:
    workshops = (
        Workshop.objects.public()
        .select_related("district", "format")
        .prefetch_related("quarters")
        .order_by("starts_at", "pk")
    )
    return [
        {
            "slug": w.slug,
            "title": w.title,
            "district": w.district.slug,
            "quarters": " ".join(sorted(q.slug for q in w.quarters.all())),
            "format": w.format.name,
            "topic": w.topic,
            "participation_level": w.participation_level,
            "run_by": w.run_by,
            "status": w.status,
            "starts_at": _iso(w.starts_at),
            "ends_at": _iso(w.ends_at),
            "venue_name": w.venue_name,
            "venue_address": w.venue_address,
            "venue_step_free": w.venue_step_free,
            "capacity": w.capacity,
            "url": _url(w.get_absolute_url()),
        }
        for w in workshops
    ]


def recommendation_rows() -> list[dict]:
    recommendations = (
        Recommendation.objects.public()
        .select_related("field")
        .prefetch_related("districts", "workshops")
        .order_by("slug")
    )
    return [
        {
            "slug": r.slug,
            "title": r.title,
            "field_of_action": r.field.name,
            "addressee": r.addressee,
            "responsible_unit": r.responsible_unit,
            "city_wide": r.city_wide,
            "districts": " ".join(sorted(d.slug for d in r.districts.all())),
            "status": r.status,
            "status_changed_at": _iso(r.status_changed_at),
            "progress": r.progress,
            "due_date": _iso(r.due_date),
            "workshops": " ".join(sorted(w.slug for w in r.workshops.all())),
            "url": _url(r.get_absolute_url()),
        }
        for r in recommendations
    ]


def commitment_rows() -> list[dict]:
    commitments = (
        Commitment.objects.public()
        .exclude(workshop__status=Workshop.Status.DRAFT)
        .select_related("workshop", "workshop__district")
        .order_by("workshop__starts_at", "workshop_id", "order", "pk")
    )
    return [
        {
            "workshop": c.workshop.slug,
            "district": c.workshop.district.slug,
            "what": c.what,
            "who": c.who,
            "due_date": _iso(c.due_date),
            "status": c.status,
            "status_changed_at": _iso(c.status_changed_at),
        }
        for c in commitments
    ]


def figure_rows() -> list[dict]:
    """Per district and city-wide: workshops held, seats confirmed, people checked in, public recommendations."""
    held = (Workshop.Status.HELD, Workshop.Status.DOCUMENTED)
    districts = District.objects.order_by("number").annotate(
        workshops_held=Count("workshops", filter=Q(workshops__status__in=held), distinct=True),
    )
    seats = dict(
        Registration.objects.filter(workshop__status__in=held, status=Registration.Status.CONFIRMED)
        .values_list("workshop__district")
        .annotate(n=Sum("seats"))
        .values_list("workshop__district", "n")
    )
    attended = dict(
        Registration.objects.filter(workshop__status__in=held, checked_in_at__isnull=False)
        .values_list("workshop__district")
        .annotate(n=Sum(arrived_people()))
        .values_list("workshop__district", "n")
    )
    public = Recommendation.objects.public()
    city_wide = public.filter(city_wide=True).count()
    per_district = dict(
        public.filter(city_wide=False)
        .values_list("districts")
        .annotate(n=Count("pk", distinct=True))
        .values_list("districts", "n")
    )
    rows = [
        {
            "district": d.slug,
            "workshops_held": d.workshops_held,
            "seats_confirmed": _suppress(seats.get(d.pk)),
            "attendance": _suppress(attended.get(d.pk)),
            "recommendations": per_district.get(d.pk, 0) + city_wide,
        }
        for d in districts
    ]
    rows.append(
        {
            "district": "",
            "workshops_held": sum(r["workshops_held"] for r in rows),
            "seats_confirmed": _suppress(sum(seats.values()) if seats else 0),
            "attendance": _suppress(sum(attended.values()) if attended else 0),
            "recommendations": public.count(),
        }
    )
    return rows


DATASETS: dict[str, Dataset] = {
    d.slug: d
    for d in (
        Dataset(
            slug="werkstaetten",
            title=_("Bezirkswerkstätten"),
            description=_("Alle veröffentlichten Bezirkswerkstätten mit Ort, Zeit, Format und Status."),
            fields=(
                FieldDoc("slug", "string", _("Kennung der Werkstatt (Teil der Adresse)")),
                FieldDoc("title", "string", _("Titel")),
                FieldDoc("district", "string", _("Kennung des Stadtbezirks")),
                FieldDoc("quarters", "string", _("Kennungen der Stadtteile, durch Leerzeichen getrennt")),
                FieldDoc("format", "string", _("Format der Werkstatt")),
                FieldDoc("topic", "string", _("Thema")),
                FieldDoc(
                    "participation_level",
                    "string",
                    _("Beteiligungsstufe: information, konsultation, kooperation, mitentscheidung"),
                ),
                FieldDoc("run_by", "string", _("Durchführung: prototype (Prozessteam) oder eigenregie")),
                FieldDoc("status", "string", _("published, held, documented oder cancelled")),
                FieldDoc("starts_at", "datetime", _("Beginn (ISO 8601, Europe/Berlin)")),
                FieldDoc("ends_at", "datetime", _("Ende (ISO 8601, Europe/Berlin)")),
                FieldDoc("venue_name", "string", _("Ort")),
                FieldDoc("venue_address", "string", _("Adresse")),
                FieldDoc("venue_step_free", "boolean", _("stufenloser Zugang")),
                FieldDoc("capacity", "integer", _("Plätze")),
                FieldDoc("url", "string", _("Seite der Werkstatt")),
            ),
            rows=workshop_rows,
        ),
        Dataset(
            slug="empfehlungen",
            title=_("Handlungsempfehlungen"),
            description=_("Öffentliche Handlungsempfehlungen mit Status, Fortschritt und Herkunft."),
            fields=(
                FieldDoc("slug", "string", _("Kennung der Empfehlung")),
                FieldDoc("title", "string", _("Titel")),
                FieldDoc("field_of_action", "string", _("Handlungsfeld")),
                FieldDoc("addressee", "string", _("Adressat*in: administration, bezirksrat, rat, fachteam")),
                FieldDoc("responsible_unit", "string", _("zuständige Stelle")),
                FieldDoc("city_wide", "boolean", _("stadtweit")),
                FieldDoc("districts", "string", _("Kennungen der Stadtbezirke, durch Leerzeichen getrennt")),
                FieldDoc(
                    "status",
                    "string",
                    _("consultation, adopted, in_progress, implemented oder rejected"),
                ),
                FieldDoc("status_changed_at", "datetime", _("Status seit")),
                FieldDoc("progress", "integer", _("Fortschritt in Prozent")),
                FieldDoc("due_date", "date", _("Frist")),
                FieldDoc("workshops", "string", _("Kennungen der Werkstätten, aus denen sie stammt")),
                FieldDoc("url", "string", _("Seite der Empfehlung")),
            ),
            rows=recommendation_rows,
        ),
        Dataset(
            slug="vereinbarungen",
            title=_("Vereinbarungen aus Werkstätten"),
            description=_("Öffentliche Vereinbarungen (wer macht was bis wann) mit ihrem Stand."),
            fields=(
                FieldDoc("workshop", "string", _("Kennung der Werkstatt")),
                FieldDoc("district", "string", _("Kennung des Stadtbezirks")),
                FieldDoc("what", "string", _("Was wurde vereinbart")),
                FieldDoc("who", "string", _("Wer (Stelle oder Funktion)")),
                FieldDoc("due_date", "date", _("Bis wann")),
                FieldDoc("status", "string", _("open, in_progress, done oder dropped")),
                FieldDoc("status_changed_at", "datetime", _("Stand geändert am")),
            ),
            rows=commitment_rows,
        ),
        Dataset(
            slug="kennzahlen",
            title=_("Kennzahlen je Stadtbezirk"),
            description=_(
                "Durchgeführte Werkstätten, bestätigte Plätze, Teilnahmen und Empfehlungen je Stadtbezirk; "
                "die letzte Zeile (ohne Stadtbezirk) gilt für die ganze Stadt. Zahlen unter der "
                "Mindestzahl werden nicht veröffentlicht (leer)."
            ),
            fields=(
                FieldDoc("district", "string", _("Kennung des Stadtbezirks; leer: ganze Stadt")),
                FieldDoc("workshops_held", "integer", _("durchgeführte Werkstätten")),
                FieldDoc("seats_confirmed", "integer", _("bestätigte Plätze in durchgeführten Werkstätten")),
                FieldDoc("attendance", "integer", _("eingecheckte Teilnehmende")),
                FieldDoc("recommendations", "integer", _("öffentliche Empfehlungen (einschließlich stadtweiter)")),
            ),
            rows=figure_rows,
        ),
    )
}


# --- DCAT-AP.de -------------------------------------------------------------------------------------------------


_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def catalog_jsonld() -> dict:
    """A dcat:Catalog with one dcat:Dataset per download and one dcat:Distribution per format."""
    publisher = {
        "@type": "foaf:Organization",
        "foaf:name": ATTRIBUTION,
        "foaf:homepage": {"@id": settings.SITE_URL + "/"},
    }
    contact = {
        "@type": "vcard:Organization",
        "vcard:fn": ATTRIBUTION,
        "vcard:hasEmail": {"@id": f"mailto:{settings.FACHTEAM_EMAIL}"},
    }
    modified = timezone.localdate().isoformat()
    page = _url(reverse("notifications:open_data"))
    datasets = []
    for dataset in DATASETS.values():
        distributions = []
        for fmt, (file_type, media_type) in FILE_TYPES.items():
            url = _url(reverse("notifications:open_data_download", kwargs={"dataset": dataset.slug, "fmt": fmt}))
            distributions.append(
                {
                    "@id": url,
                    "@type": "dcat:Distribution",
                    "dct:title": f"{dataset.title} ({fmt.upper()})",
                    "dcat:accessURL": {"@id": url},
                    "dcat:downloadURL": {"@id": url},
                    "dct:format": {"@id": file_type},
                    "dcat:mediaType": {"@id": f"https://www.iana.org/assignments/media-types/{media_type}"},
                    "dct:license": {"@id": LICENSE_URI},
                    "dcatde:licenseAttributionByText": ATTRIBUTION,
                    "dct:modified": {"@value": modified, "@type": "xsd:date"},
                }
            )
        datasets.append(
            {
                "@id": f"{page}#{dataset.slug}",
                "@type": "dcat:Dataset",
                "dct:identifier": f"{page}#{dataset.slug}",
                "dct:title": str(dataset.title),
                "dct:description": str(dataset.description),
                "dct:publisher": publisher,
                "dcat:contactPoint": contact,
                "dcat:theme": {"@id": THEME},
                "dcat:keyword": ["Beteiligung", "Bezirkswerkstätten", "Hannover"],
                "dct:language": {"@id": "http://publications.europa.eu/resource/authority/language/DEU"},
                "dct:accessRights": {"@id": "http://publications.europa.eu/resource/authority/access-right/PUBLIC"},
                "dct:license": {"@id": LICENSE_URI},
                "dcatde:politicalGeocodingURI": {"@id": GEOCODING_URI},
                "dcatde:politicalGeocodingLevelURI": {"@id": GEOCODING_LEVEL},
                "dcat:landingPage": {"@id": page},
                "dct:modified": {"@value": modified, "@type": "xsd:date"},
                "dcat:distribution": distributions,
            }
        )
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "dcatde": "http://dcat-ap.de/def/dcatde/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "vcard": "http://www.w3.org/2006/vcard/ns#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": page,
        "@type": "dcat:Catalog",
        "dct:title": str(_("Offene Daten der Bezirkswerkstätten Hannover")),
        "dct:description": str(
            _("Werkstätten, Handlungsempfehlungen, Vereinbarungen und Kennzahlen der Bürgerbeteiligung.")
        ),
        "dct:publisher": publisher,
        "dct:language": {"@id": "http://publications.europa.eu/resource/authority/language/DEU"},
        "dct:license": {"@id": LICENSE_URI},
        "foaf:homepage": {"@id": page},
        "dcat:dataset": datasets,
    }


# --- views ------------------------------------------------------------------------------------------------------


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "notifications/open_data.html",
        {
            "datasets": list(DATASETS.values()),
            "license_uri": LICENSE_URI,
            "license_name": LICENSE_NAME,
            "attribution": ATTRIBUTION,
            "min_count": _min_count(),
            # inside <script>: <, > and & escaped as in Django's json_script, so no value can close the element
            "catalog_json": json.dumps(catalog_jsonld(), ensure_ascii=False).translate(_SCRIPT_ESCAPES),
        },
    )


@require_GET
def catalog(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(catalog_jsonld(), json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Type"] = "application/ld+json; charset=utf-8"
    return response


@require_GET
def download(request: HttpRequest, dataset: str, fmt: str) -> HttpResponse:
    found = DATASETS.get(dataset)
    if found is None or fmt not in FILE_TYPES:
        raise Http404
    rows = found.rows()
    filename = f"{found.slug}.{fmt}"
    if fmt == "json":
        body = {
            "dataset": found.slug,
            "title": str(found.title),
            "license": LICENSE_URI,
            "attribution": ATTRIBUTION,
            "generated_at": _iso(timezone.now()),
            "fields": [{"name": f.name, "type": f.type, "description": str(f.description)} for f in found.fields],
            "rows": rows,
        }
        response: HttpResponse = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=[f.name for f in found.fields], lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if v is None else _csv_value(v)) for k, v in row.items()})
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _csv_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    # Spreadsheet formula injection: a cell must not start with =, +, - or @.
    if text[:1] in ("=", "+", "-", "@"):
        return "'" + text
    return text
