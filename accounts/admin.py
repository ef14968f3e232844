from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Department, LeaderPortfolio, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["department"]


class PortfolioInline(admin.TabularInline):
    model = LeaderPortfolio
    extra = 0
    autocomplete_fields = ["department"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "title", "email", "is_active"]
    search_fields = ["username", "display_name", "email"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("政务信息"), {"fields": ("display_name", "title", "phone")}),
    )
    inlines = [MembershipInline, PortfolioInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "code", "kind", "category", "parent", "is_active"]
    list_filter = ["kind", "category", "is_active"]
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["parent"]

    def has_delete_permission(self, request, obj=None):
        # Departments are referenced by targets and history: deactivate instead of deleting.
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "department", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__display_name", "department__name"]
    autocomplete_fields = ["user", "department"]
