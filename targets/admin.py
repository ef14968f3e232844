from django.contrib import admin

from audit.admin import AuditedAdmin

from .models import Aspect, PlanYear, Target


class AspectInline(admin.TabularInline):
    model = Aspect
    extra = 0


@admin.register(PlanYear)
class PlanYearAdmin(AuditedAdmin):
    """Administrators open and close plan years (drafting is possible only while open)."""

    list_display = ["year", "status", "drafting_opens", "drafting_closes"]
    list_filter = ["status"]
    inlines = [AspectInline]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    """Read-only: targets change only through the formulation workflow, which checks
    permissions and records history (Art. 12, 14)."""

    list_display = ["code", "title", "plan_year", "lead_department", "state"]
    list_filter = ["plan_year", "state", "level", "kind"]
    search_fields = ["code", "title"]
    list_select_related = ["plan_year", "lead_department"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
