"""Delivered mails in tests. Once sent, an outbox row keeps no body (ADR 0015): tests that follow a link from
a delivered mail read what went out (Django's locmem backend), not the row."""

from django.core import mail


def delivered(to: str) -> list:
    """Messages sent to `to`, oldest first."""
    return [message for message in mail.outbox if to in message.to]


def last_delivered(to: str, *, subject_contains: str = ""):
    """The latest message sent to `to` (whose subject contains `subject_contains`)."""
    messages = [message for message in delivered(to) if subject_contains in message.subject]
    assert messages, f"no mail to {to} ({len(mail.outbox)} sent)"
    return messages[-1]
