"""Hooks through which each app hands in a person's data for export and erasure.

Lower apps cannot import higher ones; so each app registers its exporter and eraser here (in its
AppConfig.ready), and the data-subject services (accounts.services.personal_data_export /
personal_data_erase) iterate over the registry.

The interface every provider implements (keyword arguments only)::

    def export(*, email: str, user: User | None) -> dict | list:
        # Every row of this app linked to the person: rows whose e-mail field equals `email`
        # (case-insensitive) and, when `user` is given, rows linked to that account. JSON-serialisable
        # values (datetimes may be datetime objects; the service encodes them). No secrets (token hashes,
        # TOTP secrets, password hashes).

    def erase(*, email: str, user: User | None, by: User | None = None) -> int:
        # Erase or anonymise the same rows; return how many rows were touched. Go through the app's own
        # services (e.g. workshops.services.registration_anonymise releases held seats the normal way).
        # With `user=None` (a request through a registration's manage link, or by the Fachteam for an
        # address) only rows linked to the address are erased; the account itself is closed only when the
        # account holder asks while logged in (user given).

Providers run inside one transaction; erasure runs in ascending `erase_order` (the accounts provider,
which deletes the User row, runs last; the core provider, which removes mails to the address, after the
apps whose services enqueue mails)::

    from core.registry import PersonalDataProvider, register_personal_data

    class ReflectionsConfig(AppConfig):
        def ready(self):
            from . import privacy
            register_personal_data(
                PersonalDataProvider("reflections", privacy.export, privacy.erase, models=("reflections.reflection",))
            )
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PersonalDataProvider:
    name: str
    # (*, email, user or None) -> JSON-serialisable data about that person
    export: Callable[..., dict | list]
    # (*, email, user or None, by=None) -> number of rows erased or anonymised
    erase: Callable[..., int]
    # Erasure order, ascending; apps 100, core 900 (mails to the address), accounts 1000 (the User row).
    erase_order: int = 100
    # The models ("app_label.model_name") whose rows this provider exports and erases. The privacy tests
    # check that every model linked to a person (a FK to the user, an e-mail field) is declared by one.
    models: tuple[str, ...] = ()


_providers: dict[str, PersonalDataProvider] = {}


def register_personal_data(provider: PersonalDataProvider) -> None:
    _providers[provider.name] = provider


def personal_data_providers() -> list[PersonalDataProvider]:
    return [_providers[name] for name in sorted(_providers)]


def personal_data_erasers() -> list[PersonalDataProvider]:
    """The providers in the order their erasers must run."""
    return sorted(_providers.values(), key=lambda provider: (provider.erase_order, provider.name))


# --- outbox pre-send checks ----------------------------------------------------------------------------------
# A mail can become wrong while it waits in the outbox (a reminder for a workshop that was moved or cancelled).
# The app that wrote it registers a check for its dedupe-key prefix (in AppConfig.ready); core.services.outbox_send
# calls it right before sending, inside the row lock, and discards the mail when it returns a reason::
#
#     register_outbox_check("workshops:reminder:", reminders.outbox_check)
#
#     def outbox_check(*, dedupe_key: str) -> str:   # "" = still valid, else why it is not sent


OutboxCheck = Callable[..., str]
_outbox_checks: dict[str, OutboxCheck] = {}


def register_outbox_check(prefix: str, check: OutboxCheck) -> None:
    _outbox_checks[prefix] = check


def outbox_check_for(dedupe_key: str | None) -> OutboxCheck | None:
    if not dedupe_key:
        return None
    for prefix, check in _outbox_checks.items():
        if dedupe_key.startswith(prefix):
            return check
    return None
