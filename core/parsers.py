"""A JSON parser for the API that answers hostile bodies with 400, never 500.

DRF's JSONParser turns ValueError into a 400 but lets `RecursionError` through (a body of 50,000 `[`), which
becomes a 500. This parser catches it and also refuses documents nested deeper than JSON_MAX_DEPTH (no request
of the API needs more than a few levels; deep documents only cost CPU further down), strings or keys with a
NUL character (PostgreSQL cannot compare them: a slug or related field would raise a DataError) and strings
with a lone surrogate (a `\\ud800` escape: valid JSON, but no UTF-8 text, so an error message repeating it
could not be sent)."""

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

DEFAULT_MAX_DEPTH = 20


def json_strings(data: Any) -> Iterator[str]:
    """Every key and string value of a parsed JSON document, without recursion."""
    stack: list[Any] = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            yield from (key for key in value if isinstance(key, str))
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def json_depth(data: Any) -> int:
    """Nesting depth of a parsed JSON document (a scalar is 0), computed without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
            deepest = max(deepest, depth + 1)
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
            deepest = max(deepest, depth + 1)
    return deepest


class SafeJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("Die JSON-Daten sind zu tief verschachtelt.")) from None
        except UnicodeError:
            raise ParseError(_("Die Anfrage ist nicht gültig UTF-8-kodiert.")) from None
        if json_depth(data) > getattr(settings, "JSON_MAX_DEPTH", DEFAULT_MAX_DEPTH):
            raise ParseError(_("Die JSON-Daten sind zu tief verschachtelt."))
        for text in json_strings(data):
            if "\x00" in text:
                raise ParseError(_("NUL-Zeichen sind in den Angaben nicht erlaubt."))
            if not _is_utf8(text):
                raise ParseError(_("Die Anfrage ist nicht gültig UTF-8-kodiert."))
        return data
