"""Domain errors. Services raise them; views, admin and API turn them into messages or HTTP 4xx."""

from django.utils.functional import Promise


class ApplicationError(Exception):
    """A rule of the domain was broken by the request; the message is safe to show to the user.

    Subclasses set `default_message` (lazily translated) and `default_code`; a caller may pass its own."""

    default_message: str | Promise = ""
    default_code = "invalid"

    def __init__(self, message: str = "", *, code: str | None = None, extra: dict | None = None) -> None:
        self.message = str(message or self.default_message)
        super().__init__(self.message)
        self.code = code or self.default_code
        self.extra = extra or {}


class NotAllowed(ApplicationError):
    """The action is not allowed in the object's current state."""

    default_code = "not_allowed"
