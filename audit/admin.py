from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: nobody edits or deletes the audit log, not even a superuser."""

    list_display = ("at", "actor", "api_client", "ip", "customer", "action", "target")
    list_filter = ("action",)
    search_fields = ("actor__username", "customer__username", "target", "ip")
    date_hierarchy = "at"
    list_select_related = ("actor", "customer", "api_client")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
