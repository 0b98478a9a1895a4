from django.contrib import admin

from .models import Branch


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "phone1", "address", "opens_at", "closes_at", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "address", "postcode")
