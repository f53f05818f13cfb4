"""Mail a staff member the single-use link to set up the second factor (out-of-band enrolment)."""

from django.core.management.base import BaseCommand, CommandError

from accounts import services
from accounts.models import User


class Command(BaseCommand):
    help = "Send an invitation to set up the second factor to the given account addresses."

    def add_arguments(self, parser) -> None:
        parser.add_argument("emails", nargs="+")

    def handle(self, *args, **options) -> None:
        for email in options["emails"]:
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                raise CommandError(f"No account with the address {email}.")
            services.mfa_invitation_send(user=user)
            self.stdout.write(f"Invitation sent to {user.email}.")
