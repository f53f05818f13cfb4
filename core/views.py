import sys

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import services
from .forms import AccessibilityFeedbackForm
from .models import Page


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Touches neither database nor cache."""
    return HttpResponse("ok", content_type="text/plain")


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return "down"
    return "ok"


def _check_cache() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    backend = caches["default"]
    ping = getattr(backend, "ping", None)
    if ping is not None:
        return "ok" if ping() else "down"
    try:
        backend.set("readyz", "1", 5)
    except Exception:
        return "down"
    return "ok"


def _check_broker() -> str:
    url = settings.CELERY_BROKER_URL
    if settings.CELERY_TASK_ALWAYS_EAGER or not url.startswith(("redis://", "rediss://")):
        return "not configured"
    import redis

    timeout = settings.REDIS_TIMEOUT_SECONDS
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        try:
            client.ping()
        finally:
            client.close()
    except Exception:
        return "down"
    return "ok"


def _check_beat(database: str) -> dict:
    if database != "ok":
        return {"status": "unknown"}
    from .models import Heartbeat

    beat = Heartbeat.objects.filter(name="beat").first()
    if beat is None:
        return {"status": "never seen"}
    age = (timezone.now() - beat.at).total_seconds()
    stale = age > settings.BEAT_HEARTBEAT_STALE.total_seconds()
    return {"status": "stale" if stale else "ok", "age_seconds": round(age, 1)}


@require_GET
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: 200 only when the database (and Redis, where configured) answer. The JSON body names every
    part and what is degraded: a stale beat heartbeat or a broker that does not answer degrade the platform
    (mails and reports wait for the sweeps) but do not make it unready."""
    checks: dict = {"database": _check_database(), "redis": _check_cache(), "broker": _check_broker()}
    checks["beat"] = _check_beat(checks["database"])
    unavailable = [name for name in ("database", "redis") if checks[name] == "down"]
    degraded = [name for name in ("broker",) if checks[name] == "down"]
    if checks["beat"]["status"] in ("stale", "never seen") and not settings.CELERY_TASK_ALWAYS_EAGER:
        degraded.append("beat")
    status = "unavailable" if unavailable else ("degraded" if degraded else "ok")
    body = {"status": status, "unavailable": unavailable, "degraded": degraded, "checks": checks}
    return JsonResponse(body, status=503 if unavailable else 200)


def _page(request: HttpRequest, slug: str, default_title: str) -> HttpResponse:
    page = Page.objects.filter(slug=slug).first()
    return render(request, "core/page_detail.html", {"page": page, "title": page.title if page else default_title})


def impressum(request: HttpRequest) -> HttpResponse:
    return _page(request, "impressum", _("Impressum"))


def datenschutz(request: HttpRequest) -> HttpResponse:
    return _page(request, "datenschutz", _("Datenschutz"))


def barrierefreiheit(request: HttpRequest) -> HttpResponse:
    form = AccessibilityFeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not form.cleaned_data["website"]:
            services.accessibility_feedback_submit(
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                page_url=form.cleaned_data["page_url"],
                message=form.cleaned_data["message"],
            )
        messages.success(request, _("Vielen Dank! Ihre Rückmeldung ist bei uns angekommen."))
        return redirect("core:barrierefreiheit")
    return render(request, "core/barrierefreiheit.html", {"form": form})


def leichte_sprache(request: HttpRequest) -> HttpResponse:
    # The page says how long a seat is kept without confirmation: the real setting, not a fixed number.
    return render(
        request,
        "core/leichte_sprache.html",
        {"hold_hours": getattr(settings, "WORKSHOPS_HOLD_HOURS", 24)},
    )


def error_403(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def error_404(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    """A server error. A database that is down or a connection pool that is exhausted is not a bug of the
    request: it is answered 503 with Retry-After, so clients and proxies try again (DESIGN §5)."""
    from django.db import InterfaceError, OperationalError
    from django.template import loader

    exc = sys.exc_info()[1]
    api = request.path.startswith("/api/")  # the API answers in its one error shape (core/api.py)
    # No context processors that could fail again: plain templates.
    # psycopg_pool's PoolTimeout subclasses psycopg's OperationalError; Django wraps it as its own.
    if isinstance(exc, OperationalError | InterfaceError):
        from .metrics import DATABASE_UNAVAILABLE

        DATABASE_UNAVAILABLE.inc()
        response: HttpResponse
        if api:
            body = {"detail": "Service temporarily unavailable, try again later.", "code": "service_unavailable"}
            response = JsonResponse(body, status=503)
        else:
            response = HttpResponse(loader.get_template("errors/503.html").render(), status=503)
        response["Retry-After"] = str(settings.DATABASE_UNAVAILABLE_RETRY_AFTER)
        return response
    if api:
        return JsonResponse({"detail": "A server error occurred.", "code": "server_error"}, status=500)
    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)
