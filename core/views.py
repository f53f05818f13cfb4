from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
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


@require_GET
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: the database (and Redis, where configured) answer."""
    problems = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        problems.append("database")
    if settings.REDIS_URL:
        try:
            cache.set("readyz", "1", 5)
        except Exception:
            problems.append("redis")
    if problems:
        return HttpResponse("unavailable: " + ", ".join(problems), status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


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
    return render(request, "core/leichte_sprache.html")


def error_403(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def error_404(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No context processors that could fail again: a plain template.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)
