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
from django.core.validators import RegexValidator
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


# The same rules as patterns (the API schema states them, so clients and schema fuzzers know what is refused):
# Unicode category Cc is exactly U+0000–U+001F and U+007F–U+009F.
_ALWAYS_REFUSED = r"\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffd"
SINGLE_LINE_PATTERN = rf"^[^\x00-\x1f{_ALWAYS_REFUSED}]*$"
FREE_TEXT_PATTERN = rf"^[^\x00-\x08\x0b\x0c\x0e-\x1f{_ALWAYS_REFUSED}]*$"


class PlainTextValidator(RegexValidator):
    """Refuses control, bidi and replacement characters with a message that says which; `regex` states the
    same rule as a pattern (drf-spectacular puts it into the API schema)."""

    def __init__(self, *, allow_line_breaks: bool) -> None:
        self.allow_line_breaks = allow_line_breaks
        super().__init__(FREE_TEXT_PATTERN if allow_line_breaks else SINGLE_LINE_PATTERN)

    def __call__(self, value: Any) -> None:
        _validate(value, allow_line_breaks=self.allow_line_breaks)


# A name, title or other one-line input: no control characters at all (no line breaks either).
validate_single_line = PlainTextValidator(allow_line_breaks=False)
# A message or note: line breaks and tabs allowed, other control characters not.
validate_free_text = PlainTextValidator(allow_line_breaks=True)


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
