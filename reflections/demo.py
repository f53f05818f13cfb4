"""Demo data of this app for `manage.py seed_demo` (idempotent)."""


def seed(*, users, stdout) -> None:
    """users: the demo accounts by key (see accounts.demo); stdout: the command's output."""
