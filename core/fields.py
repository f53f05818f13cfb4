"""Model fields stored encrypted with the outbox key (core.crypto); plain values in Python."""

from __future__ import annotations

import json
from typing import Any

from django.db import models

from .crypto import decrypt, encrypt


class EncryptedTextField(models.TextField):
    """Text encrypted at rest. "" stays "" (so a dropped body is visible as empty). Not searchable."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return decrypt(value) if isinstance(value, str) else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return encrypt(value) if value else value


class EncryptedJSONField(models.TextField):
    """A JSON value (list or dict) encrypted at rest; an empty value is stored as ""."""

    # django-stubs: the Python value is JSON, not str.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return value
        text = decrypt(value)
        try:
            return json.loads(text) if text else self.get_default()
        except ValueError:  # still encrypted: the key is not the one it was written with
            return self.get_default()

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            return json.loads(value) if value else self.get_default()
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return value
        if not value:
            return ""
        return encrypt(json.dumps(value, ensure_ascii=False))

    def value_to_string(self, obj: Any) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)
