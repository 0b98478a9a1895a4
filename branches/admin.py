from django.contrib import admin

from .models import Branch, ClosingDay


class ClosingDayInline(admin.TabularInline):
    model = ClosingDay
    extra = 1


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    inlines = [ClosingDayInline]
    list_display = ("code", "name", "kind", "phone1", "address", "opens_at", "closes_at", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "address", "postcode")
