"""The execution stage's records in /admin/: read-only. Reports change only through the services
(their audit trail, Art. 14); warnings are computed."""

from django.contrib import admin

from .models import (
    ProgressReport,
    QuarterlyReport,
    QuarterlySummary,
    WarningExplanation,
    WarningSnapshot,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ["target", "department", "kind", "period_start", "state", "is_late"]
    list_filter = ["state", "kind", "is_late", "period_start"]
    search_fields = ["target__code", "target__title"]
    list_select_related = ["target", "department"]


@admin.register(WarningSnapshot)
class WarningSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["target", "period_start", "level", "expected", "actual", "computed_at"]
    list_filter = ["level", "period_start"]
    search_fields = ["target__code"]
    list_select_related = ["target"]


@admin.register(WarningExplanation)
class WarningExplanationAdmin(ReadOnlyAdmin):
    list_display = ["target", "red_since", "filed_by", "filed_at"]
    list_select_related = ["target", "filed_by"]


# Quarterly reports and summaries (Art. 17): read-only here, they change through the services.
@admin.register(QuarterlyReport)
class QuarterlyReportAdmin(ReadOnlyAdmin):
    list_display = ["plan_year", "quarter", "department", "state", "leader", "forwarded_at"]
    list_filter = ["state", "quarter", "plan_year"]
    list_select_related = ["plan_year", "department", "leader"]


@admin.register(QuarterlySummary)
class QuarterlySummaryAdmin(ReadOnlyAdmin):
    list_display = ["plan_year", "quarter", "state", "published_at"]
    list_select_related = ["plan_year"]
