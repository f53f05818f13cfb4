from django.contrib import admin

from .models import District, Quarter


class QuarterInline(admin.TabularInline):
    model = Quarter
    extra = 0
    fields = ["name", "slug", "population", "population_note"]
    readonly_fields = ["slug"]
    can_delete = False


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    """Reference data: names and numbers are fixed; staff may update population figures."""

    list_display = ["number", "name", "population", "population_as_of"]
    readonly_fields = ["number", "name", "slug"]
    inlines = [QuarterInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Quarter)
class QuarterAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "population"]
    list_filter = ["district"]
    search_fields = ["name"]
    readonly_fields = ["district", "name", "slug"]
    list_select_related = ["district"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
