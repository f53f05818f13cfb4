"""API edge helpers: one JSON shape for every error, and an OpenAPI schema that documents the errors.

Every error answer of the API is an object with ``detail`` (a sentence for people) and ``code`` (a stable
string for programs). Field errors (400, ``code: "invalid"``) add one key per field with its list of
messages, as before (``{"detail": …, "code": "invalid", "email": ["…"]}``); some errors add figures
(409 ``not_enough_seats``: ``seats_available``). Domain errors become 400 responses, never 500.

The schema class adds the error responses an operation can give to every operation (the shared mechanism
of ADR 0019): 400 always (any URL with a NUL character is refused before routing), 415 when it reads a
body, 404 when its path names an object or it is paginated (an unknown page), 429 when it is throttled, 503
always (the database cannot be reached: `core.views.error_500`);
responses an endpoint declares itself (e.g. 409) keep their description and get the error schema.

`postprocess_schema` states in the schema what the server already does with parameters, so that clients
and schema fuzzers read the same contract: an empty query value means "no filter" (`allowEmptyValue`, as
DRF and the views treat it), slugs in paths are ASCII slugs, pages start at 1; text fields of request bodies
carry the pattern of the characters they refuse (core.validators)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import ApplicationError

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
SLUG_RE = re.compile(SLUG_PATTERN)
# A filter that takes a date (meaning its midnight in Hannover) or an ISO 8601 date-time.
MOMENT_SCHEMA = {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}]}


def postprocess_schema(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.setdefault("schema", {})
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
                if parameter.get("in") == "path" and parameter.get("name") == "slug":
                    schema.setdefault("pattern", SLUG_PATTERN)
                if parameter.get("in") == "query" and parameter.get("name") == "page":
                    schema.setdefault("minimum", 1)
    return result


@extend_schema_field({"type": "boolean", "enum": [True]})
class ConsentField(serializers.BooleanField):
    """A consent the request must give: the schema admits only `true`; the serializer refuses anything else
    with its own message (400)."""


class ErrorSerializer(serializers.Serializer):
    """The one shape of every error answer (field errors add one key per field with a list of messages)."""

    detail = serializers.CharField(help_text="What went wrong, for people (in the request's language).")
    code = serializers.CharField(
        help_text="Stable machine-readable code, e.g. invalid, not_found, throttled, not_enough_seats."
    )


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return Response({"detail": exc.message, "code": exc.code}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = NotFound()  # DRF's own sentence ("Nicht gefunden."), not "No Concept matches the given query."
    elif isinstance(exc, DjangoPermissionDenied):
        exc = PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, APIException):
        return response
    response.data = _error_body(exc, response.data)
    return response


def _error_body(exc: APIException, data: Any) -> dict[str, Any]:
    if isinstance(exc, ValidationError):
        fields = data if isinstance(data, dict) else {"non_field_errors": data if isinstance(data, list) else [data]}
        return {"detail": _("Bitte prüfen Sie die Angaben."), "code": "invalid", **fields}
    detail = data.get("detail", exc.detail) if isinstance(data, dict) else exc.detail
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else exc.default_code
    extra = {k: v for k, v in data.items() if k not in ("detail", "code")} if isinstance(data, dict) else {}
    return {"detail": str(detail), "code": str(code), **extra}


ERROR_DESCRIPTIONS = {
    "400": (
        "Bad request: invalid query parameters or body, or a URL with NUL characters (`code: invalid`, one key "
        "per field with its messages)."
    ),
    "404": "Not found: no such public object, or a page beyond the last (`code: not_found`).",
    "415": "Unsupported media type: send the body as `application/json` (`code: unsupported_media_type`).",
    "429": "Too many requests (`code: throttled`); try again after the `Retry-After` seconds.",
    "503": (
        "Service unavailable: the database cannot be reached right now (`code: service_unavailable`); try again "
        "after the `Retry-After` seconds."
    ),
}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema with the error responses of each operation (see the module docstring)."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        for code in self._error_codes(operation):
            responses.setdefault(code, {"description": ERROR_DESCRIPTIONS[code]})
        error = self._get_response_for_code(ErrorSerializer, "400")["content"]
        for code, response in responses.items():
            if code >= "400" and "content" not in response:
                response["content"] = error
        return operation

    def _error_codes(self, operation: dict) -> list[str]:
        parameters = operation.get("parameters", [])
        codes = ["400"]  # core.middleware refuses a NUL character in any path or query with 400
        if any(p.get("in") == "path" or p.get("name") == "page" for p in parameters):
            codes.append("404")
        if "requestBody" in operation:
            codes.append("415")
        if self.view.get_throttles():
            codes.append("429")
        codes.append("503")  # core.views.error_500: database down or connection pool exhausted
        return codes
