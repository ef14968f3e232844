"""/admin/ for schemes: the administrator and the office edit a scheme being drafted (bodies,
indicators, deduction rules, grade bands, departments evaluated). Once scoring opened the
scheme and its rows are read-only here as everywhere (a change needs a new version); sheets,
results and feedback change only through the services."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from audit.admin import AuditedAdmin

from .models import (
    DeductionRule,
    EvaluationResult,
    EvaluationScheme,
    GradeBand,
    Indicator,
    Participant,
    ScoreSheet,
    ScoringBody,
)


class FrozenInline(admin.TabularInline):
    extra = 0

    def _editable(self, obj):
        return obj is None or obj.is_editable

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class BodyInline(FrozenInline):
    model = ScoringBody
    fields = ["order", "name", "kind", "rater_department", "raters", "weight"]


class IndicatorInline(FrozenInline):
    model = Indicator
    fields = [
        "order",
        "parent",
        "name",
        "max_points",
        "body",
        "metric",
        "body_text",
        "responsible_text",
    ]


class DeductionRuleInline(FrozenInline):
    model = DeductionRule
    fields = ["order", "category", "label", "points_each", "cap", "responsible_text"]


class GradeBandInline(FrozenInline):
    model = GradeBand
    fields = ["order", "category", "name", "min_score", "max_percent"]


class ParticipantInline(FrozenInline):
    model = Participant
    fields = ["department", "category"]


@admin.register(EvaluationScheme)
class EvaluationSchemeAdmin(AuditedAdmin):
    list_display = ["plan_year", "version", "name", "mode", "state"]
    list_filter = ["state", "mode", "plan_year"]
    readonly_fields = [
        "state",
        "version",
        "plan_year",
        "template_key",
        "based_on",
        "opened_at",
        "locked_at",
        "published_at",
        "publish_reason",
        "created_by",
    ]
    inlines = [BodyInline, IndicatorInline, DeductionRuleInline, GradeBandInline, ParticipantInline]

    def has_add_permission(self, request):
        # New schemes come from a template or last year's (evaluation pages), never empty.
        return False

    def has_change_permission(self, request, obj=None):
        return (obj is None or obj.is_editable) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        self._require_draft(obj)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        self._require_draft(form.instance)
        super().save_formset(request, form, formset, change)

    @staticmethod
    def _require_draft(scheme):
        # The page was opened while drafting; someone may have opened scoring since. The admin
        # view runs in one transaction: lock the row and refuse, so nothing is half-saved.
        state = (
            EvaluationScheme.objects.select_for_update()
            .values_list("state", flat=True)
            .get(pk=scheme.pk)
        )
        if state != EvaluationScheme.State.DRAFT:
            raise PermissionDenied(_("考评方案已开始评分，不能再修改；如需调整，请建立新版本。"))


@admin.register(ScoreSheet)
class ScoreSheetAdmin(admin.ModelAdmin):
    list_display = ["scheme", "body", "department", "is_self", "state"]
    list_filter = ["state", "scheme"]
    list_select_related = ["scheme__plan_year", "body", "department"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EvaluationResult)
class EvaluationResultAdmin(ScoreSheetAdmin):
    list_display = ["scheme", "department", "category", "final_score", "rank", "grade"]
    list_filter = ["scheme", "category"]
    list_select_related = ["scheme__plan_year", "department"]
