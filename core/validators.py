"""Validators for text people type in: names and free-text fields of every public form and API serializer.

Control characters (except line breaks and tabs in free text), Unicode bidi overrides and isolates
(U+202A–U+202E, U+2066–U+2069, used to make text display differently from what it is) and the replacement
character U+FFFD (what invalid UTF-8 in a form post decodes to) are refused with a clear message.

Use `PlainTextFormMixin` / `PlainTextSerializerMixin` to apply them to every text field of a form or serializer
(single-line inputs get `validate_single_line`, textareas and fields named in `free_text_fields` get
`validate_free_text`)."""

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
REPLACEMENT = "\ufffd"
LINE_BREAKS = frozenset("\n\r\t")


def _problem(value: str, *, allow_line_breaks: bool) -> str:
    for char in value:
        if char in BIDI_CONTROLS:
            return "bidi"
        if char == REPLACEMENT:
            return "encoding"
        if allow_line_breaks and char in LINE_BREAKS:
            continue
        category = unicodedata.category(char)
        if category == "Cc" or char in ("\u2028", "\u2029"):
            return "control"
    return ""


MESSAGES = {
    "bidi": _("Der Text enthält Steuerzeichen für die Schreibrichtung (Unicode U+202A–U+202E, U+2066–U+2069)."),
    "encoding": _("Der Text enthält ungültige Zeichen (z. B. aus einer falschen Zeichenkodierung)."),
    "control": _("Der Text enthält unsichtbare Steuerzeichen. Bitte geben Sie ihn ohne diese ein."),
}


def _validate(value: Any, *, allow_line_breaks: bool) -> None:
    if not isinstance(value, str):
        return
    problem = _problem(value, allow_line_breaks=allow_line_breaks)
    if problem:
        raise ValidationError(MESSAGES[problem], code=f"text_{problem}")


def validate_single_line(value: Any) -> None:
    """A name, title or other one-line input: no control characters at all (no line breaks either)."""
    _validate(value, allow_line_breaks=False)


def validate_free_text(value: Any) -> None:
    """A message or note: line breaks and tabs allowed, other control characters not."""
    _validate(value, allow_line_breaks=True)


class PlainTextFormMixin:
    """Adds the text validators to every CharField of a Django form (Textarea widgets get free text)."""

    free_text_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django import forms

        for name, field in self.fields.items():  # type: ignore[attr-defined]
            if isinstance(field, forms.CharField) and not isinstance(field, forms.EmailField | forms.URLField):
                free = name in self.free_text_fields or isinstance(field.widget, forms.Textarea)
                field.validators.append(validate_free_text if free else validate_single_line)


class PlainTextSerializerMixin:
    """Adds the text validators to every CharField of a DRF serializer (fields in `free_text_fields` allow
    line breaks)."""

    free_text_fields: tuple[str, ...] = ()

    def get_fields(self) -> dict[str, Any]:
        from rest_framework import serializers

        fields = super().get_fields()  # type: ignore[misc]
        for name, field in fields.items():
            if isinstance(field, serializers.CharField) and not isinstance(
                field, serializers.EmailField | serializers.URLField
            ):
                free = name in self.free_text_fields
                field.validators = [*field.validators, validate_free_text if free else validate_single_line]
        return fields
