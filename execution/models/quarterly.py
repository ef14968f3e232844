"""Quarterly reports (季度报告) of each department to its vice-mayor, and the general office's
quarterly summary (季度汇总) — Shanghai Art. 17: "每季度向分管副市长报告".

The drafting task (execution.tasks.quarterly) fills the *drafted* columns from the quarter's
verified progress; the department writes the *narrative* columns. Re-drafting rewrites only the
drafted columns, never what a person wrote. State changes (each transition with its permission
and label) are performed only by ``execution.services.quarterly`` through
``workflow.transitions.transition_apply``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Department
from targets.models import VALUE_DECIMAL_PLACES, VALUE_MAX_DIGITS, PlanYear, Target

from ..permissions import quarterly as perms


class QuarterlyReport(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("起草中")
        SUBMITTED = "submitted", _("已报送目标办")
        FORWARDED = "forwarded", _("已转呈市领导")
        READ = "read", _("市领导已阅")

    # Change keys of the audit trail that are no field of the report (workflow.events).
    AUDIT_FIELDS = {"items": _("各目标情况说明"), "instruction_answer": _("批示落实情况")}

    plan_year = models.ForeignKey(
        PlanYear, verbose_name=_("年度"), on_delete=models.PROTECT, related_name="+"
    )
    quarter = models.PositiveSmallIntegerField(_("季度"))
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+"
    )
    state = FSMField(
        _("状态"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True
    )
    # Written by the department (never by the drafting task).
    summary = models.TextField(_("总体情况"), blank=True)
    next_steps = models.TextField(_("下一季度工作安排"), blank=True)
    # The vice-mayor it goes to (Art. 17), fixed when the general office forwards it.
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("分管市领导"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    drafted_at = models.DateTimeField(_("起草时间"))
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
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("转呈人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    forwarded_at = models.DateTimeField(_("转呈时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅示时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("季度报告")
        verbose_name_plural = pgettext_lazy("plural", "季度报告")
        ordering = ["-plan_year__year", "-quarter", "department__sort_order", "department_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_year", "quarter", "department"], name="quarterly_report_once"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="quarterly_report_q1_4"
            ),
        ]
        indexes = [models.Index(fields=["plan_year", "quarter", "state"])]

    def __str__(self):
        return f"{self.plan_year.year} Q{self.quarter} {self.department}"

    @classmethod
    def audit_display(cls, name, value):
        """The targets' narratives of an edit (``items``: target code → 情况说明), one line each."""
        if name == "items" and isinstance(value, dict):
            return [f"{code}：{text or '—'}" for code, text in value.items()]
        return None

    # Transitions only move the state; execution.services.quarterly does everything else.
    @transition(
        field=state,
        source=State.DRAFT,
        target=State.SUBMITTED,
        permission=perms.may_submit,
        custom={"label": _("报送季度报告")},
    )
    def submit(self):
        pass

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.FORWARDED,
        permission=perms.may_forward,
        custom={"label": _("转呈分管市领导")},
    )
    def forward(self):
        pass

    @transition(
        field=state,
        source=State.FORWARDED,
        target=State.READ,
        permission=perms.may_read_as_leader,
        custom={"label": _("市领导已阅")},
    )
    def mark_read(self):
        pass


class QuarterlyReportItem(models.Model):
    """One target of the department in the quarterly report."""

    report = models.ForeignKey(
        QuarterlyReport, verbose_name=_("季度报告"), on_delete=models.CASCADE, related_name="items"
    )
    target = models.ForeignKey(
        Target, verbose_name=_("目标"), on_delete=models.PROTECT, related_name="+"
    )
    # Drafted from the quarter's node target, verified progress and warning (rewritten on
    # re-drafting).
    milestone = models.TextField(_("本季度节点目标"), blank=True)
    reported_value = models.DecimalField(
        _("报送值"),
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
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
    level = models.CharField(_("预警等级"), max_length=10, blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    # Written by the department: required for a red target before submission (Art. 16–17).
    narrative = models.TextField(_("情况说明"), blank=True)

    class Meta:
        verbose_name = _("季度报告目标")
        verbose_name_plural = pgettext_lazy("plural", "季度报告目标")
        ordering = ["report", "target__code"]
        constraints = [
            models.UniqueConstraint(fields=["report", "target"], name="quarterly_item_once")
        ]

    def __str__(self):
        return f"{self.report} {self.target.code}"


class QuarterlyInstruction(models.Model):
    """批示: the vice-mayor's instruction on a quarterly report, and the department's answer."""

    report = models.ForeignKey(
        QuarterlyReport,
        verbose_name=_("季度报告"),
        on_delete=models.CASCADE,
        related_name="instructions",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批示人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("批示内容"))
    created_at = models.DateTimeField(_("批示时间"))
    answer = models.TextField(_("落实情况"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("领导批示")
        verbose_name_plural = pgettext_lazy("plural", "领导批示")
        ordering = ["report", "created_at", "id"]

    def __str__(self):
        return f"{self.report} {self._meta.verbose_name}"


class QuarterlySummary(ConcurrentTransitionMixin, models.Model):
    """季度汇总 of the general office for the mayor and vice-mayors (Art. 17)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("起草中")
        PUBLISHED = "published", _("已印发")

    plan_year = models.ForeignKey(
        PlanYear, verbose_name=_("年度"), on_delete=models.PROTECT, related_name="+"
    )
    quarter = models.PositiveSmallIntegerField(_("季度"))
    state = FSMField(
        _("状态"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True
    )
    # Drafted figures (counts by state and level, per aspect and portfolio, red list, overdue
    # reports, open coordination, approved adjustments), rewritten on re-drafting until published.
    figures = models.JSONField(_("汇总数据"), default=dict, blank=True)
    # Written by the general office.
    text = models.TextField(_("汇总说明"), blank=True)
    drafted_at = models.DateTimeField(_("起草时间"))
    updated_at = models.DateTimeField(_("更新时间"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("印发人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("印发时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("季度汇总")
        verbose_name_plural = pgettext_lazy("plural", "季度汇总")
        ordering = ["-plan_year__year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["plan_year", "quarter"], name="quarterly_summary_once")
        ]

    def __str__(self):
        return f"{self.plan_year.year} Q{self.quarter} {self._meta.verbose_name}"

    @transition(
        field=state,
        source=State.DRAFT,
        target=State.PUBLISHED,
        permission=perms.may_publish_summary,
        custom={"label": _("印发季度汇总")},
    )
    def publish(self):
        pass
