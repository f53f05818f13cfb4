"""Public pages of subscriptions: follow form, confirm, manage, one-click unsubscribe."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from core.exceptions import ApplicationError
from districts.models import District
from workshops.ratelimit import registration_rate_limited

from . import services
from .forms import FollowForm
from .models import Subscription


def _invalid_link(request: HttpRequest, *, expired: bool = False) -> HttpResponse:
    return render(request, "notifications/invalid_link.html", {"expired": expired}, status=410 if expired else 404)


def _target_or_none(kind: str, slug: str):
    try:
        return services.resolve_target(kind=kind, slug=slug)
    except ApplicationError:
        return None


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def follow(request: HttpRequest) -> HttpResponse:
    """GET ?art=<kind>&ziel=<slug> shows the form alone (GET without a query: what one can follow); POST
    asks for the double opt-in. Every valid request gets the same answer, whether or not the address follows
    something already."""
    if request.method != "POST":
        if not request.GET:
            districts = District.objects.order_by("number")
            return render(request, "notifications/follow_index.html", {"districts": districts})
        kind, slug = request.GET.get("art", ""), request.GET.get("ziel", "")
        target = _target_or_none(kind, slug)
        if target is None:
            return render(request, "notifications/follow_unknown.html", status=404)
        form = FollowForm(initial={"kind": kind, "target": slug})
        return render(request, "notifications/follow.html", {"form": form, "target": target})
    form = FollowForm(request.POST)
    target = None
    if form.is_valid():
        data = form.cleaned_data
        target = _target_or_none(data["kind"], data["target"])
        if target is None:
            return render(request, "notifications/follow_unknown.html", status=404)
        if data["website"]:
            return redirect("notifications:requested")  # a bot: same answer, nothing done
        if registration_rate_limited(request=request, email=data["email"]):
            messages.error(request, _("Zu viele Anfragen. Bitte versuchen Sie es in einer Minute noch einmal."))
            return render(request, "notifications/follow.html", {"form": form, "target": target}, status=429)
        try:
            services.subscription_request(
                email=data["email"],
                kind=data["kind"],
                target=target,
                consent=data["consent"],
                language=translation.get_language() or "",
                source=Subscription.Source.FORM,
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            return redirect("notifications:requested")
    else:
        target = _target_or_none(request.POST.get("kind", ""), request.POST.get("target", ""))
        if target is None:
            return render(request, "notifications/follow_unknown.html", status=404)
    return render(request, "notifications/follow.html", {"form": form, "target": target})


@require_GET
def requested(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/follow_requested.html")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners follow links); POST confirms."""
    subscription = services.subscription_by_confirm_token(token=token)
    if request.method == "POST":
        try:
            subscription = services.subscription_confirm(token=token, language=translation.get_language() or "")
        except services.TokenExpired:
            return _invalid_link(request, expired=True)
        except ApplicationError:
            return _invalid_link(request)
        from .tokens import manage_token

        return render(
            request,
            "notifications/confirmed.html",
            {"subscription": subscription, "manage_token": manage_token(subscription.subscriber.token_seed)},
        )
    if subscription is None or subscription.status != Subscription.Status.PENDING:
        return _invalid_link(request)
    return render(request, "notifications/confirm.html", {"subscription": subscription})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    """All subscriptions of an address behind its manage link: end each, end all, or erase the address."""
    subscriber = services.subscriber_by_manage_token(token=token)
    if subscriber is None:
        return _invalid_link(request)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "unsubscribe":
            pk = _int(request.POST.get("subscription"))
            found = subscriber.subscriptions.filter(pk=pk).first() if pk is not None else None
            if found is not None:
                services.subscription_unsubscribe(subscription=found)
                messages.success(request, _("Sie folgen „%(target)s“ nicht mehr.") % {"target": found.target})
        elif action == "unsubscribe_all":
            services.subscriber_unsubscribe_all(subscriber=subscriber)
            messages.success(request, _("Sie haben alle Abos beendet."))
        elif action == "erase":
            services.subscriber_erase(subscriber=subscriber)
            return render(request, "notifications/erased.html")
        return redirect(request.path)
    services.subscriber_touch(subscriber=subscriber)
    subscriptions = subscriber.subscriptions.select_related("district", "recommendation", "workshop").order_by(
        "status", "pk"
    )
    return render(
        request,
        "notifications/manage.html",
        {
            "subscriber": subscriber,
            "open": [s for s in subscriptions if s.status != Subscription.Status.UNSUBSCRIBED],
            "ended": [s for s in subscriptions if s.status == Subscription.Status.UNSUBSCRIBED],
            "inactive_months": settings.NOTIFICATIONS_INACTIVE_MONTHS,
        },
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _one_click(request: HttpRequest, token: str, *, everything: bool) -> HttpResponse:
    if request.method == "POST":
        try:
            if everything:
                services.subscriber_unsubscribe_all_by_token(token=token)
                done = None
            else:
                done = services.subscription_unsubscribe_by_token(token=token)
        except ApplicationError:
            return _invalid_link(request)
        return render(request, "notifications/unsubscribed.html", {"subscription": done, "everything": everything})
    known = (
        services.Subscriber.objects.filter(unsubscribe_token_hash=services.tokens.hash_token(token)).exists()
        if everything
        else services.Subscription.objects.filter(unsubscribe_token_hash=services.tokens.hash_token(token)).exists()
    )
    if not known or len(token) > 100:
        return _invalid_link(request)
    return render(request, "notifications/unsubscribe.html", {"everything": everything})


# RFC 8058: mail clients POST "List-Unsubscribe=One-Click" without a session or CSRF token; the secret
# token in the URL is the authorisation, and unsubscribing twice does nothing more.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    return _one_click(request, token, everything=False)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe_all(request: HttpRequest, token: str) -> HttpResponse:
    return _one_click(request, token, everything=True)
