from django.contrib import admin

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "progress", "attempts", "created_by", "created_at"]
    list_filter = ["status", "name"]
    readonly_fields = [f.name for f in Job._meta.fields]
