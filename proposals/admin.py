from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Proposal, ProposalVersion, Section, Vote


@admin.register(Proposal)
class ProposalAdmin(SimpleHistoryAdmin):
    list_display = ["title", "consultation", "kind", "current_version"]
    search_fields = ["title"]
    raw_id_fields = ["consultation", "current_version"]


@admin.register(ProposalVersion)
class ProposalVersionAdmin(SimpleHistoryAdmin):
    list_display = ["proposal", "number", "created_by", "created_at"]
    raw_id_fields = ["proposal", "created_by"]


@admin.register(Section)
class SectionAdmin(SimpleHistoryAdmin):
    list_display = ["key", "proposal", "kind", "number", "title", "is_current"]
    list_filter = ["kind", "is_current"]
    search_fields = ["key", "title", "body"]
    raw_id_fields = ["proposal", "parent", "introduced_in"]


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    list_display = ["user", "proposal", "section", "choice", "updated_at"]
    list_filter = ["choice"]
    raw_id_fields = ["user", "proposal", "section"]
