"""Import of council documents from an OParl 1.1 interface or file (ADR 0012).

OParl (https://oparl.org, spec 1.1) is the German standard interface of council information systems. We
read the four object types the follow-through needs — Body, Meeting (with its embedded AgendaItems),
AgendaItem and Paper — and upsert them by their OParl id (a URL). Papers are linked to recommendations by
their reference (Drucksachennummer): a recommendation whose `council_reference` equals a paper's
`reference` gets the paper, and a recorded decision with that reference gets its link.

Robustness: unknown fields and unknown object types are ignored; an object without an id, with a wrong
type of a field we read, or with an unreadable date is skipped and named in the report. Each top-level
object is imported in its own transaction (a meeting together with its embedded agenda items), so an
object is either imported completely or not at all, and one broken object does not stop the others."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.dateparse import parse_date, parse_datetime

from core.exceptions import ApplicationError

from .models import AgendaItem, Body, Decision, Meeting, Paper, Recommendation

TYPE_PREFIX = "https://schema.oparl.org/1."
MAX_BYTES = 20 * 1024 * 1024
MAX_PAGES = 100


class OParlError(ApplicationError):
    default_code = "oparl"


class Skip(Exception):
    """An object that cannot be imported; the message goes to the report."""


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    ignored: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    linked: list[tuple[str, str]] = field(default_factory=list)  # (reference, recommendation slug)

    def count(self, kind: str, created: bool) -> None:
        bucket = self.created if created else self.updated
        bucket[kind] = bucket.get(kind, 0) + 1

    def lines(self) -> list[str]:
        out = [f"created {k}: {v}" for k, v in sorted(self.created.items())]
        out += [f"updated {k}: {v}" for k, v in sorted(self.updated.items())]
        out += [f"ignored (other types): {self.ignored}"]
        out += [f"skipped {where}: {why}" for where, why in self.skipped]
        out += [f"linked Drucksache {ref} → {slug}" for ref, slug in self.linked]
        return out


# --- reading ----------------------------------------------------------------------------------------------


def load_source(source: str) -> list[Any]:
    """The JSON documents of a file path or an http(s) URL (following `links.next` of OParl lists)."""
    if source.startswith(("http://", "https://")):
        return list(_fetch_pages(source))
    if "://" in source:
        raise OParlError("Only http(s) URLs and local files can be read.")
    path = Path(source)
    try:
        return [json.loads(path.read_text(encoding="utf-8"))]
    except (OSError, UnicodeDecodeError) as exc:
        raise OParlError(f"Cannot read {source}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise OParlError(f"{source} is not JSON: {exc}") from exc


def _fetch(url: str) -> Any:
    if not url.startswith(("http://", "https://")):
        raise OParlError("Only http(s) URLs can be fetched.")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 (scheme checked)
    try:
        with urllib.request.urlopen(request, timeout=settings.OPARL_FETCH_TIMEOUT) as response:  # noqa: S310  # nosec B310
            raw = response.read(MAX_BYTES + 1)
    except OSError as exc:
        raise OParlError(f"Cannot fetch {url}: {exc}") from exc
    if len(raw) > MAX_BYTES:
        raise OParlError(f"{url} is larger than {MAX_BYTES} bytes.")
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise OParlError(f"{url} is not JSON: {exc}") from exc


def _fetch_pages(url: str) -> Iterator[Any]:
    seen: set[str] = set()
    next_url: str | None = url
    while next_url and next_url not in seen and len(seen) < MAX_PAGES:
        seen.add(next_url)
        document = _fetch(next_url)
        yield document
        links = document.get("links") if isinstance(document, dict) else None
        candidate = links.get("next") if isinstance(links, dict) else None
        next_url = candidate if isinstance(candidate, str) and candidate.startswith(("http://", "https://")) else None


def iter_objects(documents: Iterable[Any]) -> Iterator[Any]:
    """The objects of documents that are one object, an OParl list ({"data": [...]}) or a JSON array."""
    for document in documents:
        if isinstance(document, list):
            yield from document
        elif isinstance(document, dict) and "data" in document and "type" not in document:
            data = document["data"]
            if isinstance(data, list):
                yield from data
            else:
                yield data
        else:
            yield document


# --- field readers (raise Skip on a wrong type) ---------------------------------------------------------


def _str(obj: dict, key: str, *, required: bool = False, limit: int = 500) -> str:
    value = obj.get(key)
    if value is None:
        if required:
            raise Skip(f"missing {key}")
        return ""
    if not isinstance(value, str):
        raise Skip(f"{key} is not a string")
    return value.strip()[:limit]


def _url(obj: dict, key: str, *, required: bool = False) -> str:
    value = _str(obj, key, required=required)
    if value and not value.startswith(("http://", "https://")):
        raise Skip(f"{key} is not an http(s) URL")
    return value


def _date(obj: dict, key: str) -> date | None:
    value = _str(obj, key)
    if not value:
        return None
    parsed = parse_date(value[:10]) if len(value) >= 10 else None
    if parsed is None:
        raise Skip(f"{key} is not a date")
    return parsed


def _datetime(obj: dict, key: str) -> datetime | None:
    value = _str(obj, key)
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise Skip(f"{key} is not a date-time")
    return parsed


def _bool(obj: dict, key: str, default: bool) -> bool:
    value = obj.get(key, default)
    if not isinstance(value, bool):
        raise Skip(f"{key} is not a boolean")
    return value


def _list(obj: dict, key: str) -> list:
    value = obj.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise Skip(f"{key} is not a list")
    return value


def _ref(value: Any, key: str) -> str:
    """An object reference: a URL string, or an embedded object with an id."""
    if isinstance(value, dict):
        value = value.get("id")
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        raise Skip(f"{key} is not an object reference")
    return value


def _kind(obj: dict) -> str:
    type_url = _str(obj, "type", required=True)
    if not type_url.startswith(TYPE_PREFIX):
        raise Skip(f"type {type_url!r} is not an OParl type")
    return type_url.rsplit("/", 1)[-1]


def _common(obj: dict) -> dict:
    return {"name": _str(obj, "name"), "web": _url(obj, "web"), "modified": _datetime(obj, "modified")}


# --- upserts ------------------------------------------------------------------------------------------------


def _upsert(model, oparl_id: str, values: dict, report: ImportReport) -> Any:
    instance, created = model.objects.update_or_create(oparl_id=oparl_id, defaults=values)
    report.count(model.__name__, created)
    return instance


def _import_body(obj: dict, oparl_id: str, report: ImportReport) -> None:
    values = _common(obj)
    values["name"] = _str(obj, "name", required=True)
    values["short_name"] = _str(obj, "shortName", limit=200)
    values["website"] = _url(obj, "website")
    _upsert(Body, oparl_id, values, report)


def _agenda_item_values(obj: dict) -> dict:
    values = _common(obj)
    values["number"] = _str(obj, "number", limit=50)
    values["public"] = _bool(obj, "public", True)
    values["result"] = _str(obj, "result", limit=300)
    values["resolution_text"] = _str(obj, "resolutionText", limit=20000)
    return values


def _import_meeting(obj: dict, oparl_id: str, report: ImportReport) -> None:
    values = _common(obj)
    values["start"] = _datetime(obj, "start")
    values["end"] = _datetime(obj, "end")
    values["cancelled"] = _bool(obj, "cancelled", False)
    items = []
    for index, item in enumerate(_list(obj, "agendaItem")):
        if isinstance(item, str):
            continue  # a reference only: the item comes (or came) as its own object
        if not isinstance(item, dict):
            raise Skip(f"agendaItem[{index}] is not an object")
        item_id = _url(item, "id", required=True)
        items.append((item_id, _agenda_item_values(item)))
    meeting = _upsert(Meeting, oparl_id, values, report)
    for item_id, item_values in items:
        _upsert(AgendaItem, item_id, {**item_values, "meeting": meeting}, report)


def _import_agenda_item(obj: dict, oparl_id: str, report: ImportReport) -> None:
    values = _agenda_item_values(obj)
    meeting_id = _url(obj, "meeting")
    if meeting_id:
        values["meeting"] = Meeting.objects.filter(oparl_id=meeting_id).first()
    _upsert(AgendaItem, oparl_id, values, report)


def _import_paper(obj: dict, oparl_id: str, report: ImportReport) -> None:
    values = _common(obj)
    values["reference"] = _str(obj, "reference", limit=60)
    values["date"] = _date(obj, "date")
    values["paper_type"] = _str(obj, "paperType", limit=200)
    body_id = _url(obj, "body")
    values["body"] = Body.objects.filter(oparl_id=body_id).first() if body_id else None
    main_file = obj.get("mainFile")
    if main_file is not None:
        if not isinstance(main_file, dict):
            raise Skip("mainFile is not an object")
        values["main_file_url"] = _url(main_file, "accessUrl")
    agenda_item_ids = []
    for index, consultation in enumerate(_list(obj, "consultation")):
        if isinstance(consultation, str):
            continue
        if not isinstance(consultation, dict):
            raise Skip(f"consultation[{index}] is not an object")
        if consultation.get("agendaItem") is not None:
            agenda_item_ids.append(_ref(consultation["agendaItem"], f"consultation[{index}].agendaItem"))
    paper = _upsert(Paper, oparl_id, values, report)
    if agenda_item_ids:
        AgendaItem.objects.filter(oparl_id__in=agenda_item_ids).update(paper=paper)
    if paper.reference:
        _link_paper(paper, report)


def _link_paper(paper: Paper, report: ImportReport) -> None:
    """Link the paper to the recommendations that name its reference, and to their decisions."""
    for recommendation in Recommendation.objects.filter(council_reference=paper.reference).exclude(council_paper=paper):
        recommendation.council_paper = paper
        recommendation.save(update_fields=["council_paper", "updated_at"])
        report.linked.append((paper.reference, recommendation.slug))
    for decision in Decision.objects.filter(reference=paper.reference, paper__isnull=True):
        decision.paper = paper
        if not decision.url:
            decision.url = paper.link
        decision.save(update_fields=["paper", "url", "updated_at"])


IMPORTERS = {
    "Body": _import_body,
    "Meeting": _import_meeting,
    "AgendaItem": _import_agenda_item,
    "Paper": _import_paper,
}


def oparl_import(*, documents: Iterable[Any]) -> ImportReport:
    """Upsert the Body, Meeting, AgendaItem and Paper objects of OParl documents, one transaction per object.

    Bodies first, then meetings, agenda items and papers, so that references within one file resolve."""
    report = ImportReport()
    pending: list[tuple[int, str, str, dict]] = []
    for index, obj in enumerate(iter_objects(documents)):
        where = f"#{index}"
        try:
            if not isinstance(obj, dict):
                raise Skip("not an object")
            oparl_id = _url(obj, "id", required=True)
            where = oparl_id
            kind = _kind(obj)
        except Skip as exc:
            report.skipped.append((where, str(exc)))
            continue
        if kind not in IMPORTERS:
            report.ignored += 1
            continue
        pending.append((index, kind, oparl_id, obj))
    order = list(IMPORTERS)
    for _index, kind, oparl_id, obj in sorted(pending, key=lambda row: (order.index(row[1]), row[0])):
        try:
            with transaction.atomic():
                IMPORTERS[kind](obj, oparl_id, report)
        except Skip as exc:
            report.skipped.append((oparl_id, str(exc)))
    return report
