"""manage.py import_oparl SOURCE [SOURCE …] — upsert OParl 1.1 bodies, meetings, agenda items and papers from
files or http(s) URLs and link papers to recommendations by their Drucksache number (ADR 0012)."""

from django.core.management.base import BaseCommand, CommandError

from recommendations.oparl import OParlError, load_source, oparl_import


class Command(BaseCommand):
    help = "Import OParl 1.1 JSON (a file or an http(s) URL) and link papers to recommendations by reference."

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="+", help="path of a JSON file or an http(s) URL")

    def handle(self, *args, **options):
        documents = []
        for source in options["sources"]:
            try:
                documents.extend(load_source(source))
            except OParlError as exc:
                raise CommandError(exc.message) from exc
        report = oparl_import(documents=documents)
        for line in report.lines():
            self.stdout.write(line)
        if report.skipped:
            self.stderr.write(self.style.WARNING(f"{len(report.skipped)} object(s) skipped, see above."))
