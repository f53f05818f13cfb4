"""Idempotent demo data for every app. Refuses to run with production settings.

Lives in the highest app (notifications), so it may call every app's demo module."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_mfa_instructions, seed_accounts
from notifications import demo as notifications_demo
from planning import demo as planning_demo
from recommendations import demo as recommendations_demo
from reflections import demo as reflections_demo
from workshops import demo as workshops_demo


class Command(BaseCommand):
    help = "Create or refresh demo data (accounts per role, workshops, reflections, recommendations, subscriptions)."

    def handle(self, *args, **options):
        if (getattr(settings, "SETTINGS_MODULE", None) or "").endswith(".prod"):
            raise CommandError("seed_demo never runs with production settings.")
        with transaction.atomic():
            users = seed_accounts()
            # In import order: notifications (the highest app) derives its events from the others' data.
            for module in (workshops_demo, reflections_demo, planning_demo, recommendations_demo, notifications_demo):
                module.seed(users=users, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Demo accounts (password for all: {DEMO_PASSWORD}):"))
        for account in DEMO_ACCOUNTS:
            role = account.role.value if account.role else ("Superuser" if account.is_superuser else "Bürger*in")
            self.stdout.write(f"  {account.email:<28} {role}")
        for line in demo_mfa_instructions():
            self.stdout.write(line)
