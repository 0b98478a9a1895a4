from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .forms import AdminLoginForm
from .models import CustomerProfile, Favourite, LoginFailure, PhoneVerification, StaffProfile, User


class CustomerProfileInline(admin.StackedInline):
    model = CustomerProfile
    fk_name = "user"
    can_delete = False
    extra = 0
    readonly_fields = ("merged_into",)


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "name", "role", "email", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_superuser")
    search_fields = ("username", "name", "email", "customer_profile__phone", "staff_profile__employee_no")
    ordering = ("username",)
    inlines = [CustomerProfileInline, StaffProfileInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("개인 정보"), {"fields": ("name", "email", "role")}),
        (_("권한"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("기록"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "name", "role", "password1", "password2")}),
    )


@admin.register(CustomerProfile)
class CustomerProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "phone", "birth_date", "tier", "marketing_consent")
    list_filter = ("tier", "gender", "marketing_consent", "digital_education", "interest")
    search_fields = ("user__username", "user__name", "phone")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ("employee_no", "user", "branch", "channel")
    list_filter = ("branch", "channel")
    search_fields = ("employee_no", "user__name", "user__username")
    list_select_related = ("user", "branch", "channel")


@admin.register(Favourite)
class FavouriteAdmin(admin.ModelAdmin):
    list_display = ("staff", "customer", "created_at")
    search_fields = ("staff__username", "customer__username", "customer__name")
    list_select_related = ("staff", "customer")
    raw_id_fields = ("staff", "customer")


@admin.register(PhoneVerification)
class PhoneVerificationAdmin(admin.ModelAdmin):
    list_display = ("phone", "purpose", "created_at", "attempts", "verified_at", "used_at")
    list_filter = ("purpose",)
    search_fields = ("phone",)
    readonly_fields = ("code_hash",)


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    """Delete a row here to unlock a customer who phoned in (after checking who they are)."""

    list_display = ("username", "ip", "at")
    search_fields = ("username", "ip")
    date_hierarchy = "at"


# The admin's login page is throttled like ours.
admin.site.login_form = AdminLoginForm
