"""Render a report synchronously (cron, operators): the same code path as the background job."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.exceptions import ApplicationError
from recommendations import reports
from recommendations.models import ReportJob


class Command(BaseCommand):
    help = "Render a PDF report: workshop, district, recommendations or annual."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ReportJob.Kind.values)
        parser.add_argument("--workshop", help="slug of the workshop (kind workshop)")
        parser.add_argument("--district", help="slug of the district (kind district)")
        parser.add_argument("--year", type=int, help="year (kinds district and annual; default: this year)")
        parser.add_argument("--start", help="start of the period, YYYY-MM-DD (kind district, instead of --year)")
        parser.add_argument("--end", help="end of the period, YYYY-MM-DD (kind district, instead of --year)")
        parser.add_argument("--output", "-o", required=True, help="file to write the PDF to")

    def handle(self, *args, kind, workshop, district, year, start, end, output, **options):
        parameters = {
            "workshop": workshop,
            "district": district,
            "year": year,
            "start": start,
            "end": end,
        }
        parameters = {key: value for key, value in parameters.items() if value}
        try:
            result = reports.report_render(kind=kind, parameters=parameters)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(result.pdf)
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.title}: {path} ({len(result.pdf) // 1024} KiB, data {result.timings['data']:.2f} s, "
                f"layout {result.timings['layout']:.2f} s)"
            )
        )
