"""Progress reports (进展, Shanghai Art. 14, 16), their evidence, and the computed early warning
(预警) kept per target and period so its trend can be shown.

State changes are declared here with django-fsm-2 (each with its permission and its label) and
performed only by ``execution.services.progress`` through ``workflow.transitions.transition_apply``,
which locks, checks the permission, saves and writes the audit trail in the target's scope.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Department
from targets.models import VALUE_DECIMAL_PLACES, VALUE_MAX_DIGITS, Target

from ..files import evidence_upload_to
from ..permissions import progress as perms


class ProgressReport(ConcurrentTransitionMixin, models.Model):
    class Kind(models.TextChoices):
        # Art. 14: the lead department reports the target's progress.
        MAIN = "main", _("牵头部门进展报告")
        # Art. 16: a cooperating department reports on its own task.
        COOPERATING = "cooperating", _("配合部门任务报告")

    class State(models.TextChoices):
        DRAFT = "draft", _("填报中")
        SUBMITTED = "submitted", _("已报送")
        RETURNED = "returned", _("已退回")
        VERIFIED = "verified", _("已审核")

    EDITABLE_STATES = (State.DRAFT, State.RETURNED)

    target = models.ForeignKey(
        Target, verbose_name=_("目标"), on_delete=models.CASCADE, related_name="progress_reports"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("填报部门"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("报告类型"), max_length=20, choices=Kind.choices)
    period_start = models.DateField(_("报告期开始"))
    period_end = models.DateField(_("报告期结束"))
    due_date = models.DateField(_("报送截止"))
    state = FSMField(
        _("状态"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True
    )

    # What the department reports (Art. 14): value to date for a quantitative target, percent
    # complete for a qualitative one (and optionally for a quantitative one as well).
    actual_value = models.DecimalField(
        _("累计完成值"),
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    percent_complete = models.DecimalField(
        _("完成进度（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    narrative = models.TextField(_("进展情况"))
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下一步工作"), blank=True)

    # What the general office (or supervision office) verified (审核值): both are kept and shown.
    verified_value = models.DecimalField(
        _("审核值"),
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    verified_percent = models.DecimalField(
        _("审核进度（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    verification_reason = models.TextField(_("审核值调整理由"), blank=True)
    verification_comment = models.TextField(_("审核意见"), blank=True)
    return_comment = models.TextField(_("退回意见"), blank=True)

    is_late = models.BooleanField(_("逾期报送"), default=False)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"))
    updated_at = models.DateTimeField(_("更新时间"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("进展报告")
        verbose_name_plural = pgettext_lazy("plural", "进展报告")
        ordering = ["target", "period_start", "kind", "department_id"]
        constraints = [
            # One report per (target, department, period): a second one is refused by the
            # service with a message, and by the database should two arrive at once.
            models.UniqueConstraint(
                fields=["target", "department", "period_start"], name="progress_report_once"
            ),
            models.CheckConstraint(
                condition=models.Q(percent_complete__isnull=True)
                | models.Q(percent_complete__gte=0, percent_complete__lte=100),
                name="progress_percent_0_100",
            ),
            models.CheckConstraint(
                condition=models.Q(verified_percent__isnull=True)
                | models.Q(verified_percent__gte=0, verified_percent__lte=100),
                name="progress_verified_percent_0_100",
            ),
        ]
        indexes = [
            models.Index(fields=["target", "kind", "state", "period_start"]),
            models.Index(fields=["department", "state"]),
            # The API's list, newest period first, of one year (issue 20): read backwards over a
            # range of periods; the state is there to count the filed ones from the index.
            models.Index(fields=["period_start", "state"], name="progress_period_state"),
        ]

    def __str__(self):
        return f"{self.target.code} {self.period_start:%Y-%m} {self.get_kind_display()}"

    @property
    def audit_scope(self):
        """A report's events also show on its target's timeline (Art. 14 全程记录)."""
        return self.target

    # Transitions only move the state; execution.services.progress does everything else.
    @transition(
        field=state,
        source=[State.DRAFT, State.RETURNED],
        target=State.SUBMITTED,
        permission=perms.may_submit,
        custom={"label": _("报送")},
    )
    def submit(self):
        pass

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.VERIFIED,
        permission=perms.may_verify,
        custom={"label": _("审核")},
    )
    def verify(self):
        pass

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.RETURNED,
        permission=perms.may_return,
        custom={"label": _("退回")},
    )
    def return_to_department(self):
        pass


class ReportEvidence(models.Model):
    """佐证材料 of a progress report: stored under a generated name (execution.files)."""

    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("进展报告"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(_("文件"), upload_to=evidence_upload_to, max_length=200)
    display_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = pgettext_lazy("plural", "佐证材料")
        ordering = ["report", "id"]

    def __str__(self):
        return self.display_name


class WarningSnapshot(models.Model):
    """The early-warning level (预警) of one executing target for one reporting period,
    recomputed (upserted) until the period ends, then kept: the trend reads these rows."""

    class Level(models.TextChoices):
        GREEN = "green", _("绿色")
        YELLOW = "yellow", _("黄色")
        RED = "red", _("红色")

    target = models.ForeignKey(
        Target, verbose_name=_("目标"), on_delete=models.CASCADE, related_name="warning_snapshots"
    )
    period_start = models.DateField(_("报告期开始"))
    period_end = models.DateField(_("报告期结束"))
    level = models.CharField(_("预警等级"), max_length=10, choices=Level.choices)
    # Percent of the year's target expected by the as-of date, and actually achieved (verified).
    expected = models.DecimalField(_("应有进度（%）"), max_digits=7, decimal_places=2)
    actual = models.DecimalField(
        _("实际进度（%）"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    as_of = models.DateField(_("进度截至"), null=True, blank=True)
    reasons = models.JSONField(_("预警原因代码"), default=list, blank=True)
    reason = models.TextField(_("预警原因"), blank=True)
    # When the target entered its current red streak: one explanation per streak (see
    # WarningExplanation). Null unless red.
    red_since = models.DateTimeField(_("转为红色时间"), null=True, blank=True)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("预警记录")
        verbose_name_plural = pgettext_lazy("plural", "预警记录")
        ordering = ["target", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "period_start"], name="warning_snapshot_per_period"
            )
        ]
        indexes = [models.Index(fields=["period_start", "level"])]

    def __str__(self):
        return f"{self.target.code} {self.period_start:%Y-%m} {self.get_level_display()}"


class WarningExplanation(models.Model):
    """红色预警说明: when a target turns red, its lead department explains why and what it will
    do before its next progress report is accepted (Art. 16; Spider Impact's rule)."""

    target = models.ForeignKey(
        Target,
        verbose_name=_("目标"),
        on_delete=models.CASCADE,
        related_name="warning_explanations",
    )
    red_since = models.DateTimeField(_("转为红色时间"))
    explanation = models.TextField(_("原因说明"))
    remedy = models.TextField(_("整改措施"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("填报时间"))

    class Meta:
        verbose_name = _("红色预警说明")
        verbose_name_plural = pgettext_lazy("plural", "红色预警说明")
        ordering = ["target", "filed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "red_since"], name="warning_explanation_per_red_streak"
            )
        ]

    def __str__(self):
        return f"{self.target.code} {self._meta.verbose_name}"
