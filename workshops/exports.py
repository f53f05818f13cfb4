"""Attendee lists of one workshop for its team: CSV, XLSX and a printable sign-in sheet (PDF).

No support needs in any of them (those are shown as counts only, to whoever may see them)."""

import csv
import io
from dataclasses import dataclass

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.pdf import render_pdf

from .models import Registration, Workshop

# Status order of the attendee list: who comes first.
STATUS_ORDER = [
    Registration.Status.CONFIRMED,
    Registration.Status.OFFERED,
    Registration.Status.PENDING,
    Registration.Status.WAITLISTED,
]
# Empty rows at the end of the sign-in sheet for people who come without registration.
SIGNIN_BLANK_ROWS = 8


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int  # XLSX column width in characters


def columns() -> list[Column]:
    return [
        Column("name", _("Name"), 28),
        Column("email", _("E-Mail-Adresse"), 32),
        Column("seats", _("Personen"), 10),
        Column("status", _("Status"), 22),
        Column("quarter", _("Stadtteil"), 18),
        Column("check_in_code", _("Einlass-Code"), 12),
        Column("checked_in_at", _("eingecheckt"), 18),
        Column("created_at", _("angemeldet am"), 18),
    ]


def attendee_queryset(workshop: Workshop) -> QuerySet:
    """Active registrations: confirmed first, then offered, pending and waitlisted; by name within each."""
    order = Case(
        *[When(status=status, then=Value(index)) for index, status in enumerate(STATUS_ORDER)],
        default=Value(len(STATUS_ORDER)),
        output_field=IntegerField(),
    )
    return (
        workshop.registrations.active()
        .select_related("quarter")
        .annotate(status_order=order)
        .order_by("status_order", "name", "pk")
    )


def _local(value) -> str:
    return formats.date_format(timezone.localtime(value), "d.m.Y H:i") if value else ""


def attendee_rows(workshop: Workshop) -> list[list]:
    rows = []
    for registration in attendee_queryset(workshop):
        rows.append(
            [
                registration.name,
                registration.email,
                registration.seats,
                registration.get_status_display(),
                registration.quarter.name if registration.quarter else "",
                registration.check_in_code,
                _local(registration.checked_in_at),
                _local(registration.created_at),
            ]
        )
    return rows


def _spreadsheet_safe(value):
    """Neutralise formula injection: a cell a person typed must never start a formula in Excel or Calc."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


spreadsheet_safe = _spreadsheet_safe


def attendees_csv(workshop: Workshop) -> bytes:
    """Semicolon-separated UTF-8 with BOM: opens with umlauts in a German Excel by double-click."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([column.title for column in columns()])
    for row in attendee_rows(workshop):
        writer.writerow([_spreadsheet_safe(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def attendees_xlsx(workshop: Workshop) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Teilnehmende")[:31]
    cols = columns()
    sheet.append([column.title for column in cols])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in attendee_rows(workshop):
        sheet.append([_spreadsheet_safe(value) for value in row])
    for index, column in enumerate(cols, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    workbook.properties.title = f"{_('Teilnehmende')}: {workshop.title}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def signin_sheet_pdf(workshop: Workshop) -> bytes:
    """A printable sign-in list: confirmed registrations by name, seats, a signature column, blank rows."""
    registrations = list(workshop.registrations.filter(status=Registration.Status.CONFIRMED).order_by("name", "pk"))
    lead = workshop.team.select_related("user").filter(role="lead").first()
    return render_pdf(
        template="workshops/workshop_signin_sheet.html",
        context={
            "workshop": workshop,
            "registrations": registrations,
            "seats_total": sum(r.seats for r in registrations),
            "blank_rows": range(SIGNIN_BLANK_ROWS),
            "first_blank_number": len(registrations) + 1,
            "lead": lead,
            "printed_at": timezone.now(),
        },
    )


def export_filename(workshop: Workshop, suffix: str) -> str:
    date = timezone.localtime(workshop.starts_at).strftime("%Y-%m-%d")
    return f"{date}-{workshop.slug}-{suffix}"
