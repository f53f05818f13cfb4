"""Hooks through which each app hands in a person's data for export and erasure.

Lower apps cannot import higher ones; so each app registers its exporter and eraser here (in its
AppConfig.ready), and the data-subject services iterate over the registry."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PersonalDataProvider:
    name: str
    # (email, user or None) -> JSON-serialisable data about that person
    export: Callable[..., dict | list]
    # (email, user or None) -> number of rows erased or anonymised
    erase: Callable[..., int]


_providers: dict[str, PersonalDataProvider] = {}


def register_personal_data(provider: PersonalDataProvider) -> None:
    _providers[provider.name] = provider


def personal_data_providers() -> list[PersonalDataProvider]:
    return [_providers[name] for name in sorted(_providers)]
