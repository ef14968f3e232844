from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditedAdmin

from .models import Department, LeaderPortfolio, Membership, User


class MubiaoUserCreationForm(AdminUserCreationForm):
    # Django's forms name auth.User; ours is accounts.User (the swapped model).
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "display_name")


class MubiaoUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["department"]


class PortfolioInline(admin.TabularInline):
    model = LeaderPortfolio
    extra = 0
    autocomplete_fields = ["department"]


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ["username", "display_name", "title", "reads_city_wide", "email", "is_active"]
    list_filter = [*BaseUserAdmin.list_filter, "reads_city_wide"]
    search_fields = ["username", "display_name", "email"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("政务信息"), {"fields": ("display_name", "title", "phone", "reads_city_wide")}),
    )
    inlines = [MembershipInline, PortfolioInline]
    form = MubiaoUserChangeForm
    add_form = MubiaoUserCreationForm
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "display_name", "usable_password", "password1", "password2"),
            },
        ),
    )


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ["name", "short_name", "code", "kind", "category", "parent", "is_active"]
    list_filter = ["kind", "category", "is_active"]
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["parent"]

    def has_delete_permission(self, request, obj=None):
        # Departments are referenced by targets and history: deactivate instead of deleting.
        return False


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "department", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__display_name", "department__name"]
    autocomplete_fields = ["user", "department"]
