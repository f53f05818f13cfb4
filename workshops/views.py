"""Public workshop pages, the citizen's registration path, "Meine Anmeldungen", the method library, the
district page and the staff check-in view.

Every write goes through workshops.services (or accounts.services for data-subject rights); domain errors
(ApplicationError) become messages or form errors, never a 500. Every list runs a constant number of
queries."""

import json
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, IntegerField, Max, Prefetch, Q, QuerySet, Sum, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts import services as account_services
from core import pagecache
from core.exceptions import ApplicationError
from districts.models import District, Quarter

from . import ics, ratelimit, selectors, services
from .forms import CheckInSearchForm, RegistrationForm, WorkshopFilterForm, make_form_stamp
from .models import Method, Registration, Workshop, WorkshopTeamMember

PAGE_SIZE = 20
SESSION_LAST_REGISTRATION = "workshops_last_registration"
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


def public_workshops() -> QuerySet:
    """Every workshop the public may see (not drafts), with what a card shows, in a constant number of queries."""
    return (
        Workshop.objects.exclude(status=Workshop.Status.DRAFT)
        .select_related("district", "format")
        .prefetch_related(Prefetch("quarters", queryset=Quarter.objects.order_by("name")))
    )


# --- list and detail --------------------------------------------------------------------------------------


@require_GET
def workshop_list(request: HttpRequest) -> HttpResponse:
    if not pagecache.cacheable(request):
        return _workshop_list(request, {})
    now = timezone.now()
    # The page changes when a public workshop changes (edit, seats) or, with time, its state: so the key
    # carries a fingerprint of all public workshops (one aggregate query) and the current minute.
    fingerprint = public_workshops().aggregate(changed=Max("updated_at"), seats=Sum("seats_held"), count=Count("pk"))
    key = "workshop-list:{changed}:{seats}:{count}:".format(**fingerprint) + now.strftime("%Y%m%d%H%M")
    return pagecache.cached_page(request, key=key, render=lambda extra: _workshop_list(request, extra))


def _workshop_list(request: HttpRequest, extra_context: dict) -> HttpResponse:
    form = WorkshopFilterForm.for_request(request.GET)
    filters = form.filters()
    now = timezone.now()
    workshops = public_workshops()
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
        workshops = workshops.filter(status=Workshop.Status.PUBLISHED, seats_held__lt=F("capacity"))
    page = Paginator(workshops, PAGE_SIZE).get_page(request.GET.get("seite"))
    query = {key: str(value) for key, value in request.GET.items() if key != "seite" and value}
    return render(
        request,
        "workshops/workshop_list.html",
        {
            "form": form,
            "page": page,
            "workshops": with_registration_states(page.object_list, now=now),
            "is_filtered": bool(set(filters) - {"zeitraum"}),
            "is_past": period == WorkshopFilterForm.PERIOD_PAST,
            "page_query": urlencode(query),
            **extra_context,
        },
    )


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


@require_http_methods(["GET", "HEAD", "POST"])
def workshop_detail(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = get_object_or_404(Workshop.objects.select_related("district", "format"), slug=slug)
    if workshop.status == Workshop.Status.DRAFT and not may_preview(request.user, workshop):
        raise Http404
    state = registration_state(workshop)
    form = None
    status = 200
    if request.method == "POST":
        if not state.accepts_registrations:
            messages.error(request, _("Für diese Werkstatt ist keine Anmeldung möglich."))
            return redirect(workshop)
        form = RegistrationForm(request.POST, workshop=workshop)
        if form.is_bot():
            # Looks like success to the bot; nothing is stored.
            return redirect("workshops:registered", slug=workshop.slug)
        if form.is_valid():
            if form.too_fast():
                form.add_error(
                    None,
                    _(
                        "Das ging sehr schnell. Bitte prüfen Sie Ihre Angaben und senden Sie das Formular "
                        "noch einmal ab."
                    ),
                )
            elif ratelimit.registration_rate_limited(request=request, email=form.cleaned_data["email"]):
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
                try:
                    result = services.registration_create(
                        workshop=workshop,
                        name=data["name"].strip(),
                        email=data["email"],
                        seats=data["seats"],
                        quarter=data["quarter"],
                        support=_support_needs(form),
                        support_consent=bool(data["support_consent"]) and form.has_support_needs(),
                        privacy_consent=data["privacy_consent"],
                        status_updates_opt_in=data["status_updates_opt_in"],
                        user=request.user if request.user.is_authenticated else None,
                    )
                except ApplicationError as error:
                    form.add_error(_error_field(error), error.message)
                else:
                    request.session[SESSION_LAST_REGISTRATION] = {"slug": workshop.slug, "status": result.status}
                    return redirect("workshops:registered", slug=workshop.slug)
        if status == 200:
            status = 400
    elif pagecache.cacheable(request):
        key = f"workshop:{workshop.pk}:{workshop.updated_at.timestamp()}:{workshop.seats_held}:{state.code}"
        return pagecache.cached_page(
            request,
            key=key,
            render=lambda extra: _workshop_detail_page(request, workshop, state, _blank_form(workshop, state), extra),
            fill={STAMP_MARK: lambda: make_form_stamp(workshop_id=workshop.pk)},
        )
    elif state.accepts_registrations:
        form = RegistrationForm(workshop=workshop)
    response = _workshop_detail_page(request, workshop, state, form, {}, status=status)
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


def _workshop_detail_page(
    request: HttpRequest, workshop: Workshop, state: RegistrationState, form, extra_context: dict, status: int = 200
) -> HttpResponse:
    context = {
        "workshop": workshop,
        "state": state,
        "form": form,
        "quarters": list(workshop.quarters.order_by("name")),
        "agenda": list(workshop.agenda.select_related("method").order_by("order", "start_time", "pk")),
        "team": _team_for_public(workshop),
        "is_preview": workshop.status == Workshop.Status.DRAFT,
        "may_check_in": request.user.is_authenticated and may_check_in(request.user, workshop),
        **extra_context,
    }
    return render(request, "workshops/workshop_detail.html", context, status=status)


@require_GET
def registration_created(request: HttpRequest, slug: str) -> HttpResponse:
    """The page after the form: what happens next. No personal data in the URL; the status (pending or
    waitlisted) comes from the session and is the same whether or not the address was known."""
    workshop = get_object_or_404(public_workshops(), slug=slug)
    last = request.session.get(SESSION_LAST_REGISTRATION) or {}
    status = last.get("status") if last.get("slug") == slug else None
    return render(
        request,
        "workshops/registration_created.html",
        {"workshop": workshop, "status": status, "hold_hours": settings.WORKSHOPS_HOLD_HOURS},
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
        try:
            registration = services.registration_confirm(token=token)
        except services.TokenExpired:
            return _invalid_link(request, expired=True, workshop=registration.workshop if registration else None)
        except ApplicationError as error:
            if registration is None:
                return _invalid_link(request)
            messages.error(request, error.message)
            return redirect(request.path)
        return redirect("workshops:confirmed", slug=registration.workshop.slug)
    if registration is None:
        return _invalid_link(request)
    if registration.hold_expires_at and registration.hold_expires_at < timezone.now():
        return _invalid_link(request, expired=True, workshop=registration.workshop)
    return render(request, "workshops/registration_confirm.html", {"registration": registration})


@require_GET
def registration_confirmed(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = get_object_or_404(public_workshops(), slug=slug)
    return render(request, "workshops/registration_confirmed.html", {"workshop": workshop})


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
        _run_registration_action(request, registration, action)
        return redirect(request.path)
    waitlist_position = None
    if registration.status == Registration.Status.WAITLISTED and registration.waitlisted_at:
        ahead = registration.workshop.registrations.filter(
            status=Registration.Status.WAITLISTED, waitlisted_at__lt=registration.waitlisted_at
        ).count()
        waitlist_position = ahead + 1
    return render(
        request,
        "workshops/registration_manage.html",
        {
            "registration": registration,
            "workshop": registration.workshop,
            "actions": _allowed_actions(registration),
            "waitlist_position": waitlist_position,
        },
    )


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
    workshop = get_object_or_404(public_workshops(), slug=slug)
    return _calendar_response(ics.workshop_ics(workshop), filename=f"{workshop.slug}.ics", attachment=True)


@require_GET
def district_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """A feed to subscribe to: the district's upcoming workshops and those of the last weeks."""
    district = get_object_or_404(District, slug=slug)
    workshops = public_workshops().filter(
        district=district, ends_at__gte=timezone.now() - timedelta(days=FEED_PAST_DAYS)
    )
    return _calendar_response(
        ics.workshop_ics(*workshops.order_by("starts_at")), filename=f"bezirkswerkstaetten-{slug}.ics", attachment=False
    )


# --- district page ------------------------------------------------------------------------------------------

DISTRICT_PAST_LIMIT = 12


@require_GET
def district_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A Stadtbezirk with its quarters and its upcoming and past workshops (DESIGN §3: the page shows
    workshops, so the workshops app serves it)."""
    district = get_object_or_404(District.objects.with_quarters(), slug=slug)
    now = timezone.now()
    workshops = public_workshops().filter(district=district)
    upcoming = workshops.filter(ends_at__gte=now).order_by("starts_at", "pk")
    past = (workshops.filter(ends_at__lt=now).exclude(status=Workshop.Status.CANCELLED).order_by("-starts_at", "pk"))[
        :DISTRICT_PAST_LIMIT
    ]
    return render(
        request,
        "workshops/district_detail.html",
        {
            "district": district,
            "upcoming": with_registration_states(upcoming, now=now),
            "past": with_registration_states(past, now=now),
        },
    )


# --- "Meine Anmeldungen" ------------------------------------------------------------------------------------


def registrations_of_user(user) -> QuerySet:
    """Registrations made with the account, or with one of its verified e-mail addresses."""
    from allauth.account.models import EmailAddress

    addresses = list(EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True))
    condition = Q(user=user)
    for address in addresses:
        condition |= Q(email__iexact=address)
    return Registration.objects.filter(condition, anonymised_at__isnull=True)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def my_registrations(request: HttpRequest) -> HttpResponse:
    registrations = registrations_of_user(request.user)
    if request.method == "POST":
        registration = (
            registrations.filter(pk=_int(request.POST.get("registration"))).select_related("workshop").first()
        )
        if registration is None:
            raise Http404
        _run_registration_action(request, registration, request.POST.get("action", ""))
        return redirect("workshops:my_registrations")
    now = timezone.now()
    rows = list(registrations.select_related("workshop", "workshop__district").order_by("workshop__starts_at", "pk"))
    for registration in rows:
        registration.actions = _allowed_actions(registration, now=now)
    return render(
        request,
        "workshops/registration_list_mine.html",
        {
            "upcoming": [r for r in rows if r.workshop.ends_at >= now],
            "past": [r for r in reversed(rows) if r.workshop.ends_at < now],
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
        public_workshops()
        .filter(agenda__method=method, ends_at__gte=timezone.now())
        .exclude(status=Workshop.Status.CANCELLED)
        .distinct()
        .order_by("starts_at")[:5]
    )
    return render(request, "workshops/method_detail.html", {"method": method, "workshops": workshops})


# --- check-in (staff, on a phone) ---------------------------------------------------------------------------

CHECK_IN_STATUSES = (Registration.Status.CONFIRMED,)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def workshop_check_in(request: HttpRequest, slug: str) -> HttpResponse:
    """Search by name or check-in code (`?code=` from the QR code fills it in), check in with one tap, undo."""
    workshop = get_object_or_404(Workshop.objects.select_related("district"), slug=slug)
    if not may_check_in(request.user, workshop):
        raise PermissionDenied
    if request.method == "POST":
        registration = get_object_or_404(
            Registration.objects.select_related("workshop"),
            pk=_int(request.POST.get("registration")),
            workshop=workshop,
        )
        action = request.POST.get("action")
        try:
            if action == "check_in":
                services.registration_check_in(registration=registration, by=request.user)
                messages.success(
                    request,
                    _("%(name)s ist eingecheckt (%(seats)d Person(en)).")
                    % {"name": registration.name, "seats": registration.seats},
                )
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
    found = attendees
    if query:
        code_match = selectors.registration_by_check_in_code(workshop=workshop, code=query)
        found = attendees.filter(Q(name__icontains=query) | Q(check_in_code__iexact=query))
    matches = list(found.order_by("name", "pk")[:200])
    if code_match is not None and code_match.pk not in {r.pk for r in matches}:
        matches.insert(0, code_match)
    totals = attendees.aggregate(
        expected=Sum("seats"),
        arrived=Sum(
            Case(When(checked_in_at__isnull=False, then=F("seats")), default=Value(0)), output_field=IntegerField()
        ),
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
        },
    )
