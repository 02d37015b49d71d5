from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import Membership, Organisation, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "preferred_language", "email_verified", "is_staff"]
    search_fields = ["email", "display_name"]
    list_filter = ["is_staff", "is_active", "email_verified", "groups"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["display_name", "preferred_language", "email_verified"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "registration_number", "verification_status"]
    list_filter = ["kind", "verification_status"]
    search_fields = ["name", "registration_number"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
    actions = ["mark_verified", "mark_rejected"]

    @admin.action(description=_("Mark the selected organisations as verified"))
    def mark_verified(self, request, queryset):
        for org in queryset:
            services.organisation_set_verification(
                actor=request.user, organisation=org, status=Organisation.Verification.VERIFIED
            )

    @admin.action(description=_("Mark the selected organisations as rejected"))
    def mark_rejected(self, request, queryset):
        for org in queryset:
            services.organisation_set_verification(
                actor=request.user, organisation=org, status=Organisation.Verification.REJECTED
            )


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
