"""Secret links of subscriptions.

Confirm tokens are random and single-use; only their SHA-256 hash is stored. Manage and unsubscribe tokens
are HMACs (under SECRET_KEY) of a random seed stored with the subscriber or subscription, so every digest can
carry them without the database holding a usable token; the database stores their hashes for the lookup."""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings
from django.utils.encoding import force_bytes

from core.links import absolute_path, absolute_url


def hash_token(token: str) -> str:
    return hashlib.sha256(force_bytes(token)).hexdigest()


def new_seed() -> str:
    return secrets.token_urlsafe(18)


def new_confirm_token() -> str:
    return secrets.token_urlsafe(32)


def derive(seed: str, purpose: str) -> str:
    digest = hmac.new(force_bytes(settings.SECRET_KEY), force_bytes(f"notifications.{purpose}:{seed}"), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode("ascii")


def manage_token(seed: str) -> str:
    return derive(seed, "manage")


def unsubscribe_token(seed: str) -> str:
    return derive(seed, "unsubscribe")


def absolute(path: str) -> str:
    return absolute_path(path)


def confirm_url(token: str) -> str:
    return absolute_url("notifications:confirm", token=token)


def manage_url(subscriber) -> str:
    return absolute_url("notifications:manage", token=manage_token(subscriber.token_seed))


def unsubscribe_url(subscription) -> str:
    return absolute_url("notifications:unsubscribe", token=unsubscribe_token(subscription.token_seed))


def unsubscribe_all_url(subscriber) -> str:
    return absolute_url("notifications:unsubscribe_all", token=unsubscribe_token(subscriber.unsubscribe_seed))


def list_unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe: mail clients POST `List-Unsubscribe=One-Click` to the URL."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
