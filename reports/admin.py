"""Read-only admin views of the report's records: published versions are frozen, and meetings
are recorded on the report page (``reports.services``), so the admin only lists them."""

from __future__ import annotations

from django.contrib import admin

from .models import Meeting, ReportVersion


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportVersion)
class ReportVersionAdmin(ReadOnlyAdmin):
    list_display = ("consultation", "number", "language", "published_at", "published_by")
    list_filter = ("language",)
    search_fields = ("consultation__title", "consultation__slug", "note")
    list_select_related = ("consultation", "published_by")
    exclude = ("snapshot", "html")
    readonly_fields = ("consultation", "number", "language", "published_by", "published_at", "note")


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("consultation", "held_at", "place", "participants_count", "created_by")
    search_fields = ("consultation__title", "place")
    list_select_related = ("consultation", "created_by")
