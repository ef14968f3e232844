from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AdminUserCreationForm,
    UserChangeForm,
)
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.admin import AuditedAdmin
from audit.services import audit_record

from . import signin, tokens, twofactor
from .models import ApiToken, Department, LeaderPortfolio, LoginRecord, Membership, User


def _admin_login(request, extra_context=None):
    """The admin signs in through the site's login page, so its lockout, throttle and second
    factor hold there too (issue 17). A signed-in person without admin rights gets a 403, not a
    loop back through the login page."""
    from django.contrib.auth import REDIRECT_FIELD_NAME
    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import PermissionDenied
    from django.urls import reverse

    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect_to_login(
        request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index"),
        login_url=reverse("accounts:login"),
    )


admin.site.login = _admin_login

# django-otp's own admin pages show each device's secret key: an administrator resets a lost
# second factor with the action on 用户 instead, and never reads anyone's secret.
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)


class MubiaoAdminPasswordChangeForm(AdminPasswordChangeForm):
    """An administrator's new password for someone else is a first password: its owner must
    replace it at the next sign-in (身份鉴别)."""

    def save(self, commit=True):
        user = super().save(commit=False)
        user.must_change_password = user.has_usable_password()
        if commit:
            user.save()
        return user


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
    list_display = [
        "username",
        "display_name",
        "title",
        "reads_city_wide",
        "email",
        "is_active",
        "identity_source",
        "locked_at",
    ]
    list_filter = [*BaseUserAdmin.list_filter, "reads_city_wide", "identity_source"]
    search_fields = ["username", "display_name", "email"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("政务信息"), {"fields": ("display_name", "title", "phone", "reads_city_wide")}),
        (_("身份鉴别"), {"fields": ("identity_source", "must_change_password", "locked_at")}),
    )
    readonly_fields = ["locked_at"]
    change_password_form = MubiaoAdminPasswordChangeForm
    actions = ["unlock_accounts", "reset_two_factor"]

    def save_model(self, request, obj, form, change):
        if not change and obj.has_usable_password():
            # The administrator knows this first password: its owner replaces it (身份鉴别).
            obj.must_change_password = True
        super().save_model(request, obj, form, change)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = User.objects.get(pk=id)
            audit_record(actor=request.user, obj=user, action="password_reset")
        return response

    @admin.action(description=_("解锁所选账号"))
    def unlock_accounts(self, request, queryset):
        count = 0
        for user in queryset.filter(locked_at__isnull=False):
            signin.unlock(user=user, by=request.user)
            count += 1
        messages.success(request, _("已解锁%(n)s个账号。") % {"n": count})

    @admin.action(description=_("重置所选账号的双因素认证"))
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            twofactor.reset(user=user, by=request.user)
        messages.success(request, _("已重置%(n)s个账号的双因素认证。") % {"n": queryset.count()})

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


class ApiTokenAddForm(forms.ModelForm):
    days = forms.IntegerField(label=_("有效天数"), min_value=1, initial=90)

    class Meta:
        model = ApiToken
        fields = ["user", "name", "scope"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """API tokens of people and integrations' service accounts: created (the key is shown once,
    in a message) and revoked here or on each user's 「API 令牌」 page, both through
    ``accounts.tokens`` so both leave the same audit event. Never edited or deleted: a revoked
    token stays as the record of what it was."""

    list_display = [
        "name",
        "prefix",
        "user",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["scope", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username", "user__display_name"]
    autocomplete_fields = ["user"]
    actions = ["revoke_tokens"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name", "scope", "days"]
        return [f.name for f in ApiToken._meta.fields if f.name not in ("id", "digest")]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        token, key = tokens.api_token_create(
            user=form.cleaned_data["user"],
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            days=form.cleaned_data["days"],
            by=request.user,
        )
        for field in ApiToken._meta.concrete_fields:
            setattr(obj, field.attname, getattr(token, field.attname))
        obj._state.adding = False
        messages.warning(
            request,
            _("新令牌（只显示这一次，请立即复制交给对接系统）：%(key)s") % {"key": key},
        )

    @admin.action(description=_("撤销所选令牌"))
    def revoke_tokens(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            tokens.api_token_revoke(token=token, by=request.user)
            count += 1
        messages.success(request, _("已撤销%(n)s个令牌。") % {"n": count})


@admin.register(LoginRecord)
class LoginRecordAdmin(admin.ModelAdmin):
    """Every account's sign-in history, read-only (the trail of 登录失败处理)."""

    list_display = ["at", "user", "ip", "method", "outcome"]
    list_filter = ["outcome", "method"]
    search_fields = ["user__username", "user__display_name", "ip"]
    date_hierarchy = "at"
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
