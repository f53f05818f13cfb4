"""Bulk reflection data for performance work: `manage.py seed_scale_reflections --reflections N`."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reflections.demo import seed_scale


class Command(BaseCommand):
    help = "Create N held workshops over two years, each with a submitted reflection, check-ins and survey answers."

    def add_arguments(self, parser):
        parser.add_argument("--reflections", type=int, default=500)

    def handle(self, *args, reflections: int, **options):
        if settings.SETTINGS_MODULE.endswith(".prod"):
            raise CommandError("seed_scale never runs with production settings.")
        if reflections < 1:
            raise CommandError("--reflections must be at least 1.")
        seed_scale(reflections=reflections, stdout=self.stdout)
