"""Public workshop pages, the citizen's registration path, "Meine Anmeldungen", the method library, the
district page and the staff check-in view.

Every write goes through workshops.services (or accounts.services for data-subject rights); domain errors
(ApplicationError) become messages or form errors, never a 500. Every list runs a constant number of
queries."""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts import services as account_services
from core import fragments, pagecache
from core.exceptions import ApplicationError
from districts.models import District

from . import ics, ratelimit, selectors, services, stamps
from .cards import workshop_cards
from .forms import (
    CheckInSearchForm,
    RegistrationForm,
    WalkInForm,
    WorkshopFilterForm,
    make_form_stamp,
    support_consent_text,
)
from .models import ConsentRecord, Method, Registration, Workshop, WorkshopTeamMember, support_label
from .tokens import tokens_for

PAGE_SIZE = 20
SESSION_LAST_REGISTRATION = "workshops_last_registration"
SESSION_CONFIRMED_REGISTRATION = "workshops_confirmed_registration"
# The district feed also carries workshops of the recent past, so calendars keep them.
FEED_PAST_DAYS = 90


def _int(value) -> int:
    """A posted id; anything that is not a positive number becomes 0 (matches nothing)."""
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


# --- access (one function per staff view; the rules live in workshops/rules.py) ---------------------------


def may_preview(user, workshop: Workshop) -> bool:
    """Staff working on a workshop may see its page while it is a draft."""
    return user.is_authenticated and user.has_perm("workshops.view_workshop_internal", workshop)


def may_check_in(user, workshop: Workshop) -> bool:
    """The check-in view: Fachteam, the district office of the workshop's district and its team."""
    return user.is_authenticated and user.has_perm("workshops.check_in", workshop)


# --- registration state shown on cards and the detail page ------------------------------------------------


@dataclass(frozen=True)
class RegistrationState:
    code: str  # open | waitlist | full | not_yet | closed | cancelled | past
    label: str
    badge: str  # CSS modifier of the badge

    @property
    def accepts_registrations(self) -> bool:
        return self.code in ("open", "waitlist")


def registration_state(workshop: Workshop, *, now=None) -> RegistrationState:
    now = now or timezone.now()
    if workshop.status == Workshop.Status.CANCELLED:
        return RegistrationState("cancelled", _("abgesagt"), "red")
    if workshop.ends_at < now or workshop.status in (Workshop.Status.HELD, Workshop.Status.DOCUMENTED):
        return RegistrationState("past", _("hat stattgefunden"), "")
    if selectors.workshop_registration_open(workshop=workshop, now=now):
        if workshop.seats_available > 0:
            return RegistrationState("open", _("Anmeldung offen"), "ok")
        if selectors.workshop_waitlist_open(workshop=workshop, now=now):
            return RegistrationState("waitlist", _("ausgebucht – Warteliste offen"), "warn")
        return RegistrationState("full", _("ausgebucht"), "warn")
    if workshop.registration_opens_at and now < workshop.registration_opens_at:
        return RegistrationState("not_yet", _("Anmeldung noch nicht geöffnet"), "")
    return RegistrationState("closed", _("Anmeldung geschlossen"), "")


def with_registration_states(workshops, *, now=None) -> list[Workshop]:
    now = now or timezone.now()
    workshops = list(workshops)
    for workshop in workshops:
        workshop.registration_state = registration_state(workshop, now=now)
    return workshops


# --- list and detail --------------------------------------------------------------------------------------


@require_GET
def workshop_list(request: HttpRequest) -> HttpResponse:
    if not pagecache.cacheable(request):
        return _workshop_list(request, {})
    key = "workshop-list:" + selectors.workshops_public_fingerprint(timezone.now())
    return pagecache.cached_page(request, key=key, render=lambda extra: _workshop_list(request, extra))


def _workshop_list(request: HttpRequest, extra_context: dict) -> HttpResponse:
    form = WorkshopFilterForm.for_request(request.GET)
    filters = form.filters()
    now = timezone.now()
    workshops = selectors.workshops_public()
    period = filters.get("zeitraum", WorkshopFilterForm.PERIOD_UPCOMING)
    if period == WorkshopFilterForm.PERIOD_PAST:
        workshops = workshops.filter(ends_at__lt=now).exclude(status=Workshop.Status.CANCELLED)
        workshops = workshops.order_by("-starts_at", "pk")
    else:
        workshops = workshops.filter(ends_at__gte=now).order_by("starts_at", "pk")
        if period == WorkshopFilterForm.PERIOD_WEEK:
            workshops = workshops.filter(starts_at__lt=now + timedelta(days=7))
        elif period == WorkshopFilterForm.PERIOD_MONTH:
            workshops = workshops.filter(starts_at__lt=now + timedelta(days=30))
    if "bezirk" in filters:
        workshops = workshops.filter(district__slug=filters["bezirk"])
    if "stadtteil" in filters:
        workshops = workshops.filter(quarters__slug=filters["stadtteil"])
    if "format" in filters:
        workshops = workshops.filter(format__slug=filters["format"])
    if filters.get("frei"):
        workshops = workshops.filter(
            status=Workshop.Status.PUBLISHED, seats_held__lt=F("capacity") + F("seats_pending")
        )
    query = {key: str(value) for key, value in request.GET.items() if key != "seite" and value}
    is_filtered = bool(set(filters) - {"zeitraum"})
    is_past = period == WorkshopFilterForm.PERIOD_PAST

    def render_results() -> tuple[str, int]:
        # quarters are loaded by workshop_cards for the cards it has to render (none when all are cached)
        page = Paginator(workshops.prefetch_related(None), PAGE_SIZE).get_page(request.GET.get("seite"))
        listed = list(page.object_list)
        context = {
            "page": page,
            "cards": workshop_cards(listed, now=now),
            "workshops": listed,
            "is_filtered": is_filtered,
            "is_past": is_past,
            "page_query": urlencode(query),
        }
        return render_to_string("workshops/includes/workshop_list_results.html", context), page.number

    # The results (count, cards, pages) are the same for everyone who asks the same query while no public
    # workshop changed: rendered once per language, query and fingerprint (fragment cache; logged-in people
    # and a crawl over the filters profit, the page cache serves only anonymous visitors).
    key = (
        "workshop-list-results",
        get_language(),
        tuple(sorted((name, tuple(request.GET.getlist(name))) for name in request.GET)),
        selectors.workshops_public_fingerprint(now) if fragments.enabled() else "",
    )
    results, page_number = fragments.get_or_render(key, render_results)
    return render(
        request,
        "workshops/workshop_list.html",
        {
            "form": form,
            "filter_fields": _filter_fields(form),
            "results": mark_safe(results),  # nosec B308 B703 - rendered by our autoescaping template
            "page_number": page_number,
            "is_past": is_past,
            **extra_context,
        },
    )


def _filter_fields(form: WorkshopFilterForm) -> str:
    """The fields of the list's filter form, rendered once per language and query (fragment cache)."""
    data = cast(QueryDict, form.data)  # bound to request.GET
    values = tuple((name, tuple(data.getlist(name))) for name in form.fields if name in data)
    key = ("workshop-filter-fields", get_language(), values)
    html = fragments.get_or_render(
        key, lambda: render_to_string("workshops/includes/workshop_filter_fields.html", {"form": form})
    )
    return mark_safe(html)  # nosec B308 B703 - rendered by our autoescaping template


def _team_for_public(workshop: Workshop) -> list[WorkshopTeamMember]:
    """The team as the public sees it: names and roles, no trainees, no contact data."""
    order = {role: index for index, role in enumerate(WorkshopTeamMember.Role.values)}
    members = [
        member
        for member in workshop.team.select_related("user")
        if member.role != WorkshopTeamMember.Role.TRAINEE and member.user.name
    ]
    return sorted(members, key=lambda member: (order.get(member.role, 99), member.user.name))


def _error_field(error: ApplicationError) -> str | None:
    """The form field a domain error of registration_create belongs to (None: the whole form)."""
    if isinstance(error, services.InvalidSeats):
        return "seats"
    if isinstance(error, services.ConsentMissing):
        return "support_consent" if error.code == "support_consent_missing" else "privacy_consent"
    if isinstance(error, services.InvalidInput):
        if "name" in error.code:
            return "name"
        if "email" in error.code:
            return "email"
    return None


def _group_choice(request: HttpRequest, *, requested: int) -> tuple[int, bool]:
    """The choice a group made after hearing that fewer seats are free: (seats to register, waiting list).

    `seats_now` (the button "register N now") lowers the number; `waitlist` puts the whole group on the
    waiting list. Neither: the group as asked for."""
    if request.POST.get("waitlist") == "1":
        return requested, True
    now = _int(request.POST.get("seats_now"))
    if 1 <= now < requested:
        return now, False
    return requested, False


def _support_needs(form: RegistrationForm):
    data = form.cleaned_data
    if not form.has_support_needs():
        return None
    return services.SupportNeeds(
        step_free=data["support_step_free"],
        sign_language=data["support_sign_language"],
        induction_loop=data["support_induction_loop"],
        easy_language=data["support_easy_language"],
        childcare=data["support_childcare"],
        other=data["support_other"].strip(),
    )


def _stamp_message(problem: str) -> str:
    """What a person is told when the form stamp did not pass (workshops.stamps); the form comes back."""
    if problem == stamps.EXPIRED:
        return _(
            "Das Formular war sehr lange geöffnet. Bitte prüfen Sie Ihre Angaben und senden Sie das Formular "
            "noch einmal ab."
        )
    if problem == stamps.USED:
        return _(
            "Dieses Formular wurde bereits abgeschickt. Bitte prüfen Sie Ihre Angaben und senden Sie das "
            "Formular noch einmal ab."
        )
    return _("Das ging sehr schnell. Bitte prüfen Sie Ihre Angaben und senden Sie das Formular noch einmal ab.")


def _register(request: HttpRequest, form: RegistrationForm, *, workshop: Workshop, seats: int, waitlist: bool) -> str:
    """Register through the service and return the status to tell ("pending" / "waitlisted"). When the
    address's mail budget is used up, nothing is stored or sent, and the answer is the one a new address
    would get (a third party cannot flood an address, and nobody learns whether it is registered)."""
    data = form.cleaned_data
    if not ratelimit.registration_mail_allowed(email=data["email"]):
        return services.registration_answer(workshop=workshop, seats=seats, waitlist=waitlist)
    result = services.registration_create(
        workshop=workshop,
        name=data["name"].strip(),
        email=data["email"],
        seats=seats,
        quarter=data["quarter"],
        support=_support_needs(form),
        support_consent=bool(data["support_consent"]) and form.has_support_needs(),
        privacy_consent=data["privacy_consent"],
        status_updates_opt_in=data["status_updates_opt_in"],
        user=request.user if request.user.is_authenticated else None,
        waitlist=waitlist,
        language=translation.get_language() or "",
    )
    return result.status


@require_http_methods(["GET", "HEAD", "POST"])
def workshop_detail(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = get_object_or_404(Workshop.objects.select_related("district", "format"), slug=slug)
    if workshop.status not in Workshop.PUBLIC_STATUSES and not may_preview(request.user, workshop):
        raise Http404
    state = registration_state(workshop)
    form = None
    status = 200
    group_choice = None
    if request.method == "POST":
        if not state.accepts_registrations:
            messages.error(request, _("Für diese Werkstatt ist keine Anmeldung möglich."))
            return redirect(workshop)
        form = RegistrationForm(request.POST, workshop=workshop)
        if form.is_bot():
            # Looks like success to the bot; nothing is stored.
            return redirect("workshops:registered", slug=workshop.slug)
        if form.is_valid():
            problem = form.stamp_problem()
            if problem:
                # Shown again with a retry stamp: sending it once more passes (issue 10.9).
                form.add_error(None, _stamp_message(problem))
            elif ratelimit.registration_rate_limited(request=request):
                status = 429
                form.add_error(
                    None,
                    _(
                        "Von hier kamen gerade sehr viele Anmeldungen. Bitte versuchen Sie es in einigen Minuten "
                        "noch einmal."
                    ),
                )
            else:
                data = form.cleaned_data
                seats, waitlist = _group_choice(request, requested=data["seats"])
                try:
                    answer = _register(request, form, workshop=workshop, seats=seats, waitlist=waitlist)
                except services.NotEnoughSeats as error:
                    # The honest choice: register the free number now, or the whole group on the waiting list.
                    # The form comes back with a retry stamp, so choosing is never "too fast".
                    form.add_error("seats", error.message)
                    group_choice = {"free": error.seats_available, "requested": error.seats_requested}
                except ApplicationError as error:
                    form.add_error(_error_field(error), error.message)
                else:
                    request.session[SESSION_LAST_REGISTRATION] = {
                        "slug": workshop.slug,
                        "status": answer,
                        "seats": seats,
                        "group_waitlist": waitlist,
                    }
                    return redirect("workshops:registered", slug=workshop.slug)
        if status == 200:
            status = 400
    elif pagecache.cacheable(request):
        key = f"workshop:{workshop.pk}:{workshop.updated_at.timestamp()}:{workshop.seats_available}:{state.code}"
        return pagecache.cached_page(
            request,
            key=key,
            render=lambda extra: _workshop_detail_page(request, workshop, state, _blank_form(workshop, state), extra),
            fill={STAMP_MARK: lambda: make_form_stamp(workshop_id=workshop.pk)},
        )
    elif workshop.status != Workshop.Status.DRAFT:
        # Logged-in people and (with the page cache off) everyone: the part below the staff links comes
        # from the fragment cache, keyed like the page cache; only the header and staff links are rendered.
        return _workshop_detail_page(request, workshop, state, None, {"body": _detail_body(request, workshop, state)})
    elif state.accepts_registrations:
        form = RegistrationForm(workshop=workshop)
    response = _workshop_detail_page(request, workshop, state, form, {"group_choice": group_choice}, status=status)
    if status == 429:
        response["Retry-After"] = str(ratelimit.retry_after_seconds())
    return response


STAMP_MARK = "hb-stamp-mark-2c9e"


def _blank_form(workshop: Workshop, state: RegistrationState) -> RegistrationForm | None:
    """The empty registration form with a marker where the per-request timestamp goes."""
    if not state.accepts_registrations:
        return None
    form = RegistrationForm(workshop=workshop)
    form.initial["stamp"] = STAMP_MARK
    return form


def _body_context(workshop: Workshop, state: RegistrationState, form) -> dict:
    """What workshops/includes/workshop_detail_body.html shows (the same for every visitor)."""
    return {
        "workshop": workshop,
        "state": state,
        "form": form,
        "quarters": list(workshop.quarters.order_by("name")),
        "agenda": list(workshop.agenda.select_related("method").order_by("order", "start_time", "pk")),
        "team": _team_for_public(workshop),
        "is_preview": workshop.status == Workshop.Status.DRAFT,
    }


def _detail_body(request: HttpRequest, workshop: Workshop, state: RegistrationState) -> str:
    """The body of a published workshop's page from the fragment cache (rendered at most once a minute per
    state and language), with this request's CSRF token and form stamp filled in."""
    key = (
        "workshop-body",
        get_language(),
        workshop.pk,
        workshop.updated_at.timestamp(),
        workshop.seats_available,
        state.code,
    )

    def render_body() -> str:
        context = {**_body_context(workshop, state, _blank_form(workshop, state)), "csrf_token": pagecache.CSRF_MARK}
        return render_to_string("workshops/includes/workshop_detail_body.html", context, request=request)

    html = fragments.get_or_render(key, render_body)
    html = html.replace(pagecache.CSRF_MARK, get_token(request))
    if state.accepts_registrations:
        html = html.replace(STAMP_MARK, make_form_stamp(workshop_id=workshop.pk))
    return mark_safe(html)  # nosec B308 B703 - rendered by our autoescaping template


def _workshop_detail_page(
    request: HttpRequest, workshop: Workshop, state: RegistrationState, form, extra_context: dict, status: int = 200
) -> HttpResponse:
    cached_body = "body" in extra_context
    context = {
        **(
            {"workshop": workshop, "state": state, "form": form}
            if cached_body
            else _body_context(workshop, state, form)
        ),
        "may_check_in": request.user.is_authenticated and may_check_in(request.user, workshop),
        **extra_context,
    }
    return render(request, "workshops/workshop_detail.html", context, status=status)


@require_GET
def registration_created(request: HttpRequest, slug: str) -> HttpResponse:
    """The page after the form: what happens next. No personal data in the URL; the status (pending or
    waitlisted) comes from the session and is the same whether or not the address was known."""
    workshop = get_object_or_404(selectors.workshops_public(), slug=slug)
    last = request.session.get(SESSION_LAST_REGISTRATION) or {}
    mine = last.get("slug") == slug
    return render(
        request,
        "workshops/registration_created.html",
        {
            "workshop": workshop,
            "status": last.get("status") if mine else None,
            "seats": last.get("seats") if mine else None,
            "group_waitlist": bool(last.get("group_waitlist")) if mine else False,
            "hold_hours": settings.WORKSHOPS_HOLD_HOURS,
        },
    )


# --- confirmation and the manage page (token links from the mails) ----------------------------------------


def _invalid_link(request: HttpRequest, *, expired: bool = False, workshop: Workshop | None = None) -> HttpResponse:
    return render(
        request,
        "workshops/registration_invalid_link.html",
        {"expired": expired, "workshop": workshop},
        status=410 if expired else 404,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def registration_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners follow links), POST confirms."""
    registration = selectors.registration_by_confirm_token(token=token)
    if request.method == "POST":
        on_waitlist = registration is not None and registration.status == Registration.Status.WAITLISTED
        try:
            registration = services.registration_confirm(token=token)
        except services.TokenExpired:
            return _invalid_link(request, expired=True, workshop=registration.workshop if registration else None)
        except ApplicationError as error:
            if registration is None:
                return _invalid_link(request)
            messages.error(request, error.message)
            return redirect(request.path)
        if on_waitlist:
            # The address of a waiting-list entry is proven (issue 15.4): its manage page shows the place on
            # the list, or the offer made right away. The manage link came in the same mail.
            if registration.status == Registration.Status.OFFERED:
                messages.success(
                    request,
                    _(
                        "Ihre E-Mail-Adresse ist bestätigt. Es ist ein Platz frei: Wir bieten ihn Ihnen an. "
                        "Bitte nehmen Sie ihn rechtzeitig an."
                    ),
                )
            else:
                messages.success(
                    request,
                    _("Ihre E-Mail-Adresse ist bestätigt. Wird ein Platz frei, bieten wir ihn Ihnen per E-Mail an."),
                )
            return redirect("workshops:manage", token=tokens_for(registration).manage)
        if registration.status == Registration.Status.WAITLISTED:
            # Registered beyond the cap of unconfirmed holds and the seats went to others meanwhile (ADR 0016).
            messages.warning(
                request,
                _(
                    "Ihre Adresse ist bestätigt. Inzwischen sind aber nicht mehr genug Plätze frei: Wir haben Sie "
                    "auf die Warteliste gesetzt und schreiben Ihnen, sobald ein Platz frei wird."
                ),
            )
            return redirect(registration.workshop)
        # The confirmed page repeats the recorded support needs: only for whoever held the confirm link.
        request.session[SESSION_CONFIRMED_REGISTRATION] = registration.pk
        return redirect("workshops:confirmed", slug=registration.workshop.slug)
    if registration is None:
        return _invalid_link(request)
    if registration.hold_expires_at and registration.hold_expires_at < timezone.now():
        return _invalid_link(request, expired=True, workshop=registration.workshop)
    return render(request, "workshops/registration_confirm.html", {"registration": registration})


@require_GET
def registration_confirmed(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = get_object_or_404(selectors.workshops_public(), slug=slug)
    registration = None
    confirmed_pk = request.session.get(SESSION_CONFIRMED_REGISTRATION)
    if confirmed_pk:
        registration = (
            Registration.objects.filter(
                pk=_int(confirmed_pk),
                workshop=workshop,
                status=Registration.Status.CONFIRMED,
                anonymised_at__isnull=True,
            )
            .select_related("workshop")
            .first()
        )
    context: dict = {"workshop": workshop, "registration": registration}
    if registration is not None:
        context["manage_url"] = reverse("workshops:manage", kwargs={"token": tokens_for(registration).manage})
        if registration.has_support_needs:
            context["support_needs"] = registration.support_needs_labels()
            context["support_due"] = selectors.support_answer_due(registration=registration)
    response = render(request, "workshops/registration_confirmed.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _allowed_actions(registration: Registration, *, now=None) -> set[str]:
    """What the person may do with a registration now."""
    now = now or timezone.now()
    workshop = registration.workshop
    if workshop.ends_at < now or workshop.status == Workshop.Status.CANCELLED:
        return set()
    status = registration.status
    if status in (Registration.Status.PENDING, Registration.Status.CONFIRMED):
        return {"cancel"}
    if status == Registration.Status.WAITLISTED:
        return {"leave_waitlist"}
    if status == Registration.Status.OFFERED:
        return {"accept_offer", "decline_offer"}
    return set()


REGISTRATION_ACTIONS = {
    "cancel": (
        # by=None: the person cancels for themselves (until the start), even when logged in.
        lambda registration: services.registration_cancel(registration=registration, by=None),
        lambda: _("Ihre Anmeldung ist storniert. Danke, dass Sie Ihren Platz freigegeben haben."),
    ),
    "leave_waitlist": (
        lambda registration: services.registration_leave_waitlist(registration=registration),
        lambda: _("Sie stehen nicht mehr auf der Warteliste."),
    ),
    "accept_offer": (
        lambda registration: services.offer_accept(registration=registration),
        lambda: _("Sie haben den Platz angenommen. Ihre Anmeldung ist bestätigt."),
    ),
    "decline_offer": (
        lambda registration: services.offer_decline(registration=registration),
        lambda: _("Sie haben den Platz abgelehnt. Er wird der nächsten Person angeboten."),
    ),
}


def _run_registration_action(request: HttpRequest, registration: Registration, action: str) -> None:
    """Run one of REGISTRATION_ACTIONS through its service and report the outcome as a message."""
    if action not in REGISTRATION_ACTIONS or action not in _allowed_actions(registration):
        messages.error(request, _("Diese Aktion ist für Ihre Anmeldung gerade nicht möglich."))
        return
    run, success_message = REGISTRATION_ACTIONS[action]
    try:
        run(registration)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success_message())


def _cancel_unconfirmed(request: HttpRequest) -> bool:
    """A cancellation posted without its confirmation step: the page asks once more before anything changes
    (manage page and "Meine Anmeldungen" alike, workshops/includes/cancel_confirm.html)."""
    return request.POST.get("action") == "cancel" and request.POST.get("confirm_cancel") != "yes"


def _undo_cancel(request: HttpRequest, registration: Registration) -> None:
    """Take back a cancellation (within WORKSHOPS_CANCEL_UNDO_MINUTES) and say how it went."""
    try:
        services.registration_cancel_undo(registration=registration)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Die Stornierung ist rückgängig gemacht. Ihre Anmeldung gilt wieder."))


def _undo_until(registration: Registration, *, now) -> datetime | None:
    """Until when the page offers to undo this registration's cancellation (None: not offered)."""
    undo_until = services.cancel_undo_deadline(registration)
    return undo_until if undo_until and undo_until > now and registration.workshop.starts_at > now else None


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def registration_manage(request: HttpRequest, token: str) -> HttpResponse:
    """The page behind the secret link in every mail: status, cancel, waiting list, offers, own data."""
    registration = selectors.registration_by_manage_token(token=token)
    if registration is None:
        return _invalid_link(request)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "export_data":
            return _personal_data_export(request, registration)
        if action == "erase_data":
            return _personal_data_erase(request, registration)
        if action == "support_update":
            return _support_update(request, registration)
        if action == "change_seats":
            return _change_seats(request, registration)
        if action == "withdraw_consent":
            return _withdraw_consent(request, registration)
        if action == "undo_cancel":
            _undo_cancel(request, registration)
            return redirect(request.path)
        if _cancel_unconfirmed(request):
            return redirect(f"{request.path}?stornieren=1#stornieren")
        if action == "set_language":
            try:
                services.registration_language_set(registration=registration, language=request.POST.get("language", ""))
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Wir schreiben Ihnen ab jetzt in der gewählten Sprache."))
            return redirect(request.path)
        _run_registration_action(request, registration, action)
        return redirect(request.path)
    waitlist_position = None
    if registration.status == Registration.Status.WAITLISTED and registration.waitlisted_at:
        ahead = registration.workshop.registrations.filter(
            status=Registration.Status.WAITLISTED, waitlisted_at__lt=registration.waitlisted_at
        ).count()
        waitlist_position = ahead + 1
    actions = _allowed_actions(registration)
    now = timezone.now()
    workshop = registration.workshop
    seats_editable = (
        registration.status in services.changes.CHANGEABLE_STATUSES
        and workshop.starts_at > now
        and workshop.status == Workshop.Status.PUBLISHED
    )
    return render(
        request,
        "workshops/registration_manage.html",
        {
            "registration": registration,
            "workshop": workshop,
            "actions": actions,
            "confirm_cancel": request.GET.get("stornieren") == "1" and "cancel" in actions,
            "undo_until": _undo_until(registration, now=now),
            "seats_editable": seats_editable,
            "seat_choices": range(1, workshop.max_seats_per_registration + 1),
            "seats_free": workshop.seats_available,
            "consents": services.registration_consents_active(registration=registration),
            "support_consent_text": support_consent_text(settings.WORKSHOPS_SUPPORT_RETENTION_DAYS),
            "undo_minutes": settings.WORKSHOPS_CANCEL_UNDO_MINUTES,
            "waitlist_position": waitlist_position,
            # A waiting-list entry whose address is not proven yet gets no offers (issue 15.4).
            "waitlist_confirm_url": reverse("workshops:confirm", kwargs={"token": tokens_for(registration).confirm})
            if registration.status == Registration.Status.WAITLISTED and registration.confirm_token_hash
            else None,
            "support_needs": registration.support_needs_labels(),
            "support_editable": registration.status not in Registration.INACTIVE_STATUSES
            and not registration.anonymised_at
            and registration.workshop.starts_at > timezone.now(),
            "support_choices": [(name, support_label(name), getattr(registration, name)) for name in SUPPORT_CHOICES],
            "support_due": selectors.support_answer_due(registration=registration)
            if registration.has_support_needs
            else None,
        },
    )


SUPPORT_CHOICES = (
    "support_step_free",
    "support_sign_language",
    "support_induction_loop",
    "support_easy_language",
    "support_childcare",
)


def _support_update(request: HttpRequest, registration: Registration) -> HttpResponse:
    """Change or withdraw support needs from the manage page (empty: withdrawn)."""
    post = request.POST
    support = services.SupportNeeds(
        **{name.removeprefix("support_"): post.get(name) == "on" for name in SUPPORT_CHOICES},
        other=(post.get("support_other") or "")[:500],
    )
    try:
        if support.any():
            services.registration_support_update(
                registration=registration, support=support, consent=post.get("support_consent") == "on"
            )
        else:
            # Emptied: the same as withdrawing the consent (the data is deleted, the team is told).
            services.registration_consent_withdraw(
                registration=registration, purpose=ConsentRecord.Purpose.SUPPORT_NEEDS
            )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if support.any():
            messages.success(
                request, _("Ihre Angaben zur Unterstützung sind gespeichert. Das Team meldet sich bei Ihnen.")
            )
        else:
            messages.success(request, _("Ihre Angaben zur Unterstützung sind gelöscht."))
    return redirect(request.path)


def _change_seats(request: HttpRequest, registration: Registration) -> HttpResponse:
    seats = _int(request.POST.get("seats"))
    try:
        services.registration_seats_change(registration=registration, seats=seats)
    except services.NotEnoughSeats as error:
        # Its seats_available counts the person's own seats too: say how many people are possible, not
        # "free" (the page says how many are free besides them).
        messages.error(
            request,
            ngettext(
                "Für %(requested)d Personen sind nicht genug Plätze frei. Höchstens %(max)d Person ist möglich.",
                "Für %(requested)d Personen sind nicht genug Plätze frei. Höchstens %(max)d Personen sind möglich.",
                error.seats_available,
            )
            % {"requested": error.seats_requested, "max": error.seats_available},
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext(
                "Gespeichert: Ihre Anmeldung gilt jetzt für %(count)d Person.",
                "Gespeichert: Ihre Anmeldung gilt jetzt für %(count)d Personen.",
                seats,
            )
            % {"count": seats},
        )
    return redirect(request.path)


CONSENT_WITHDRAWN_MESSAGES = {
    ConsentRecord.Purpose.SUPPORT_NEEDS: lambda: _(
        "Ihre Einwilligung ist widerrufen. Ihre Angaben zur Unterstützung sind gelöscht; das Team weiß Bescheid."
    ),
    ConsentRecord.Purpose.STATUS_UPDATES: lambda: _(
        "Ihre Einwilligung ist widerrufen. Wir schreiben Ihnen nicht mehr, was aus den Ergebnissen wird."
    ),
}


def _withdraw_consent(request: HttpRequest, registration: Registration) -> HttpResponse:
    purpose = request.POST.get("purpose", "")
    try:
        services.registration_consent_withdraw(registration=registration, purpose=purpose)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, CONSENT_WITHDRAWN_MESSAGES[purpose]())  # type: ignore[index]  # checked
    return redirect(request.path)


def _personal_data_export(request: HttpRequest, registration: Registration) -> HttpResponse:
    try:
        data = account_services.personal_data_export(email=registration.email)
    except NotImplementedError:
        messages.error(request, _("Der Daten-Export steht gerade nicht zur Verfügung. Bitte versuchen Sie es später."))
        return redirect(request.path)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="meine-daten-bezirkswerkstaetten.json"'
    return response


def _personal_data_erase(request: HttpRequest, registration: Registration) -> HttpResponse:
    if request.POST.get("confirm_erase") != "yes":
        messages.error(request, _("Bitte bestätigen Sie, dass Ihre Daten gelöscht werden sollen."))
        return redirect(request.path)
    try:
        account_services.personal_data_erase(email=registration.email)
    except NotImplementedError:
        messages.error(request, _("Das Löschen steht gerade nicht zur Verfügung. Bitte versuchen Sie es später."))
        return redirect(request.path)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(request.path)
    return redirect("workshops:data_erased")


@require_GET
def data_erased(request: HttpRequest) -> HttpResponse:
    return render(request, "workshops/registration_data_erased.html")


# --- calendar files -----------------------------------------------------------------------------------------


def _calendar_response(content: bytes, *, filename: str, attachment: bool) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@require_GET
def workshop_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = get_object_or_404(selectors.workshops_public(), slug=slug)
    return _calendar_response(ics.workshop_ics(workshop), filename=f"{workshop.slug}.ics", attachment=True)


@require_GET
def district_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """A feed to subscribe to: the district's upcoming workshops and those of the last weeks."""
    district = get_object_or_404(District, slug=slug)
    workshops = selectors.workshops_public().filter(
        district=district, ends_at__gte=timezone.now() - timedelta(days=FEED_PAST_DAYS)
    )
    return _calendar_response(
        ics.workshop_ics(*workshops.order_by("starts_at")), filename=f"bezirkswerkstaetten-{slug}.ics", attachment=False
    )


# --- district page ------------------------------------------------------------------------------------------

DISTRICT_PAST_LIMIT = 12
# The next ones only (a district plans hundreds at ten times city scale); the rest via the filtered list.
DISTRICT_UPCOMING_LIMIT = 24


@require_GET
def district_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A Stadtbezirk with its quarters and its upcoming and past workshops (DESIGN §3: the page shows
    workshops, so the workshops app serves it)."""
    district = get_object_or_404(District.objects.with_quarters(), slug=slug)
    now = timezone.now()
    workshops = selectors.workshops_public().filter(district=district)
    upcoming = list(workshops.filter(ends_at__gte=now).order_by("starts_at", "pk")[: DISTRICT_UPCOMING_LIMIT + 1])
    past = (workshops.filter(ends_at__lt=now).exclude(status=Workshop.Status.CANCELLED).order_by("-starts_at", "pk"))[
        :DISTRICT_PAST_LIMIT
    ]
    return render(
        request,
        "workshops/district_detail.html",
        {
            "district": district,
            "upcoming": with_registration_states(upcoming[:DISTRICT_UPCOMING_LIMIT], now=now),
            "more_upcoming": len(upcoming) > DISTRICT_UPCOMING_LIMIT,
            "past": with_registration_states(past, now=now),
        },
    )


# --- "Meine Anmeldungen" ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def my_registrations(request: HttpRequest) -> HttpResponse:
    registrations = selectors.registrations_of_user(user=request.user)
    if request.method == "POST":
        registration = (
            registrations.filter(pk=_int(request.POST.get("registration"))).select_related("workshop").first()
        )
        if registration is None:
            raise Http404
        action = request.POST.get("action", "")
        if action == "withdraw_consent":
            _withdraw_consent(request, registration)
            back = "accounts:overview" if request.POST.get("back") == "konto" else "workshops:my_registrations"
            return redirect(back)
        # Cancelling works as from the manage link: a confirmation step, then an undo for a few minutes.
        if action == "undo_cancel":
            _undo_cancel(request, registration)
            return redirect("workshops:my_registrations")
        if _cancel_unconfirmed(request):
            url = reverse("workshops:my_registrations")
            return redirect(f"{url}?{urlencode({'stornieren': registration.pk})}#stornieren")
        _run_registration_action(request, registration, action)
        return redirect("workshops:my_registrations")
    now = timezone.now()
    rows = list(registrations.select_related("workshop", "workshop__district").order_by("workshop__starts_at", "pk"))
    confirm_cancel = _int(request.GET.get("stornieren"))
    for registration in rows:
        registration.actions = _allowed_actions(registration, now=now)  # type: ignore[attr-defined]  # template
        registration.withdrawable = services.registration_consents_active(registration=registration)  # type: ignore[attr-defined]
        registration.undo_until = _undo_until(registration, now=now)  # type: ignore[attr-defined]
        registration.confirm_cancel = registration.pk == confirm_cancel and "cancel" in registration.actions  # type: ignore[attr-defined]
    return render(
        request,
        "workshops/registration_list_mine.html",
        {
            "upcoming": [r for r in rows if r.workshop.ends_at >= now],
            "past": [r for r in reversed(rows) if r.workshop.ends_at < now],
            "undo_minutes": settings.WORKSHOPS_CANCEL_UNDO_MINUTES,
        },
    )


# --- method library -----------------------------------------------------------------------------------------


@require_GET
def method_list(request: HttpRequest) -> HttpResponse:
    methods = Method.objects.filter(is_published=True).order_by("name")
    return render(request, "workshops/method_list.html", {"methods": methods})


@require_GET
def method_detail(request: HttpRequest, slug: str) -> HttpResponse:
    method = get_object_or_404(Method, slug=slug, is_published=True)
    workshops = (
        selectors.workshops_public()
        .filter(agenda__method=method, ends_at__gte=timezone.now())
        .exclude(status=Workshop.Status.CANCELLED)
        .distinct()
        .order_by("starts_at")[:5]
    )
    return render(request, "workshops/method_detail.html", {"method": method, "workshops": workshops})


# --- check-in (staff, on a phone) ---------------------------------------------------------------------------

CHECK_IN_STATUSES = (Registration.Status.CONFIRMED,)
ADMIT_STATUSES = (
    Registration.Status.CONFIRMED,
    Registration.Status.PENDING,
    Registration.Status.OFFERED,
    Registration.Status.WAITLISTED,
)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def workshop_check_in(request: HttpRequest, slug: str) -> HttpResponse:
    """Search by name or check-in code (`?code=` from the QR code fills it in), check in with one tap, undo."""
    workshop = get_object_or_404(Workshop.objects.select_related("district"), slug=slug)
    if not may_check_in(request.user, workshop):
        raise PermissionDenied
    walk_in_form = WalkInForm(workshop=workshop)
    if request.method == "POST" and request.POST.get("action") == "walk_in":
        walk_in_form = WalkInForm(request.POST, workshop=workshop)
        if walk_in_form.is_valid():
            data = walk_in_form.cleaned_data
            try:
                walk_in = services.registration_walk_in(
                    workshop=workshop,
                    name=data["name"],
                    seats=data["seats"],
                    email=data["email"],
                    mail_consent=data["mail_consent"],
                    status_updates_opt_in=data["status_updates_opt_in"],
                    by=request.user,
                    language=translation.get_language() or "",
                )
            except ApplicationError as error:
                walk_in_form.add_error(None, error.message)
            else:
                let_in = ngettext(
                    "%(name)s ist ohne Anmeldung eingelassen und eingecheckt (%(count)d Person).",
                    "%(name)s ist ohne Anmeldung eingelassen und eingecheckt (%(count)d Personen).",
                    walk_in.seats,
                ) % {"name": walk_in.name, "count": walk_in.seats}
                mailed = (
                    _("Eine E-Mail geht an %(email)s.") % {"email": walk_in.email}
                    if walk_in.email
                    else _("Ohne Adresse schicken wir keine E-Mail.")
                )
                messages.success(request, f"{let_in} {mailed}")
                return redirect(reverse("workshops:check_in", kwargs={"slug": workshop.slug}))
    elif request.method == "POST":
        registration = get_object_or_404(
            Registration.objects.select_related("workshop"),
            pk=_int(request.POST.get("registration")),
            workshop=workshop,
        )
        action = request.POST.get("action")
        try:
            if action in ("check_in", "admit"):
                arrived = _int(request.POST.get("arrived")) or None
                admitted = services.registration_admit_arrived(
                    registration=registration, arrived=arrived, by=request.user
                )
                messages.success(request, _checked_in_message(admitted))
            elif action == "undo":
                services.registration_undo_check_in(registration=registration, by=request.user)
                messages.success(request, _("Check-in von %(name)s zurückgenommen.") % {"name": registration.name})
            else:
                messages.error(request, _("Unbekannte Aktion."))
        except ApplicationError as error:
            messages.error(request, error.message)
        query = request.POST.get("q", "").strip()
        url = reverse("workshops:check_in", kwargs={"slug": workshop.slug})
        return redirect(f"{url}?{urlencode({'q': query})}" if query else url)

    query = (request.GET.get("q") or request.GET.get("code") or "").strip()
    form = CheckInSearchForm(initial={"q": query})
    attendees = workshop.registrations.filter(status__in=CHECK_IN_STATUSES)
    code_match = None
    # Also people who are not confirmed yet: they can be admitted at the door (seats permitting).
    found = workshop.registrations.filter(status__in=ADMIT_STATUSES)
    if query:
        code_match = selectors.registration_by_check_in_code(workshop=workshop, code=query)
        found = found.filter(Q(name__icontains=query) | Q(check_in_code__iexact=query))
    matches = list(found.order_by("name", "pk")[:200])
    for match in matches:
        match.seat_range = range(1, match.seats + 1)  # type: ignore[attr-defined]  # template
    if code_match is not None and code_match.pk not in {r.pk for r in matches}:
        matches.insert(0, code_match)
    totals = attendees.aggregate(
        expected=Sum("seats"),
        arrived=Sum(
            Case(
                When(checked_in_at__isnull=False, then=Coalesce(F("checked_in_seats"), F("seats"))),
                default=Value(0),
            ),
            output_field=IntegerField(),
        ),
        walk_ins=Sum(Case(When(walk_in=True, then=F("seats")), default=Value(0)), output_field=IntegerField()),
    )
    return render(
        request,
        "workshops/workshop_check_in.html",
        {
            "workshop": workshop,
            "form": form,
            "query": query,
            "matches": matches,
            "code_match": code_match,
            "expected": totals["expected"] or 0,
            "arrived": totals["arrived"] or 0,
            "walk_ins": totals["walk_ins"] or 0,
            "seats_free": workshop.seats_available,
            "walk_in_form": walk_in_form,
        },
        status=400 if walk_in_form.is_bound else 200,
    )


def _checked_in_message(registration: Registration) -> str:
    """ "Ada: 2 von 4 Personen eingecheckt." — plural-correct in every language (ngettext)."""
    arrived = registration.arrived_seats
    if arrived < registration.seats:
        return ngettext(
            "%(name)s: %(arrived)d von %(seats)d Person eingecheckt.",
            "%(name)s: %(arrived)d von %(seats)d Personen eingecheckt.",
            registration.seats,
        ) % {"name": registration.name, "arrived": arrived, "seats": registration.seats}
    return ngettext(
        "%(name)s ist eingecheckt (%(seats)d Person).",
        "%(name)s ist eingecheckt (%(seats)d Personen).",
        arrived,
    ) % {"name": registration.name, "seats": arrived}
