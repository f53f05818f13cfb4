"""Read-only views of subscriptions and the event log for the Fachteam (changes go through the services:
people manage their subscriptions themselves through their links)."""

from django.contrib import admin

from .models import Event, Subscription, SubscriptionConsent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ConsentInline(admin.TabularInline):
    model = SubscriptionConsent
    extra = 0
    fields = ("purpose", "text_version", "given_at", "withdrawn_at", "origin")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["subscriber", "kind", "target_key", "status", "source", "confirmed_at", "last_activity_at"]
    list_filter = ["status", "kind", "source"]
    search_fields = ["subscriber__email"]
    list_select_related = ["subscriber"]
    fields = (
        "subscriber",
        "kind",
        "district",
        "recommendation",
        "workshop",
        "status",
        "source",
        "confirmed_at",
        "unsubscribed_at",
        "last_activity_at",
        "created_at",
    )
    readonly_fields = fields
    inlines = [ConsentInline]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "kind", "title", "detail"]
    list_filter = ["kind"]
    search_fields = ["title"]
    date_hierarchy = "occurred_at"
    fields = ("key", "kind", "occurred_at", "title", "detail", "path", "workshop", "recommendation", "created_at")
    readonly_fields = fields
