from django.contrib import admin

from .models import ApiClient, ApiKey


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    extra = 0
    can_delete = False
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    exclude = ("key_hash",)

    def has_add_permission(self, request, obj=None):
        return False  # keys are made by create_api_key, which shows the key once


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ("name", "channel", "is_active", "can_read_history", "may_write_as_managers", "created_at")
    list_filter = ("is_active", "channel")
    search_fields = ("name",)
    inlines = [ApiKeyInline]
