from django.contrib import admin

from .models import Attachment, FaqEntry, FaqHelpful, Inquiry, Reply


class ReplyInline(admin.StackedInline):
    model = Reply
    extra = 0
    raw_id_fields = ("author",)


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "title",
        "customer",
        "main_category",
        "status",
        "sla_due_at",
        "first_response_at",
        "assignee",
    )
    list_filter = ("status", "main_category")
    search_fields = ("title", "customer__username", "customer__name")
    date_hierarchy = "created_at"
    list_select_related = ("customer", "main_category", "assignee")
    raw_id_fields = ("customer", "assignee")
    inlines = [ReplyInline]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("original_name", "inquiry", "content_type", "size", "created_at")
    search_fields = ("original_name",)
    raw_id_fields = ("inquiry", "reply", "uploaded_by")


@admin.register(FaqEntry)
class FaqEntryAdmin(admin.ModelAdmin):
    list_display = ("title", "main_category", "is_published", "view_count", "published_at")
    list_filter = ("is_published", "main_category")
    search_fields = ("title", "answer")
    raw_id_fields = ("source", "published_by")


@admin.register(FaqHelpful)
class FaqHelpfulAdmin(admin.ModelAdmin):
    list_display = ("faq", "user", "created_at")
    raw_id_fields = ("faq", "user")
