"""Checks run by the outbox right before it sends a workshop mail (core.registry.register_outbox_check).

A reminder is written to the outbox for one start time (its dedupe key ends in the start-time checksum). If the
workshop is moved, cancelled, or the registration is no longer confirmed while the reminder waits (the worker
or the broker was down), the reminder would now tell something false: it is discarded instead. A moved workshop
gets a fresh reminder for its new time from the next reminders run."""

from django.utils.translation import gettext as _

REMINDER_PREFIX = "workshops:reminder:"


def reminder_check(*, dedupe_key: str) -> str:
    """'' when the reminder `workshops:reminder:<registration>:<start checksum>` is still true, else why not."""
    from .models import Registration, Workshop
    from .services import start_checksum

    try:
        registration_id, checksum = dedupe_key.removeprefix(REMINDER_PREFIX).split(":", 1)
        pk = int(registration_id)
    except ValueError:
        return ""  # not a key this check understands: send as written
    registration = Registration.objects.select_related("workshop").filter(pk=pk).first()
    if registration is None:
        return _("Die Anmeldung gibt es nicht mehr.")
    if registration.status != Registration.Status.CONFIRMED:
        return _("Die Anmeldung ist nicht mehr bestätigt.")
    workshop = registration.workshop
    if workshop.status != Workshop.Status.PUBLISHED:
        return _("Die Werkstatt findet so nicht statt.")
    if start_checksum(workshop) != checksum:
        return _("Die Werkstatt wurde verlegt; die Erinnerung nennt eine alte Zeit.")
    return ""


def register() -> None:
    from core.registry import register_outbox_check

    register_outbox_check(REMINDER_PREFIX, reminder_check)
