from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Consultation


@admin.register(Consultation)
class ConsultationAdmin(SimpleHistoryAdmin):
    list_display = ["title", "institution", "kind", "status", "opens_at", "closes_at"]
    list_filter = ["status", "kind", "institution"]
    search_fields = ["title", "slug"]
    readonly_fields = ["status", "created_by", "created_at", "updated_at"]
    autocomplete_fields = ["institution"]
