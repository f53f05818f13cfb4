"""Account services: data-subject rights (export and erasure) through the personal-data registry.

The roles/privacy helper implements these; the signatures are the contract other parts call."""


def personal_data_export(*, email: str, user=None) -> dict:
    """Everything we hold about this person (account and every app's rows linked to the address) as JSON."""
    raise NotImplementedError


def personal_data_erase(*, email: str, user=None, by=None) -> dict:
    """Erase or anonymise everything linked to this person; seats are released through the normal services."""
    raise NotImplementedError
