"""Bulk data of city size for performance work, across the apps:

    manage.py seed_scale --workshops 500 --registrations 20000 --reflections 1000 --recommendations 150

Calls workshops.demo.seed_scale and reflections.demo.seed_scale, then bulk-creates
recommendations linked to the held workshops and their insights. Idempotent (by slug)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from recommendations import demo as recommendations_demo
from reflections import demo as reflections_demo
from workshops import demo as workshops_demo


class Command(BaseCommand):
    help = "Bulk data: workshops, registrations, reflections and recommendations (city size: see --help)."

    def add_arguments(self, parser):
        parser.add_argument("--workshops", type=int, default=500, help="upcoming workshops (default 500)")
        parser.add_argument("--registrations", type=int, default=20000, help="registrations on them (default 20000)")
        parser.add_argument(
            "--reflections", type=int, default=0, help="held workshops with a submitted reflection each (default 0)"
        )
        parser.add_argument("--recommendations", type=int, default=0, help="recommendations (default 0)")

    def handle(self, *args, workshops, registrations, reflections, recommendations, **options):
        if (getattr(settings, "SETTINGS_MODULE", None) or "").endswith(".prod"):
            raise CommandError("seed_scale never runs with production settings.")
        if min(workshops, registrations, reflections, recommendations) < 0:
            raise CommandError("Counts must not be negative.")
        steps = []
        if workshops:
            steps.append(
                lambda: workshops_demo.seed_scale(workshops=workshops, registrations=registrations, stdout=self.stdout)
            )
        if reflections:
            steps.append(lambda: reflections_demo.seed_scale(reflections=reflections, stdout=self.stdout))
        if recommendations:
            steps.append(lambda: recommendations_demo.seed_scale(recommendations=recommendations, stdout=self.stdout))
        for step in steps:
            started = time.monotonic()
            with transaction.atomic():
                step()
            self.stdout.write(f"  ({time.monotonic() - started:.1f} s)")
