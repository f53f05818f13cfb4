"""Bulk data for performance work: `manage.py seed_scale --workshops N --registrations M`."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from workshops.demo import seed_scale


class Command(BaseCommand):
    help = "Create N published workshops (slugs scale-00001 …) with M confirmed registrations in total."

    def add_arguments(self, parser):
        parser.add_argument("--workshops", type=int, default=100)
        parser.add_argument("--registrations", type=int, default=2000)

    def handle(self, *args, workshops: int, registrations: int, **options):
        # SETTINGS_MODULE is None while settings are overridden (tests); the environment variable is not.
        module = settings.SETTINGS_MODULE or os.environ.get("DJANGO_SETTINGS_MODULE", "")
        if module.endswith(".prod"):
            raise CommandError("seed_scale never runs with production settings.")
        if workshops < 1 or registrations < 0:
            raise CommandError("--workshops must be at least 1 and --registrations not negative.")
        with transaction.atomic():
            seed_scale(workshops=workshops, registrations=registrations, stdout=self.stdout)
