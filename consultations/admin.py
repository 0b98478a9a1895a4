from django.contrib import admin

from .models import (
    Booking,
    Channel,
    Consultation,
    ConsultationRevision,
    MainCategory,
    MiddleCategory,
    Unavailability,
)


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "icon", "is_bookable", "is_active", "sort_order")
    list_filter = ("is_active", "is_bookable")
    search_fields = ("code", "name")


class MiddleCategoryInline(admin.TabularInline):
    model = MiddleCategory
    extra = 0


@admin.register(MainCategory)
class MainCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name")
    inlines = [MiddleCategoryInline]


@admin.register(MiddleCategory)
class MiddleCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "main", "is_active")
    list_filter = ("main", "is_active")
    search_fields = ("code", "name")


class RevisionInline(admin.TabularInline):
    model = ConsultationRevision
    extra = 0
    can_delete = False
    readonly_fields = ("edited_by", "edited_at", "changes")


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = (
        "occurred_at",
        "customer",
        "title",
        "channel",
        "main_category",
        "middle_category",
        "staff",
        "progress",
        "follow_up_needed",
    )
    list_filter = ("channel", "progress", "follow_up_needed", "main_category")
    search_fields = (
        "title",
        "customer__username",
        "customer__name",
        "staff__staff_profile__employee_no",
        "external_id",
    )
    date_hierarchy = "occurred_at"
    list_select_related = ("customer", "staff", "channel", "main_category", "middle_category")
    raw_id_fields = ("customer", "staff", "booking")
    show_full_result_count = False
    inlines = [RevisionInline]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ("starts_at", "ends_at", "customer", "staff", "channel", "branch", "status")
    list_filter = ("status", "channel", "branch")
    search_fields = ("customer__username", "customer__name", "staff__username", "staff__name")
    date_hierarchy = "starts_at"
    list_select_related = ("customer", "staff", "channel", "branch")
    raw_id_fields = ("origin", "customer", "staff", "created_by")


@admin.register(Unavailability)
class UnavailabilityAdmin(admin.ModelAdmin):
    list_display = ("staff", "starts_at", "ends_at", "reason")
    search_fields = ("staff__username", "staff__name", "reason")
    date_hierarchy = "starts_at"
    list_select_related = ("staff",)
    raw_id_fields = ("staff",)
