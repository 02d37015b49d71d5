"""Read-only admin lists of hearings and their items, with their history. Writes go through the
services (the hearing's workspace page and its public page), which check permissions and
announce changes live; the admin does not bypass them."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Hearing, HearingItem


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Hearing)
class HearingAdmin(ReadOnlyHistoryAdmin):
    list_display = ("title", "consultation", "status", "starts_at", "place")
    list_filter = ("status",)
    search_fields = ("title", "place", "consultation__title", "consultation__slug")
    list_select_related = ("consultation",)
    date_hierarchy = "starts_at"


@admin.register(HearingItem)
class HearingItemAdmin(ReadOnlyHistoryAdmin):
    list_display = ("pk", "hearing", "kind", "status", "upvote_count", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("body", "hearing__title")
    list_select_related = ("hearing",)
    raw_id_fields = ("hearing", "author", "participant", "organisation")
