from django.contrib import admin

from .models import Case, CaseEntry, Team, TeamMember


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "manager", "is_active")
    inlines = [TeamMemberInline]
    raw_id_fields = ("manager",)


class CaseEntryInline(admin.TabularInline):
    model = CaseEntry
    extra = 0
    can_delete = False
    raw_id_fields = ("author",)

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # entries are the case's history: written by the services only

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("pk", "title", "customer", "kind", "priority", "team", "assignee", "status", "due_at")
    list_filter = ("status", "kind", "priority", "team")
    raw_id_fields = ("customer", "assignee", "opened_by", "sent_by", "source_consultation", "source_inquiry")
    readonly_fields = ("status", "opened_at", "due_at", "answered_at", "closed_at", "overdue_alerted_at")
    inlines = [CaseEntryInline]
