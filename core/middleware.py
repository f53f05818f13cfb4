"""Security headers that Django does not set itself."""

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http.multipartparser import MultiPartParserError

# Everything is self-hosted: no third-party host is ever needed.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
)

# The API docs (Swagger UI, split view: its init script is a same-origin file, no inline script) need
# inline styles only; scripts stay 'self'.
API_DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; "
    "object-src 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        docs = request.path.startswith("/api/v1/docs/")
        response.headers.setdefault("Content-Security-Policy", API_DOCS_CSP if docs else CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if settings.DEBUG:
            response.headers.setdefault("X-Robots-Tag", "noindex")
        return response


FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class ApiNotFoundMiddleware:
    """A URL under /api/ that no route matches (e.g. a slug with a dot) is answered in the API's one error
    shape, as DRF's own 404 — also with DEBUG, where Django would show its technical HTML page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            from django.http import JsonResponse
            from rest_framework.exceptions import NotFound

            return JsonResponse({"detail": str(NotFound.default_detail), "code": NotFound.default_code}, status=404)
        return response


def _holds_nul(items) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in items)


class RejectNulMiddleware:
    """Answer 400 to a request whose path, query string or form body holds a NUL character.

    PostgreSQL cannot store or compare NUL in text, so a `?district=%00` that reaches a filter, or a form
    field `target=%00` that reaches a slug lookup or a related field, raises a DataError (a 500). No
    legitimate URL or form value contains one (Django's and DRF's CharFields refuse it, but choice, slug and
    related fields pass it on to the database). JSON bodies are checked by `core.parsers.SafeJSONParser`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http import HttpResponseBadRequest, JsonResponse

        api = request.path.startswith("/api/")
        if "\x00" in request.path or _holds_nul(request.GET.lists()):
            message = "NUL characters are not allowed in URLs."
            if api:  # the API's one error shape (core/api.py)
                return JsonResponse({"detail": message, "code": "invalid"}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain")
        if request.method != "GET" and request.content_type in FORM_CONTENT_TYPES:
            try:
                # CsrfViewMiddleware reads request.POST for every protected POST anyway; this also covers the
                # CSRF-exempt API. Only the text fields are checked, never the content of uploaded files.
                nul = _holds_nul(request.POST.lists())
            except (MultiPartParserError, SuspiciousOperation):
                if not api:
                    raise  # Django answers 400 itself
                return JsonResponse({"detail": "Malformed request body.", "code": "parse_error"}, status=400)
            if nul:
                message = "NUL characters are not allowed in form fields."
                if api:
                    return JsonResponse({"detail": message, "code": "invalid"}, status=400)
                return HttpResponseBadRequest(message, content_type="text/plain")
        return self.get_response(request)
