"""Domain errors of the workshops app (subclasses of core.exceptions.ApplicationError)."""

from django.utils.translation import gettext_lazy, ngettext

from core.exceptions import ApplicationError, NotAllowed


class RegistrationClosed(ApplicationError):
    """The workshop does not take registrations (not published, outside the window, started)."""

    default_message = gettext_lazy("Für diese Werkstatt ist keine Anmeldung möglich.")
    default_code = "registration_closed"


class WorkshopFull(RegistrationClosed):
    """No seat is free and the waiting list is closed."""

    default_message = gettext_lazy("Leider sind alle Plätze vergeben, und die Warteliste ist geschlossen.")
    default_code = "workshop_full"


class NotEnoughSeats(ApplicationError):
    """Fewer seats are free than the group asks for (but some are): the person chooses between registering
    the free number now and putting the whole group on the waiting list. Never "ausgebucht" while seats
    are free. `seats_available` is the number free at the moment of the request."""

    default_code = "not_enough_seats"

    def __init__(self, *, seats_available: int, seats_requested: int) -> None:
        if seats_available < 1:
            message = str(gettext_lazy("Es sind nicht genug Plätze frei: Kein Platz ist mehr frei."))
        else:
            message = ngettext(
                "Für %(requested)d Personen sind nicht genug Plätze frei: Es ist nur noch %(free)d Platz frei.",
                "Für %(requested)d Personen sind nicht genug Plätze frei: Es sind nur noch %(free)d Plätze frei.",
                seats_available,
            ) % {"requested": seats_requested, "free": seats_available}
        super().__init__(message, extra={"seats_available": seats_available, "seats_requested": seats_requested})
        self.seats_available = seats_available
        self.seats_requested = seats_requested


class InvalidSeats(ApplicationError):
    default_message = gettext_lazy("Diese Anzahl an Plätzen ist nicht möglich.")
    default_code = "invalid_seats"


class ConsentMissing(ApplicationError):
    default_message = gettext_lazy("Bitte stimmen Sie den Datenschutzhinweisen zu.")
    default_code = "consent_missing"


class InvalidInput(ApplicationError):
    """A required value is missing or malformed (name, e-mail address)."""


class TokenInvalid(ApplicationError):
    default_message = gettext_lazy("Dieser Link ist ungültig oder wurde bereits verwendet.")
    default_code = "token_invalid"


class TokenExpired(ApplicationError):
    default_message = gettext_lazy("Dieser Link ist abgelaufen. Die Reservierung wurde freigegeben.")
    default_code = "token_expired"


class OfferExpired(ApplicationError):
    default_message = gettext_lazy("Das Angebot ist abgelaufen; der Platz wurde weitergegeben.")
    default_code = "offer_expired"


class TransitionNotAllowed(NotAllowed):
    """The registration's current state does not allow this step."""


class WorkshopInvalid(ApplicationError):
    """A workshop write breaks a rule (capacity below the held seats, status change, quarters, times, slug).

    `errors` maps each field to its message, so a form can show them next to the fields."""

    default_message = gettext_lazy("Die Werkstatt kann so nicht gespeichert werden.")
    default_code = "workshop_invalid"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()), extra={"errors": errors})
        self.errors = errors
