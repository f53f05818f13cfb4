"""The Fachteam's admin: workshops with occupancy, registrations with actions, exports and support-need counts.

Every change of seats or status goes through workshops.services; the admin never writes a registration
row itself. Object permissions come from workshops/rules.py (WorkshopRulesAdminMixin)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.admin_lists import CappedCountPaginator
from core.exceptions import ApplicationError
from core.models import AuditLog
from core.services import audit_log

from . import exports, services
from .forms import WorkshopCancelForm
from .models import AgendaItem, ConsentRecord, Format, Method, Registration, Workshop, WorkshopTeamMember
from .rules import WorkshopRulesAdminMixin

# --- permission decisions of the extra admin views (one function each) ------------------------------------


def may_export_attendees(user, workshop: Workshop) -> bool:
    return user.has_perm("workshops.export_attendees", workshop)


def may_view_support_needs(user, workshop: Workshop) -> bool:
    return user.has_perm("workshops.view_support_needs", workshop)


# --- workshops ------------------------------------------------------------------------------------------------


class PeriodFilter(admin.SimpleListFilter):
    title = _("Zeitraum")
    parameter_name = "zeitraum"

    def lookups(self, request, model_admin):
        return [("kommend", _("kommend")), ("vergangen", _("vergangen"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "kommend":
            return queryset.filter(ends_at__gte=now)
        if self.value() == "vergangen":
            return queryset.filter(ends_at__lt=now)
        return queryset


class WorkshopAdminForm(forms.ModelForm):
    class Meta:
        model = Workshop
        fields = [
            "title", "slug", "status", "district", "quarters", "format", "topic", "description", "summary_easy",
            "participation_level", "starts_at", "ends_at", "venue_name", "venue_address", "online_url",
            "venue_step_free", "venue_accessible_toilet", "venue_induction_loop", "venue_public_transport",
            "venue_notes", "capacity", "max_seats_per_registration", "registration_opens_at",
            "registration_closes_at", "reminder_enabled", "reminder_lead_hours", "reminder_text",
        ]  # fmt: skip

    online_url = forms.URLField(label=_("Online-Zugang"), required=False, assume_scheme="https")

    def clean(self):
        # The rules live in the services (workshop_rule_errors); here they only become field messages.
        cleaned = super().clean() or {}
        current = self.instance if self.instance.pk else None
        values = {name: cleaned[name] for name in self.changed_data if name in cleaned} if current else cleaned
        for field, message in services.workshop_rule_errors(workshop=current, values=values).items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return cleaned


class TeamInline(admin.TabularInline):
    model = WorkshopTeamMember
    extra = 0
    autocomplete_fields = ["user"]
    verbose_name = _("Teammitglied")
    verbose_name_plural = _("Team")


class AgendaInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    autocomplete_fields = ["method"]
    fields = ["order", "start_time", "duration_minutes", "title", "method", "description"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}


_INLINE_WRITES = {
    WorkshopTeamMember: (
        lambda member, by: services.workshop_team_member_save(member=member, by=by),
        lambda member, by: services.workshop_team_member_remove(member=member, by=by),
    ),
    AgendaItem: (
        lambda item, by: services.agenda_item_save(item=item, by=by),
        lambda item, by: services.agenda_item_delete(item=item, by=by),
    ),
}


def _seats_with_status(status: str) -> Coalesce:
    seats = (
        Registration.objects.filter(workshop=OuterRef("pk"), status=status)
        .order_by()
        .values("workshop")
        .annotate(total=Sum("seats"))
        .values("total")
    )
    return Coalesce(Subquery(seats, output_field=IntegerField()), 0, output_field=IntegerField())


@admin.register(Workshop)
class WorkshopAdmin(WorkshopRulesAdminMixin, admin.ModelAdmin):
    form = WorkshopAdminForm
    change_form_template = "workshops/admin/workshop_change_form.html"
    # Fits 1280 px without horizontal scrolling: occupancy is one column with a bar (issue 10.7).
    list_display = ["title", "district", "starts_at", "status", "occupancy", "lists"]
    list_filter = ["district", "status", PeriodFilter, "format", "run_by"]
    search_fields = ["title", "topic", "slug", "venue_name"]
    list_select_related = ["district", "format"]
    date_hierarchy = "starts_at"
    ordering = ["-starts_at"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["quarters"]
    # run_by is derived from the facilitation record (planning) and only cached here: never edited by hand.
    readonly_fields = ["seats_held", "run_by", "cancellation_reason", "created_by", "created_at", "updated_at"]
    inlines = [TeamInline, AgendaInline]
    actions = ["duplicate_workshops", "cancel_workshops"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "status",
                    "district",
                    "quarters",
                    "format",
                    "topic",
                    "description",
                    "summary_easy",
                    "participation_level",
                    "run_by",
                ]
            },
        ),
        (_("Termin und Ort"), {"fields": ["starts_at", "ends_at", "venue_name", "venue_address", "online_url"]}),
        (
            _("Barrierefreiheit des Ortes"),
            {
                "fields": [
                    "venue_step_free",
                    "venue_accessible_toilet",
                    "venue_induction_loop",
                    "venue_public_transport",
                    "venue_notes",
                ]
            },
        ),
        (
            _("Anmeldung"),
            {
                "fields": [
                    "capacity",
                    "seats_held",
                    "max_seats_per_registration",
                    "registration_opens_at",
                    "registration_closes_at",
                ]
            },
        ),
        (_("Erinnerung"), {"fields": ["reminder_enabled", "reminder_lead_hours", "reminder_text"]}),
        (_("Verwaltung"), {"fields": ["cancellation_reason", "created_by", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        # Occupancy as correlated subqueries in the same query: no N+1 in the changelist, and (unlike a
        # JOIN + GROUP BY) computed only for the rows of the page, not for every registration of every
        # workshop in the count, date-hierarchy and page queries.
        return (
            super()
            .get_queryset(request)
            .annotate(
                confirmed_total=_seats_with_status(Registration.Status.CONFIRMED),
                waitlisted_total=_seats_with_status(Registration.Status.WAITLISTED),
            )
        )

    @admin.display(description=_("Belegung"), ordering="seats_held")
    def occupancy(self, obj: Workshop) -> str:
        """Held seats of the capacity as a bar and in words, with the confirmed and waiting-list seats."""
        confirmed = getattr(obj, "confirmed_total", 0)
        waitlisted = getattr(obj, "waitlisted_total", 0)
        return format_html(
            '<meter min="0" max="{}" value="{}" aria-hidden="true"></meter> {}<br><small>{}</small>',
            obj.capacity,
            obj.seats_held,
            gettext("%(held)s von %(capacity)s belegt") % {"held": obj.seats_held, "capacity": obj.capacity},
            gettext("%(confirmed)s bestätigt · %(waitlisted)s Warteliste")
            % {"confirmed": confirmed, "waitlisted": waitlisted},
        )

    @admin.display(description=_("Listen"))
    def lists(self, obj: Workshop) -> str:
        return format_html(
            '<a href="{}">CSV</a> · <a href="{}">XLSX</a> · <a href="{}">PDF</a><br><a href="{}">{}</a>',
            reverse("admin:workshops_workshop_attendees_csv", args=[obj.pk]),
            reverse("admin:workshops_workshop_attendees_xlsx", args=[obj.pk]),
            reverse("admin:workshops_workshop_signin_pdf", args=[obj.pk]),
            reverse("workshops:check_in", kwargs={"slug": obj.slug}),
            gettext("Einlass"),
        )

    # --- writes through the services ------------------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.WorkshopInvalid as error:
            # The row changed between the form check and the locked write (e.g. seats taken meanwhile):
            # the transaction of the change view was rolled back; show why and the current state.
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        """Write only the changed fields (never the seat counter) through workshop_update / _create."""
        if change:
            changes = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
            saved = services.workshop_update(workshop=obj, changes=changes, by=request.user)
            obj.updated_at = saved.updated_at
            obj.seats_held = saved.seats_held
            return
        values = {name: form.cleaned_data[name] for name in form._meta.fields if name in form.cleaned_data}
        created = services.workshop_create(values=values, by=request.user)
        # The admin goes on with `obj` (inlines, log entry, redirect): give it the created row's identity.
        obj.pk, obj.created_by, obj.seats_held = created.pk, created.created_by, created.seats_held
        obj.created_at, obj.updated_at = created.created_at, created.updated_at
        obj._state.adding, obj._state.db = False, created._state.db

    def save_related(self, request, form, formsets, change):
        # Quarters were written by save_model's service call; no form.save_m2m() here.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        save, delete = _INLINE_WRITES[formset.model]
        for obj in formset.deleted_objects:
            delete(obj, by=request.user)
        for obj in instances:
            save(obj, by=request.user)

    # --- actions ---------------------------------------------------------------------------------------

    @admin.action(description=_("Werkstatt kopieren (als Entwurf)"), permissions=["add"])
    def duplicate_workshops(self, request, queryset):
        copies = [services.workshop_duplicate(workshop=workshop, by=request.user) for workshop in queryset]
        if len(copies) == 1:
            self.message_user(
                request, gettext("Kopie als Entwurf angelegt: %(title)s") % {"title": copies[0].title}, messages.SUCCESS
            )
            return HttpResponseRedirect(reverse("admin:workshops_workshop_change", args=[copies[0].pk]))
        self.message_user(
            request,
            ngettext("%(n)d Werkstatt kopiert.", "%(n)d Werkstätten kopiert.", len(copies)) % {"n": len(copies)},
            messages.SUCCESS,
        )
        return None

    @admin.action(description=_("Werkstatt absagen (mit E-Mail an alle Angemeldeten)"), permissions=["change"])
    def cancel_workshops(self, request, queryset):
        workshops = [w for w in queryset if w.status != Workshop.Status.CANCELLED]
        form = WorkshopCancelForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            cancelled = 0
            for workshop in workshops:
                if not request.user.has_perm("workshops.change_workshop", workshop):
                    continue
                try:
                    services.workshop_cancel(workshop=workshop, reason=form.cleaned_data["reason"], by=request.user)
                except ApplicationError as error:
                    self.message_user(request, f"{workshop}: {error.message}", messages.ERROR)
                else:
                    cancelled += 1
            self.message_user(
                request,
                ngettext(
                    "%(n)d Werkstatt abgesagt; alle Angemeldeten werden per E-Mail benachrichtigt.",
                    "%(n)d Werkstätten abgesagt; alle Angemeldeten werden per E-Mail benachrichtigt.",
                    cancelled,
                )
                % {"n": cancelled},
                messages.SUCCESS,
            )
            return None
        if not workshops:
            self.message_user(request, gettext("Die ausgewählten Werkstätten sind schon abgesagt."), messages.WARNING)
            return None
        return TemplateResponse(
            request,
            "workshops/admin/workshop_cancel.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Werkstatt absagen"),
                "opts": self.model._meta,
                "workshops": workshops,
                "form": form,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "action": "cancel_workshops",
            },
        )

    # --- exports, support needs -----------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/teilnehmende.csv",
                wrap(self.attendees_csv_view),
                name="workshops_workshop_attendees_csv",
            ),
            path(
                "<int:object_id>/teilnehmende.xlsx",
                wrap(self.attendees_xlsx_view),
                name="workshops_workshop_attendees_xlsx",
            ),
            path(
                "<int:object_id>/anwesenheitsliste.pdf",
                wrap(self.signin_pdf_view),
                name="workshops_workshop_signin_pdf",
            ),
            path(
                "<int:object_id>/unterstuetzung/",
                wrap(self.support_needs_view),
                name="workshops_workshop_support_needs",
            ),
            *super().get_urls(),
        ]

    def _workshop_for_export(self, request, object_id) -> Workshop:
        workshop = get_object_or_404(Workshop.objects.select_related("district"), pk=object_id)
        if not may_export_attendees(request.user, workshop):
            raise PermissionDenied
        return workshop

    def _export(self, request, object_id, *, kind: str, content_type: str, suffix: str, render) -> HttpResponse:
        workshop = self._workshop_for_export(request, object_id)
        with transaction.atomic():
            content = render(workshop)
            audit_log(
                actor=request.user, action=AuditLog.Action.ATTENDEES_EXPORT, obj=workshop, details={"format": kind}
            )
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{exports.export_filename(workshop, suffix)}"'
        response["Cache-Control"] = "no-store"
        return response

    def attendees_csv_view(self, request, object_id):
        return self._export(
            request,
            object_id,
            kind="csv",
            content_type="text/csv; charset=utf-8",
            suffix="teilnehmende.csv",
            render=exports.attendees_csv,
        )

    def attendees_xlsx_view(self, request, object_id):
        return self._export(
            request,
            object_id,
            kind="xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            suffix="teilnehmende.xlsx",
            render=exports.attendees_xlsx,
        )

    def signin_pdf_view(self, request, object_id):
        return self._export(
            request,
            object_id,
            kind="pdf",
            content_type="application/pdf",
            suffix="anwesenheitsliste.pdf",
            render=exports.signin_sheet_pdf,
        )

    def support_needs_view(self, request, object_id):
        """Counts per kind of support for planning (interpreters, childcare …), plus the free texts without
        names. Only registrations that still come or may come, and only with consent on record."""
        workshop = get_object_or_404(Workshop.objects.select_related("district"), pk=object_id)
        if not may_view_support_needs(request.user, workshop):
            raise PermissionDenied
        relevant = workshop.registrations.filter(
            status__in=[
                Registration.Status.CONFIRMED,
                Registration.Status.PENDING,
                Registration.Status.OFFERED,
                Registration.Status.WAITLISTED,
            ],
            support_consent_at__isnull=False,
            support_deleted_at__isnull=True,
        )
        labels = [
            ("step_free", _("stufenloser Zugang")),
            ("sign_language", _("Gebärdensprachdolmetschung (DGS)")),
            ("induction_loop", _("Induktionsschleife")),
            ("easy_language", _("Material in Leichter Sprache")),
            ("childcare", _("Kinderbetreuung")),
        ]
        aggregates = {}
        for key, _label in labels:
            field = f"support_{key}"
            aggregates[f"{key}_confirmed"] = Count(
                "pk", filter=Q(**{field: True}, status=Registration.Status.CONFIRMED)
            )
            aggregates[f"{key}_open"] = Count(
                "pk", filter=Q(**{field: True}) & ~Q(status=Registration.Status.CONFIRMED)
            )
        counts = relevant.aggregate(**aggregates)
        rows = [
            {"label": label, "confirmed": counts[f"{key}_confirmed"], "open": counts[f"{key}_open"]}
            for key, label in labels
        ]
        other = list(relevant.exclude(support_other="").order_by("pk").values_list("status", "support_other"))
        status_labels = dict(Registration.Status.choices)
        with transaction.atomic():
            audit_log(actor=request.user, action=AuditLog.Action.SUPPORT_NEEDS_VIEW, obj=workshop)
        return TemplateResponse(
            request,
            "workshops/admin/workshop_support_needs.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Unterstützungsbedarfe: %(title)s") % {"title": workshop.title},
                "opts": self.model._meta,
                "original": workshop,
                "workshop": workshop,
                "rows": rows,
                "other": [(status_labels.get(status, status), text) for status, text in other],
                "deleted": workshop.registrations.filter(support_deleted_at__isnull=False).exists(),
            },
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        workshop = self.get_object(request, object_id)
        if workshop is not None:
            extra_context["may_export"] = may_export_attendees(request.user, workshop)
            extra_context["may_view_support_needs"] = may_view_support_needs(request.user, workshop)
        return super().change_view(request, object_id, form_url, extra_context)


# --- registrations --------------------------------------------------------------------------------------------


class CheckedInFilter(admin.SimpleListFilter):
    title = _("Anwesenheit")
    parameter_name = "anwesend"

    def lookups(self, request, model_admin):
        return [("ja", _("eingecheckt")), ("nein", _("nicht eingecheckt"))]

    def queryset(self, request, queryset):
        if self.value() == "ja":
            return queryset.filter(checked_in_at__isnull=False)
        if self.value() == "nein":
            return queryset.filter(checked_in_at__isnull=True)
        return queryset


class RegistrationPeriodFilter(admin.SimpleListFilter):
    title = _("Werkstatt-Zeitraum")
    parameter_name = "zeitraum"

    def lookups(self, request, model_admin):
        return [("kommend", _("kommend")), ("vergangen", _("vergangen"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "kommend":
            return queryset.filter(workshop__ends_at__gte=now)
        if self.value() == "vergangen":
            return queryset.filter(workshop__ends_at__lt=now)
        return queryset


SUPPORT_FIELDS = [
    "support_step_free",
    "support_sign_language",
    "support_induction_loop",
    "support_easy_language",
    "support_childcare",
    "support_other",
    "support_consent_at",
    "support_deleted_at",
    "support_status",
    "support_urgent",
    "support_note",
    "support_answered_at",
]


@admin.register(Registration)
class RegistrationAdmin(WorkshopRulesAdminMixin, admin.ModelAdmin):
    """Read-only rows; every change is an action that calls a service (the seat counter stays right)."""

    workshop_field = "workshop"
    # Fits 1280 px without horizontal scrolling: person and workshop each in one column (issue 10.7).
    list_display = ["person", "workshop_short", "seats", "status_summary", "registered_on"]
    # No filter by workshop (a list of every workshop would not scale): the workshop's change page links here
    # with ?workshop__id__exact=<id>, and the search covers workshop titles.
    list_filter = ["status", RegistrationPeriodFilter, "workshop__district", CheckedInFilter, "walk_in"]
    search_fields = ["name", "email", "check_in_code", "workshop__title"]
    list_select_related = ["workshop"]
    # No date hierarchy on 200,000 rows (its drill-down reads every created_at); no second full count, and the
    # count of the (filtered) rows stops at 5,000.
    show_full_result_count = False
    paginator = CappedCountPaginator
    actions = [
        "confirm_registrations",
        "cancel_registrations",
        "resend_mail",
        "mark_attended",
        "support_arranged",
        "support_not_possible",
    ]
    base_fields = [
        "workshop",
        "name",
        "email",
        "user",
        "seats",
        "quarter",
        "status",
        "holds_seats",
        "hold_expires_at",
        "offer_expires_at",
        "waitlisted_at",
        "confirmed_at",
        "cancelled_at",
        "checked_in_at",
        "checked_in_seats",
        "walk_in",
        "check_in_code",
        "status_updates_opt_in",
        "anonymised_at",
        "created_at",
        "updated_at",
    ]

    def get_search_results(self, request, queryset, search_term):
        """Each word must match the name or the e-mail address (substring, served by trigram indexes on
        PostgreSQL), the check-in code (exact) or a workshop title (substring; the workshops are looked up
        first, so no JOIN is needed): the admin's own search ORs a JOIN and scans every registration."""
        from django.utils.text import smart_split, unescape_string_literal

        for bit in smart_split(search_term):
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
                bit = unescape_string_literal(bit)
            workshops = list(Workshop.objects.filter(title__icontains=bit).order_by().values_list("pk", flat=True))
            queryset = queryset.filter(
                Q(name__icontains=bit)
                | Q(email__icontains=bit)
                | Q(check_in_code__iexact=bit)
                | Q(workshop_id__in=workshops)
            )
        return queryset, False

    def get_fields(self, request, obj=None):
        fields = list(self.base_fields)
        if obj is not None and may_view_support_needs(request.user, obj.workshop):
            fields += SUPPORT_FIELDS
        return fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description=_("Person"), ordering="name")
    def person(self, obj: Registration) -> str:
        return format_html("{}<br><small>{}</small>", obj.name, obj.email)

    @admin.display(description=_("Werkstatt"), ordering="workshop__starts_at")
    def workshop_short(self, obj: Registration) -> str:
        starts = date_format(timezone.localtime(obj.workshop.starts_at), "SHORT_DATE_FORMAT")
        return format_html("{}<br><small>{}</small>", obj.workshop.title, starts)

    @admin.display(description=_("Status"), ordering="status")
    def status_summary(self, obj: Registration) -> str:
        """The status, and at the door: walk-in, and how many of the group came."""
        if obj.walk_in:
            return gettext("ohne Anmeldung gekommen")
        if obj.checked_in_at:
            arrived = gettext("eingecheckt: %(arrived)s von %(seats)s") % {
                "arrived": obj.arrived_seats,
                "seats": obj.seats,
            }
            return format_html("{}<br><small>{}</small>", obj.get_status_display(), arrived)
        return obj.get_status_display()

    @admin.display(description=_("angemeldet am"), ordering="created_at")
    def registered_on(self, obj: Registration) -> str:
        return date_format(timezone.localtime(obj.created_at), "SHORT_DATETIME_FORMAT")

    def has_add_permission(self, request, *args):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting a row would bypass the seat counter; erasure runs through the data-subject services.
        return False

    def has_check_in_permission(self, request):
        return request.user.has_perm("workshops.check_in")

    def has_manage_permission(self, request):
        return request.user.has_perm("workshops.manage_registrations")

    def _run(self, request, queryset, *, permission: str, run, done_message) -> None:
        done, skipped = 0, 0
        for registration in queryset.select_related("workshop"):
            if not request.user.has_perm(permission, registration.workshop):
                skipped += 1
                continue
            try:
                outcome = run(registration)
            except ApplicationError as error:
                skipped += 1
                self.message_user(request, f"{registration.name}: {error.message}", messages.WARNING)
            else:
                if outcome is False:
                    skipped += 1
                else:
                    done += 1
        self.message_user(request, done_message(done), messages.SUCCESS if done else messages.WARNING)
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(n)d Anmeldung übersprungen (Status passt nicht oder keine Berechtigung).",
                    "%(n)d Anmeldungen übersprungen (Status passt nicht oder keine Berechtigung).",
                    skipped,
                )
                % {"n": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Bestätigen (unbestätigte Anmeldungen und angebotene Plätze)"), permissions=["manage"])
    def confirm_registrations(self, request, queryset):
        def confirm(registration):
            # On the person's behalf, e.g. after a phone call or when they arrive without having clicked.
            if registration.status not in (Registration.Status.PENDING, Registration.Status.OFFERED):
                return False
            return services.registration_confirm_by_staff(registration=registration, by=request.user)

        self._run(
            request,
            queryset,
            permission="workshops.manage_registrations",
            run=confirm,
            done_message=lambda n: ngettext("%(n)d Anmeldung bestätigt.", "%(n)d Anmeldungen bestätigt.", n) % {"n": n},
        )

    @admin.action(description=_("Stornieren (Plätze werden frei)"), permissions=["manage"])
    def cancel_registrations(self, request, queryset):
        def cancel(registration):
            if registration.status in Registration.INACTIVE_STATUSES:
                return False
            return services.registration_cancel(registration=registration, by=request.user)

        self._run(
            request,
            queryset,
            permission="workshops.manage_registrations",
            run=cancel,
            done_message=lambda n: ngettext("%(n)d Anmeldung storniert.", "%(n)d Anmeldungen storniert.", n) % {"n": n},
        )

    def _support_answer(self, request, queryset, *, status: str) -> None:
        def answer(registration):
            if not registration.has_support_needs:
                return False
            return services.registration_support_answer(registration=registration, status=status, by=request.user)

        self._run(
            request,
            queryset,
            permission="workshops.view_support_needs",
            run=answer,
            done_message=lambda n: (
                ngettext(
                    "%(n)d Person über ihre Unterstützung informiert.",
                    "%(n)d Personen über ihre Unterstützung informiert.",
                    n,
                )
                % {"n": n}
            ),
        )

    @admin.action(description=_("Unterstützung ist organisiert (Person wird informiert)"))
    def support_arranged(self, request, queryset):
        self._support_answer(request, queryset, status="arranged")

    @admin.action(description=_("Unterstützung ist nicht möglich (Person wird informiert)"))
    def support_not_possible(self, request, queryset):
        self._support_answer(request, queryset, status="not_possible")

    @admin.action(description=_("Passende E-Mail erneut senden"), permissions=["manage"])
    def resend_mail(self, request, queryset):
        def resend(registration):
            services.registration_resend_mail(registration=registration)
            return True

        self._run(
            request,
            queryset,
            permission="workshops.manage_registrations",
            run=resend,
            done_message=lambda n: (
                ngettext("%(n)d E-Mail wird erneut gesendet.", "%(n)d E-Mails werden erneut gesendet.", n) % {"n": n}
            ),
        )

    @admin.action(description=_("Als anwesend markieren"), permissions=["check_in"])
    def mark_attended(self, request, queryset):
        def check_in(registration):
            if registration.status != Registration.Status.CONFIRMED:
                return False
            return services.registration_check_in(registration=registration, by=request.user)

        self._run(
            request,
            queryset,
            permission="workshops.check_in",
            run=check_in,
            done_message=lambda n: (
                ngettext("%(n)d Anmeldung als anwesend markiert.", "%(n)d Anmeldungen als anwesend markiert.", n)
                % {"n": n}
            ),
        )


# --- formats, methods, consents -------------------------------------------------------------------------------


@admin.register(Format)
class FormatAdmin(admin.ModelAdmin):
    list_display = ["name", "typical_duration_minutes", "typical_group_size"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Method)
class MethodAdmin(admin.ModelAdmin):
    list_display = ["name", "duration_minutes", "group_size_min", "group_size_max", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["name", "purpose", "steps"]
    prepopulated_fields = {"slug": ["name"]}
    fields = [
        "name",
        "slug",
        "purpose",
        "steps",
        "duration_minutes",
        "group_size_min",
        "group_size_max",
        "materials",
        "accessibility_notes",
        "is_published",
    ]


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    """Proof of consents; read-only."""

    list_display = ["purpose", "text_version", "given_at", "withdrawn_at", "registration"]
    list_filter = ["purpose", "text_version"]
    list_select_related = ["registration", "registration__workshop"]
    readonly_fields = ["registration", "user", "purpose", "text_version", "given_at", "withdrawn_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
