from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Message, MessageAttempt, MessageTemplate


class AttemptInline(admin.TabularInline):
    model = MessageAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("started_at", "finished_at", "outcome", "provider_message_id", "error")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """The outbox as evidence, never as a form: rows change only through the outbox services, and
    a body is shown as staff pages show it (one-time codes masked; the sealed code never)."""

    list_display = (
        "created_at",
        "purpose",
        "masked_phone",
        "kind",
        "status",
        "attempts",
        "provider_message_id",
    )
    list_filter = ("status", "purpose", "kind", "provider")
    search_fields = ("idempotency_key", "to_phone", "provider_message_id", "customer__username")
    date_hierarchy = "created_at"
    fields = (
        "idempotency_key",
        "purpose",
        "customer",
        "masked_phone",
        "kind",
        "staff_body",
        "status",
        "attempts",
        "provider",
        "provider_message_id",
        "last_error",
        "not_before",
        "valid_until",
        "cancel_reason",
        "created_at",
        "claimed_at",
        "sent_at",
        "delivered_at",
    )
    readonly_fields = fields
    inlines = [AttemptInline]

    @admin.display(description=_("내용"))
    def staff_body(self, obj: Message) -> str:
        return obj.body_for_staff

    @admin.display(description=_("수신번호"))
    def masked_phone(self, obj: Message) -> str:
        return obj.masked_phone

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ("purpose", "updated_by", "updated_at")
