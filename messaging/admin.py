from django.contrib import admin

from .models import Message, MessageAttempt, MessageTemplate


class AttemptInline(admin.TabularInline):
    model = MessageAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("started_at", "finished_at", "outcome", "provider_message_id", "error")


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "purpose", "to_phone", "kind", "status", "attempts", "provider_message_id")
    list_filter = ("status", "purpose", "kind", "provider")
    search_fields = ("idempotency_key", "to_phone", "provider_message_id", "customer__username")
    date_hierarchy = "created_at"
    raw_id_fields = ("customer",)
    readonly_fields = ("idempotency_key",)
    inlines = [AttemptInline]


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ("purpose", "updated_by", "updated_at")
