from django.contrib import admin

from .models import AlimtalkTemplate, BannedWord, Campaign, OptOut, Segment


@admin.register(BannedWord)
class BannedWordAdmin(admin.ModelAdmin):
    list_display = ("word", "created_by", "created_at")
    search_fields = ("word",)


@admin.register(AlimtalkTemplate)
class AlimtalkTemplateAdmin(admin.ModelAdmin):
    """Managers enter each template once Kakao has approved it (code as the provider shows it)."""

    list_display = ("name", "code", "is_active")
    search_fields = ("name", "code")


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ("name", "tier", "age_band", "gender", "interest", "created_by", "created_at")


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "status", "author", "approver", "starts_at", "ends_at")
    list_filter = ("status",)
    readonly_fields = ("status", "author", "approver", "decided_at")


@admin.register(OptOut)
class OptOutAdmin(admin.ModelAdmin):
    list_display = ("phone", "source", "at", "customer")
    list_filter = ("source",)
