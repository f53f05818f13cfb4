"""Bulk data of city size for performance work, across the apps:

    manage.py seed_scale --workshops 500 --registrations 20000 --reflections 1000 --recommendations 150
    manage.py seed_scale --factor 10   # ten times city size: 5,000 / 200,000 / 10,000 / 1,500

Calls workshops.demo.seed_scale and reflections.demo.seed_scale, then bulk-creates
recommendations linked to the held workshops and their insights. Idempotent (by slug): a second run adds
only what is missing, so `--factor 1` then `--factor 10` grows city data to ten times city size."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from planning import demo as planning_demo
from recommendations import demo as recommendations_demo
from reflections import demo as reflections_demo
from workshops import demo as workshops_demo

# City size (Hannover, one year of the programme): the unit of --factor.
CITY = {"workshops": 500, "registrations": 20000, "reflections": 1000, "recommendations": 150}


class Command(BaseCommand):
    help = "Bulk data: workshops, registrations, reflections and recommendations (city size: see --help)."

    def add_arguments(self, parser):
        parser.add_argument("--workshops", type=int, default=500, help="upcoming workshops (default 500)")
        parser.add_argument("--registrations", type=int, default=20000, help="registrations on them (default 20000)")
        parser.add_argument(
            "--reflections", type=int, default=0, help="held workshops with a submitted reflection each (default 0)"
        )
        parser.add_argument("--recommendations", type=int, default=0, help="recommendations (default 0)")
        parser.add_argument(
            "--concepts", type=int, default=0, help="concepts; every bulk workshop becomes a run of one (default 0)"
        )
        parser.add_argument(
            "--factor",
            type=int,
            default=None,
            help="multiples of city size for all four counts (overrides them): "
            + ", ".join(f"{k} {v}" for k, v in CITY.items()),
        )

    def handle(self, *args, workshops, registrations, reflections, recommendations, concepts=0, factor=None, **options):
        if (getattr(settings, "SETTINGS_MODULE", None) or "").endswith(".prod"):
            raise CommandError("seed_scale never runs with production settings.")
        if factor is not None:
            if factor < 1:
                raise CommandError("--factor must be at least 1.")
            workshops, registrations, reflections, recommendations = (factor * value for value in CITY.values())
        total = time.monotonic()
        if min(workshops, registrations, reflections, recommendations, concepts) < 0:
            raise CommandError("Counts must not be negative.")
        steps = []
        if workshops:
            steps.append(
                lambda: workshops_demo.seed_scale(workshops=workshops, registrations=registrations, stdout=self.stdout)
            )
        if reflections:
            steps.append(lambda: reflections_demo.seed_scale(reflections=reflections, stdout=self.stdout))
        if concepts:
            steps.append(lambda: planning_demo.seed_scale(concepts=concepts, stdout=self.stdout))
        if recommendations:
            steps.append(lambda: recommendations_demo.seed_scale(recommendations=recommendations, stdout=self.stdout))
        for step in steps:
            started = time.monotonic()
            with transaction.atomic():
                step()
            self.stdout.write(f"  ({time.monotonic() - started:.1f} s)")
        if connection.vendor == "postgresql":
            # Fresh statistics, as autovacuum would gather them soon after: a benchmark right after the bulk
            # inserts would otherwise measure plans made for empty tables.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(f"seed_scale done in {time.monotonic() - total:.1f} s")
