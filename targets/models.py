"""Targets (目标) and their formulation: Shanghai measures Art. 6–12.

State changes are declared here with django-fsm-2 and performed only by ``targets.services``,
which checks the permission, saves, writes the audit trail and queues notifications.
"""

import datetime
from collections.abc import Callable

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Department

from . import permissions as perms

# Indicator values (baseline, target, expected): four decimal places, for indicators such as
# energy intensity 0.3780 吨标准煤/万元. Forms and the API take their precision from here.
VALUE_MAX_DIGITS = 18
VALUE_DECIMAL_PLACES = 4


class PlanYear(models.Model):
    class Status(models.TextChoices):
        PREPARING = "preparing", _("筹备中")
        DRAFTING = "drafting", _("目标编制中")
        EXECUTING = "executing", _("执行中")
        CLOSED = "closed", _("已结束")

    class ReportFrequency(models.TextChoices):
        MONTHLY = "monthly", _("按月报送")
        QUARTERLY = "quarterly", _("按季度报送")

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    status = models.CharField(
        _("阶段"), max_length=20, choices=Status.choices, default=Status.PREPARING
    )
    # The calendar (Fujian 五; Shanghai Art. 10: targets are formed in Q3 of the year before).
    drafting_opens = models.DateField(_("目标编制开始"), null=True, blank=True)
    drafting_closes = models.DateField(_("目标报送截止"), null=True, blank=True)
    q1_report_due = models.DateField(_("一季度报告截止"), null=True, blank=True)
    q2_report_due = models.DateField(_("半年报告截止"), null=True, blank=True)
    q3_report_due = models.DateField(_("三季度报告截止"), null=True, blank=True)
    year_end_due = models.DateField(_("年度总结截止"), null=True, blank=True)

    # Execution settings of the year (Shanghai Art. 14; Fujian 四: monthly or quarterly
    # analysis). How often departments report progress, and the early-warning thresholds as a
    # share of the progress expected by now (green at or above the first, yellow down to the
    # second, red below it).
    report_frequency = models.CharField(
        _("进展报送周期"),
        max_length=20,
        choices=ReportFrequency.choices,
        default=ReportFrequency.QUARTERLY,
    )
    warning_green_percent = models.DecimalField(
        _("绿色预警阈值（%）"),
        max_digits=5,
        decimal_places=2,
        default=95,
        help_text=_("实际进度达到应有进度的该比例及以上为绿色"),
    )
    warning_yellow_percent = models.DecimalField(
        _("黄色预警阈值（%）"),
        max_digits=5,
        decimal_places=2,
        default=85,
        help_text=_("实际进度达到应有进度的该比例及以上、低于绿色阈值为黄色，再低为红色"),
    )

    class Meta:
        verbose_name = _("计划年度")
        verbose_name_plural = pgettext_lazy("plural", "计划年度")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(warning_yellow_percent__gte=0)
                & models.Q(warning_yellow_percent__lte=models.F("warning_green_percent"))
                & models.Q(warning_green_percent__lte=100),
                name="plan_year_warning_thresholds_ordered",
            )
        ]

    def __str__(self):
        return _("%(year)s年度") % {"year": self.year}

    @property
    def is_open_for_drafting(self) -> bool:
        return self.status == self.Status.DRAFTING

    def quarter_bounds(self, quarter: int) -> tuple[datetime.date, datetime.date]:
        first_month = 3 * (quarter - 1) + 1
        start = datetime.date(self.year, first_month, 1)
        if quarter == 4:
            end = datetime.date(self.year, 12, 31)
        else:
            end = datetime.date(self.year, first_month + 3, 1) - datetime.timedelta(days=1)
        return start, end


class Aspect(models.Model):
    """方面: the grouping of a year's targets (Huangpu: 178 targets in 8 aspects)."""

    plan_year = models.ForeignKey(
        PlanYear, verbose_name=_("年度"), on_delete=models.CASCADE, related_name="aspects"
    )
    number = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("名称"), max_length=100)

    class Meta:
        verbose_name = _("目标方面")
        verbose_name_plural = pgettext_lazy("plural", "目标方面")
        ordering = ["plan_year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan_year", "number"], name="aspect_unique_number")
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"


class Target(ConcurrentTransitionMixin, models.Model):
    class Level(models.TextChoices):
        CITY = "city", _("市政府总体目标")
        DEPARTMENT = "department", _("部门工作目标")

    class Kind(models.TextChoices):
        # Art. 6: 定性目标 describes an outcome; 定量目标 can be measured and decomposed.
        QUALITATIVE = "qualitative", _("定性目标")
        QUANTITATIVE = "quantitative", _("定量目标")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("越高越好")
        LOWER = "lower", _("越低越好")

    class State(models.TextChoices):
        DRAFT = "draft", _("拟定")
        SUBMITTED = "submitted", _("已报送")
        RETURNED = "returned", _("已退回")
        NEGOTIATED = "negotiated", _("已协商")
        CONFIRMED = "confirmed", _("已确认")
        EXECUTING = "executing", _("执行中")
        # Art. 14 办结审核: the completion report passed the general office's review.
        COMPLETED = "completed", _("已办结")
        # Art. 23–25: the year-end result is published.
        EVALUATED = "evaluated", _("已评估")
        # Art. 12: only through an approved adjustment request.
        CANCELLED = "cancelled", _("已撤销")

    EDITABLE_STATES = (State.DRAFT, State.RETURNED)

    plan_year = models.ForeignKey(
        PlanYear, verbose_name=_("年度"), on_delete=models.PROTECT, related_name="targets"
    )
    code = models.CharField(_("编号"), max_length=20)
    level = models.CharField(
        _("层级"), max_length=20, choices=Level.choices, default=Level.DEPARTMENT
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级目标"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("锁链式目标体系：部门目标分解自市政府总体目标（第九条）"),
    )
    aspect = models.ForeignKey(
        Aspect, verbose_name=_("方面"), on_delete=models.PROTECT, related_name="targets"
    )
    is_key_work = models.BooleanField(_("市政府重点工作"), default=False)
    kind = models.CharField(_("目标类型"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("目标名称"), max_length=200)
    content = models.TextField(_("目标内容"))
    measures = models.TextField(_("工作措施"), blank=True)
    indicator = models.CharField(_("指标名称"), max_length=100, blank=True)
    unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    baseline = models.DecimalField(
        _("基期值"),
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    target_value = models.DecimalField(
        _("目标值"),
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    direction = models.CharField(
        _("指标方向"), max_length=10, choices=Direction.choices, blank=True
    )
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=2, default=1)
    is_public = models.BooleanField(_("向社会公开"), default=False)

    lead_department = models.ForeignKey(
        Department,
        verbose_name=_("牵头部门"),
        on_delete=models.PROTECT,
        related_name="led_targets",
    )
    # Art. 15: responsible city leaders.
    lead_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("牵头市领导"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cooperating_leaders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("配合市领导"), blank=True, related_name="+"
    )
    assisting_secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("协助分管秘书长"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Art. 15: in the department — 第一责任人, 分管领导, 责任人.
    dept_head_name = models.CharField(_("第一责任人"), max_length=50, blank=True)
    dept_leader_in_charge = models.CharField(_("分管领导"), max_length=50, blank=True)
    dept_responsible_person = models.CharField(_("责任人"), max_length=50, blank=True)

    state = FSMField(
        _("状态"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True
    )
    # Optimistic lock for content edits: a form carries the version it was read at.
    version = models.PositiveIntegerField(_("版本"), default=1)
    approval_reference = models.CharField(_("审定会议或文号"), max_length=200, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    execution_started_at = models.DateTimeField(_("任务书下达时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = pgettext_lazy("plural", "目标")
        ordering = ["plan_year", "aspect__number", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan_year", "code"], name="target_unique_code"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="target_weight_positive"),
        ]
        indexes = [models.Index(fields=["plan_year", "state"])]

    def __str__(self):
        return f"{self.code} {self.title}"

    @classmethod
    def audit_display(cls, name, value):
        """How a snapshot or audit value of a target's related rows reads (``workflow.events``):
        one line per department or milestone row; None leaves other fields to the default."""
        if name == "departments" and isinstance(value, list):
            roles = dict(TargetDepartment.Role.choices)
            return [
                "".join(
                    [
                        _("%(department)s（%(role)s）")
                        % {
                            "department": row.get("department"),
                            "role": roles.get(row.get("role"), row.get("role")),
                        },
                        _("：%(task)s") % {"task": row["task"]} if row.get("task") else "",
                        _("；完成标准：%(a)s") % {"a": row["acceptance"]}
                        if row.get("acceptance")
                        else "",
                    ]
                )
                for row in value
            ]
        if name == "milestones" and isinstance(value, list):
            lines = []
            for row in value:
                line = f"Q{row.get('quarter')} {row.get('description', '')}"
                if row.get("due_date"):
                    line += _("（完成时限 %(d)s）") % {"d": row["due_date"]}
                if row.get("expected_value") is not None:
                    line += _("（预期值 %(v)s）") % {"v": row["expected_value"]}
                lines.append(line)
            return lines
        return None

    @property
    def is_content_locked(self) -> bool:
        # Art. 12: once confirmed, a target changes only through an approved adjustment.
        return self.state not in self.EDITABLE_STATES

    # Transitions: the methods only move the state; targets.services does everything else.
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
        target=State.RETURNED,
        permission=perms.may_review,
        custom={"label": _("退回修改")},
    )
    def return_to_department(self):
        pass

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.NEGOTIATED,
        permission=perms.may_review,
        custom={"label": _("协商一致")},
    )
    def negotiate(self):
        pass

    @transition(
        field=state,
        source=State.NEGOTIATED,
        target=State.CONFIRMED,
        permission=perms.may_review,
        custom={"label": _("确认")},
    )
    def confirm(self):
        pass

    @transition(
        field=state,
        source=State.CONFIRMED,
        target=State.EXECUTING,
        permission=perms.may_review,
        custom={"label": _("下达任务书")},
    )
    def start_execution(self):
        pass

    # The targets' hooks for the execution stage. When they may happen (an accepted completion
    # report, an approved cancellation request) is decided in execution's services, their only
    # callers; here only the states and who may.
    @transition(
        field=state,
        source=State.EXECUTING,
        target=State.COMPLETED,
        permission=perms.may_close,
        custom={"label": _("办结"), "offered": False},
    )
    def complete(self):
        """Art. 14 办结审核: the general office accepted the completion report."""

    @transition(
        field=state,
        source=[State.CONFIRMED, State.EXECUTING],
        target=State.CANCELLED,
        permission=perms.may_close,
        custom={"label": _("撤销"), "offered": False},
    )
    def cancel(self):
        """Art. 12: the general office approved a request to cancel the target."""

    # Art. 23–25: the year-end result is published. The hook of the evaluation stage: only
    # ``evaluation.services.scheme_publish`` calls it (with the row locked and an audit row),
    # never a page or the targets API.
    @transition(
        field=state,
        source=[State.EXECUTING, State.COMPLETED],
        target=State.EVALUATED,
        permission=perms.may_evaluate,
        custom={"label": _("考评结果发布"), "offered": False},
    )
    def evaluate(self):
        pass


class TargetDepartment(models.Model):
    """A responsible (责任) or cooperating (配合) department of a target, with its own task
    (Art. 7, 16: the lead department states each department's task and node targets)."""

    class Role(models.TextChoices):
        RESPONSIBLE = "responsible", _("责任部门")
        COOPERATING = "cooperating", _("配合部门")

    target = models.ForeignKey(
        Target, verbose_name=_("目标"), on_delete=models.CASCADE, related_name="departments"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("职责"), max_length=20, choices=Role.choices)
    task = models.TextField(_("承担任务"), blank=True)
    acceptance = models.TextField(_("完成标准"), blank=True)

    class Meta:
        verbose_name = _("责任与配合部门")
        verbose_name_plural = pgettext_lazy("plural", "责任与配合部门")
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["target", "department"], name="target_department_once")
        ]

    def __str__(self):
        return f"{self.department} ({self.get_role_display()})"


# The day a node target's status is read on (issue 16 item 3). Execution registers its clock
# (the demo's replayed day, the tests' frozen day) in its AppConfig.ready; the server's date
# until then. targets sits below execution and cannot import it.
_milestone_today: Callable[[], datetime.date] = timezone.localdate


def set_milestone_clock(today: Callable[[], datetime.date]) -> None:
    global _milestone_today
    _milestone_today = today


def milestone_today() -> datetime.date:
    return _milestone_today()


class Milestone(models.Model):
    """节点目标: a quarterly node target (Huangpu; Shanghai 002 三.3)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("未到期")
        ACHIEVED = "achieved", _("已完成")
        MISSED = "missed", _("未完成")

    # Shown, never stored: past its due date with no result recorded (issue 16 item 3).
    OVERDUE = "overdue"
    OVERDUE_LABEL = _("逾期")

    target = models.ForeignKey(
        Target, verbose_name=_("目标"), on_delete=models.CASCADE, related_name="milestones"
    )
    quarter = models.PositiveSmallIntegerField(_("季度"))
    due_date = models.DateField(_("完成时限"))
    description = models.TextField(_("节点目标"))
    expected_value = models.DecimalField(
        _("预期值"),
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("完成情况"), max_length=20, choices=Status.choices, default=Status.PENDING
    )

    class Meta:
        verbose_name = _("节点目标")
        verbose_name_plural = pgettext_lazy("plural", "节点目标")
        ordering = ["quarter", "due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="milestone_quarter_1_4"
            )
        ]

    def __str__(self):
        return f"Q{self.quarter} {self.description[:30]}"

    @classmethod
    def overdue_q(cls, today: datetime.date | None = None) -> models.Q:
        """The one rule, as a filter: no result (已完成 / 未完成) and the due date has passed
        (the due day itself is not late)."""
        return models.Q(status=cls.Status.PENDING, due_date__lt=today or milestone_today())

    def shown_status(self, today: datetime.date | None = None) -> str:
        """The one rule, for a row: ``OVERDUE`` when the node target is past its due date
        without a result, else the stored status (``overdue_q`` says the same in SQL)."""
        if self.status == self.Status.PENDING and self.due_date < (today or milestone_today()):
            return self.OVERDUE
        return self.status

    @property
    def is_overdue(self) -> bool:
        return self.shown_status() == self.OVERDUE

    def get_status_display(self) -> str:
        """What every page and PDF prints: 逾期 rather than 未到期 once the due date passed."""
        status = self.shown_status()
        return str(self.OVERDUE_LABEL) if status == self.OVERDUE else self.Status(status).label


class TargetComment(models.Model):
    """The negotiation thread between the department and the general office (Art. 9: 协商目标)."""

    target = models.ForeignKey(
        Target, verbose_name=_("目标"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发表人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    author_department = models.ForeignKey(
        Department,
        verbose_name=_("发表人部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    body = models.TextField(_("内容"))
    # Set when the comment was written with a transition (for example the reason for a return).
    transition = models.CharField(_("随同操作"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("协商意见")
        verbose_name_plural = pgettext_lazy("plural", "协商意见")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.author}: {self.body[:30]}"


class TargetRevision(models.Model):
    """A full snapshot of a target's content after each change, so every earlier version stays
    readable (the negotiation is judged against what was actually submitted)."""

    target = models.ForeignKey(
        Target, verbose_name=_("目标"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("版本号"))
    snapshot = models.JSONField(_("内容快照"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("目标版本")
        verbose_name_plural = pgettext_lazy("plural", "目标版本")
        ordering = ["target", "number"]
        constraints = [
            models.UniqueConstraint(fields=["target", "number"], name="revision_unique_number")
        ]

    def __str__(self):
        return f"{self.target.code} v{self.number}"
