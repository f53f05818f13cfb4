"""Domain errors. Services raise them; views, admin and API turn them into messages or HTTP 4xx."""


class ApplicationError(Exception):
    """A rule of the domain was broken by the request; the message is safe to show to the user."""

    def __init__(self, message: str, *, code: str = "invalid", extra: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}


class NotAllowed(ApplicationError):
    """The action is not allowed in the object's current state."""

    def __init__(self, message: str, *, code: str = "not_allowed", extra: dict | None = None) -> None:
        super().__init__(message, code=code, extra=extra)
