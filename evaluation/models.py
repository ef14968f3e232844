"""Year-end evaluation (考核评估): Shanghai Art. 23–25; Zhongshan Art. 19–25 and 附件1; Baoshan's
four-source weighting; Wuhan's pass/fail (达标) mode; Fujian 五–六 (self-evaluation, feedback).

A scheme is data, not code: the indicator tree, the scoring bodies and their weights, the
deduction rules, the department categories and the grade bands are rows, built from a built-in
template (``evaluation.builtin``) or cloned from last year's. Every change goes through
``evaluation.services``; the one computation is ``evaluation.scoring.compute_results``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Department
from supervision.models import AccountabilityRecord
from targets.models import PlanYear, Target

from . import permissions as perms

POINTS = {"max_digits": 9, "decimal_places": 4}
PERCENT = {"max_digits": 7, "decimal_places": 4}


class EvaluationScheme(ConcurrentTransitionMixin, models.Model):
    """考评方案: one plan year's scheme, in versions. Frozen once scoring opens (Wuhan:
    "严格按照年初制定的考核办法办事"); a change then needs a new version, and results keep the
    version they were computed with.

    States: 编制中 → 评分中 (open_scoring) → 评分已锁定 (lock) → 结果已发布 (publish); a version
    scoring or locked is 已被新版本取代 (supersede) when a newer version opens scoring. The
    transitions only move the state; ``evaluation.services`` does everything else through
    ``workflow.transitions.transition_apply``."""

    # Words of the audit trail that are not fields or transitions (issue 15).
    AUDIT_VERBS = {"remind": _("催办")}
    AUDIT_FIELDS = {
        "targets_evaluated": _("转为已评估的目标数"),
        "missing_sheets": _("未提交的评分表数"),
    }

    class Mode(models.TextChoices):
        # Zhongshan Art. 19: 百分制 — the leaves' points add up to 100.
        POINTS = "points", _("百分制（指标分值相加）")
        # Baoshan: each source's score on its own indicators, weighted 35/25/20/20.
        WEIGHTED = "weighted", _("来源加权（各考评主体按权重折算）")
        # Wuhan: 达标管理 — one failed item fails the whole.
        PASS_FAIL = "pass_fail", _("达标制（一项不达标即整体不达标）")

    class EmptyObjective(models.TextChoices):
        EXCLUDE = "exclude", _("不计入，其余指标按比例折算")
        FULL = "full", _("按满分计")
        ZERO = "zero", _("按0分计")

    class State(models.TextChoices):
        DRAFT = "draft", _("编制中")
        SCORING = "scoring", _("评分中")
        LOCKED = "locked", _("评分已锁定")
        PUBLISHED = "published", _("结果已发布")
        SUPERSEDED = "superseded", _("已被新版本取代")

    plan_year = models.ForeignKey(
        PlanYear, verbose_name=_("考评年度"), on_delete=models.PROTECT, related_name="schemes"
    )
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    name = models.CharField(_("方案名称"), max_length=200)
    mode = models.CharField(_("计分方式"), max_length=20, choices=Mode.choices)
    state = FSMField(
        _("状态"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    template_key = models.CharField(_("来源模板"), max_length=40, blank=True)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("复制自"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A rater scoring an indicator below this share of its maximum must say why.
    comment_below_percent = models.DecimalField(
        _("低于该得分率须填写说明（%）"), default=60, **PERCENT
    )
    # Zhongshan Art. 20 / 附件1 附加项目: the accountability deductions together at most 10.
    deduction_cap = models.DecimalField(_("问责扣分上限"), null=True, blank=True, **POINTS)
    # Baoshan 条块连坐: a deduction on a target reaches its departments by these shares.
    joint_lead_percent = models.DecimalField(_("连坐：牵头部门承担（%）"), default=100, **PERCENT)
    joint_responsible_percent = models.DecimalField(
        _("连坐：责任部门承担（%）"), default=0, **PERCENT
    )
    joint_cooperating_percent = models.DecimalField(
        _("连坐：配合部门承担（%）"), default=0, **PERCENT
    )
    # Baoshan 条块连坐 is a choice of the scheme, not of the measures: off unless the scheme
    # (the Baoshan template) turns it on; target deductions are refused while it is off.
    joint_liability = models.BooleanField(
        _("条块连坐（目标扣分由相关部门共同承担）"), default=False
    )
    # Issue 16 item 10: an objective indicator with nothing to count (0 of 0).
    empty_objective = models.CharField(
        _("客观指标无可计数对象时"),
        max_length=20,
        choices=EmptyObjective.choices,
        default=EmptyObjective.EXCLUDE,
    )
    # Zhongshan Art. 23: 绩效奖金 for departments that completed their tasks (grade at least
    # this band; blank: the scheme ties no outcome to its results), an extra share for the
    # best band, a cut for those held accountable or that missed a major task (市政府重点工作).
    bonus_min_grade = models.CharField(_("发放年度绩效奖金的最低等次"), max_length=20, blank=True)
    extra_bonus_grade = models.CharField(_("增发绩效奖金的等次"), max_length=20, blank=True)
    extra_bonus_percent = models.DecimalField(_("增发绩效奖金比例（%）"), default=0, **PERCENT)
    bonus_cut_percent = models.DecimalField(_("扣减绩效奖金比例（%）"), default=0, **PERCENT)
    # Shanghai Art. 25, Fujian 六: each department's self-evaluation with a summary report comes
    # first; it is shown beside the result and does not count in the score.
    self_evaluation = models.BooleanField(_("部门自评"), default=True)
    opened_at = models.DateTimeField(_("开始评分时间"), null=True, blank=True)
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    publish_reason = models.TextField(_("缺表发布说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考评方案")
        verbose_name_plural = pgettext_lazy("plural", "考评方案")
        ordering = ["-plan_year__year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["plan_year", "version"], name="scheme_unique_version")
        ]

    def __str__(self):
        return _("%(year)s年度%(name)s（第%(v)s版）") % {
            "year": self.plan_year.year,
            "name": self.name,
            "v": self.version,
        }

    @property
    def is_editable(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def is_pass_fail(self) -> bool:
        return self.mode == self.Mode.PASS_FAIL

    @transition(
        field=state,
        source=State.DRAFT,
        target=State.SCORING,
        permission=perms.may_run_scheme,
        custom={"label": _("开始评分")},
    )
    def open_scoring(self):
        """The scheme freezes; its sheets are created (Shanghai Art. 25; Fujian)."""

    @transition(
        field=state,
        source=State.SCORING,
        target=State.LOCKED,
        permission=perms.may_run_scheme,
        custom={"label": _("锁定评分")},
    )
    def lock(self):
        """Collection ends: submitted sheets are locked."""

    @transition(
        field=state,
        source=State.LOCKED,
        target=State.PUBLISHED,
        permission=perms.may_run_scheme,
        custom={"label": _("发布考评结果")},
    )
    def publish(self):
        """Art. 23–25: the results are stored and frozen; the year's targets are evaluated."""

    @transition(
        field=state,
        source=[State.SCORING, State.LOCKED],
        target=State.SUPERSEDED,
        permission=perms.may_run_scheme,
        custom={"label": _("被新版本取代"), "offered": False},
    )
    def supersede(self):
        """A newer version opened scoring (run by ``scheme_open_scoring`` of that version)."""


class ScoringBody(models.Model):
    """考评主体 / 评价来源 (Zhongshan 附件1's 考评主体 column; Shanghai Art. 25's self, leader,
    management-department, peer, public and third-party assessment; Baoshan's four sources)."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("管理部门")
        LEADERS = "leaders", _("市领导")
        DEPUTIES = "deputies", _("党代表、人大代表、政协委员")
        PEERS = "peers", _("部门互评")
        GRASSROOTS = "grassroots", _("基层单位")
        PUBLIC = "public", _("公众（委托调查机构）")
        THIRD_PARTY = "third_party", _("第三方评估")
        OBJECTIVE = "objective", _("客观数据（系统计算）")

    scheme = models.ForeignKey(
        EvaluationScheme,
        verbose_name=_("考评方案"),
        on_delete=models.CASCADE,
        related_name="bodies",
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    # Who fills this body's sheets: the members of this department (the office enters the
    # survey firm's or the deputies' figures when it is the rater department) and any user named.
    rater_department = models.ForeignKey(
        Department,
        verbose_name=_("评分部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    raters = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("评分人"), blank=True, related_name="+"
    )
    # Only in the weighted mode (Baoshan 35/25/20/20); the weights add up to 100.
    weight = models.DecimalField(_("权重（%）"), null=True, blank=True, **PERCENT)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("考评主体")
        verbose_name_plural = pgettext_lazy("plural", "考评主体")
        ordering = ["scheme", "order", "id"]

    def __str__(self):
        return self.name

    @property
    def is_objective(self) -> bool:
        return self.kind == self.Kind.OBJECTIVE


class Indicator(models.Model):
    """考评指标: a node of the indicator tree, of any depth (Zhongshan: 考评体系 → 一级指标 →
    二级指标). A leaf is scored by one body; an inner node's maximum is the sum of its children's."""

    scheme = models.ForeignKey(
        EvaluationScheme,
        verbose_name=_("考评方案"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级指标"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    name = models.CharField(_("指标名称"), max_length=200)
    max_points = models.DecimalField(_("分值"), **POINTS)
    content = models.TextField(_("考评内容"), blank=True)
    body = models.ForeignKey(
        ScoringBody,
        verbose_name=_("考评主体"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
    )
    # Zhongshan 附件1: 深化行政审批制度改革 is scored by 市编委办 and 市发展改革局 together. Each
    # body scores the indicator out of its maximum on its own sheet; the indicator's points are
    # the average of the bodies' points (the measures give no split).
    co_bodies = models.ManyToManyField(
        ScoringBody, verbose_name=_("共同考评主体"), blank=True, related_name="co_indicators"
    )
    # As printed in the scheme (附件1's columns), which may name several bodies or departments.
    body_text = models.CharField(_("考评主体（原文）"), max_length=200, blank=True)
    responsible_text = models.CharField(_("责任部门"), max_length=200, blank=True)
    # Objective indicators: the name of a metric in evaluation.metrics.
    metric = models.CharField(_("客观数据指标"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("考评指标")
        verbose_name_plural = pgettext_lazy("plural", "考评指标")
        ordering = ["scheme", "order", "id"]

    def __str__(self):
        return self.name


class DeductionRule(models.Model):
    """扣分规则: points per accountability record of a category (Zhongshan Art. 20)."""

    scheme = models.ForeignKey(
        EvaluationScheme,
        verbose_name=_("考评方案"),
        on_delete=models.CASCADE,
        related_name="deduction_rules",
    )
    category = models.CharField(
        _("问责类别"), max_length=30, choices=AccountabilityRecord.Category.choices
    )
    label = models.CharField(_("名称"), max_length=100)
    content = models.TextField(_("考评内容"), blank=True)
    points_each = models.DecimalField(_("每项扣分"), **POINTS)
    cap = models.DecimalField(_("本类扣分上限"), null=True, blank=True, **POINTS)
    body_text = models.CharField(_("考评主体（原文）"), max_length=200, blank=True)
    responsible_text = models.CharField(_("责任部门"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("扣分规则")
        verbose_name_plural = pgettext_lazy("plural", "扣分规则")
        ordering = ["scheme", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "category"], name="deduction_rule_once")
        ]

    def __str__(self):
        return self.label


class Participant(models.Model):
    """考评对象: a department evaluated under the scheme, in its ranking category (Zhongshan
    Art. 21), copied from the department when the scheme is built and editable while drafting."""

    scheme = models.ForeignKey(
        EvaluationScheme,
        verbose_name=_("考评方案"),
        on_delete=models.CASCADE,
        related_name="participants",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(
        _("考评类别"), max_length=20, choices=Department.Category.choices, blank=True
    )

    class Meta:
        verbose_name = _("考评对象")
        verbose_name_plural = pgettext_lazy("plural", "考评对象")
        ordering = ["scheme", "category", "department__sort_order", "department_id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "department"], name="participant_once")
        ]

    def __str__(self):
        return str(self.department)


class GradeBand(models.Model):
    """等次: bands from best to worst, per category or for all (blank). A department gets the
    first band whose minimum score it reaches while the band still has room under its share of
    the category (e.g. 优秀 at most 20%)."""

    scheme = models.ForeignKey(
        EvaluationScheme,
        verbose_name=_("考评方案"),
        on_delete=models.CASCADE,
        related_name="grade_bands",
    )
    category = models.CharField(
        _("适用类别"), max_length=20, choices=Department.Category.choices, blank=True
    )
    name = models.CharField(_("等次"), max_length=20)
    order = models.PositiveSmallIntegerField(_("排序（由优到差）"), default=0)
    min_score = models.DecimalField(_("最低分"), null=True, blank=True, **POINTS)
    max_percent = models.DecimalField(
        _("不超过本类别的比例（%）"), null=True, blank=True, **PERCENT
    )
    # The measures name categories and results, not bands (Zhongshan Art. 21–23): a template's
    # bands are the system's default until the office edits them.
    is_default = models.BooleanField(_("系统默认"), default=False)

    class Meta:
        verbose_name = _("等次规则")
        verbose_name_plural = pgettext_lazy("plural", "等次规则")
        ordering = ["scheme", "category", "order", "id"]

    def __str__(self):
        return self.name


def _scheme_scoring(sheet) -> bool:
    """A sheet is filled only while its scheme is scoring (after locking, nothing changes)."""
    return sheet.scheme.state == EvaluationScheme.State.SCORING


class ScoreSheet(ConcurrentTransitionMixin, models.Model):
    """评分表: one per (scoring body, evaluated department) — the body's indicators for that
    department — plus each department's self-evaluation (自评) with its summary report.

    States: 待评分 → 草稿 (save_draft, again and again) → 已提交 (submit) → 已锁定 (lock, when
    the office locks the scheme). An objective sheet is created submitted."""

    # A sheet's points are kept on its entries; the audit trail records them under "entries"
    # as ``{indicator name: {"points", "passed", "comment"}}`` before and after.
    AUDIT_FIELDS = {"entries": _("评分")}

    class State(models.TextChoices):
        ASSIGNED = "assigned", _("待评分")
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        LOCKED = "locked", _("已锁定")

    scheme = models.ForeignKey(
        EvaluationScheme,
        verbose_name=_("考评方案"),
        on_delete=models.CASCADE,
        related_name="sheets",
    )
    body = models.ForeignKey(
        ScoringBody,
        verbose_name=_("考评主体"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sheets",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("被考评部门"), on_delete=models.PROTECT, related_name="+"
    )
    is_self = models.BooleanField(_("部门自评"), default=False)
    state = FSMField(
        _("状态"), max_length=20, choices=State.choices, default=State.ASSIGNED, db_index=True
    )
    summary = models.TextField(_("自评总结报告"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    saved_at = models.DateTimeField(_("保存时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reminded_at = models.DateTimeField(_("最近催办时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评分表")
        verbose_name_plural = pgettext_lazy("plural", "评分表")
        ordering = ["scheme", "body__order", "department__sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "body", "department"],
                condition=models.Q(is_self=False),
                name="sheet_once_per_body_department",
            ),
            models.UniqueConstraint(
                fields=["scheme", "department"],
                condition=models.Q(is_self=True),
                name="self_sheet_once_per_department",
            ),
        ]

    def __str__(self):
        who = _("部门自评") if self.is_self else str(self.body)
        return f"{who} → {self.department}"

    @property
    def is_done(self) -> bool:
        return self.state in (self.State.SUBMITTED, self.State.LOCKED)

    @property
    def audit_scope(self):
        """A sheet's steps show on its scheme's timeline."""
        return self.scheme

    @classmethod
    def audit_display(cls, name, value):
        if name != "entries" or not isinstance(value, dict):
            return None
        lines = []
        for indicator, entry in value.items():
            entry = entry or {}
            if entry.get("passed") is not None:
                shown = _("达标") if entry["passed"] else _("不达标")
            elif entry.get("points") is not None:
                shown = _("%(p)s分") % {"p": entry["points"]}
            else:
                shown = "—"
            line = f"{indicator}：{shown}"
            if entry.get("comment"):
                line += f"（{entry['comment']}）"
            lines.append(line)
        return lines or None

    @transition(
        field=state,
        source=[State.ASSIGNED, State.DRAFT],
        target=State.DRAFT,
        permission=perms.may_fill_sheet,
        conditions=[_scheme_scoring],
        custom={"label": _("暂存评分")},
    )
    def save_draft(self):
        pass

    @transition(
        field=state,
        source=[State.ASSIGNED, State.DRAFT],
        target=State.SUBMITTED,
        permission=perms.may_fill_sheet,
        conditions=[_scheme_scoring],
        custom={"label": _("提交评分")},
    )
    def submit(self):
        pass

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.LOCKED,
        permission=perms.may_lock_sheet,
        custom={"label": _("锁定"), "offered": False},
    )
    def lock(self):
        """Run by ``scheme_lock`` for every submitted sheet of the scheme."""


class ScoreEntry(models.Model):
    """One indicator's points on a sheet. Objective entries keep their inputs (numerator and
    denominator as counted from our own records), from which the points are computed."""

    sheet = models.ForeignKey(
        ScoreSheet, verbose_name=_("评分表"), on_delete=models.CASCADE, related_name="entries"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="entries"
    )
    points = models.DecimalField(_("得分"), null=True, blank=True, **POINTS)
    passed = models.BooleanField(_("达标"), null=True, blank=True)
    comment = models.TextField(_("评分说明"), blank=True)
    inputs = models.JSONField(_("计算依据"), default=dict, blank=True)

    class Meta:
        verbose_name = _("评分项")
        verbose_name_plural = pgettext_lazy("plural", "评分项")
        ordering = ["sheet", "indicator__order", "indicator_id"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "indicator"], name="entry_once_per_indicator")
        ]

    def __str__(self):
        return f"{self.indicator}: {self.points}"


class TargetDeduction(models.Model):
    """目标扣分 with joint liability (条块连坐, Baoshan): points taken for a failure on a target,
    shared by its lead, responsible and cooperating departments by the scheme's shares."""

    scheme = models.ForeignKey(
        EvaluationScheme,
        verbose_name=_("考评方案"),
        on_delete=models.CASCADE,
        related_name="target_deductions",
    )
    target = models.ForeignKey(
        Target, verbose_name=_("目标"), on_delete=models.PROTECT, related_name="+"
    )
    points = models.DecimalField(_("扣分"), **POINTS)
    reason = models.TextField(_("扣分事由"))
    reference = models.CharField(_("依据文号"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("目标扣分（条块连坐）")
        verbose_name_plural = pgettext_lazy("plural", "目标扣分（条块连坐）")
        ordering = ["scheme", "id"]

    def __str__(self):
        return f"{self.target.code} −{self.points}"


class EvaluationResult(models.Model):
    """考评结果: stored when the scheme is published (frozen from then on). ``detail`` keeps
    every number with what it came from, so the result page links each to its inputs."""

    scheme = models.ForeignKey(
        EvaluationScheme,
        verbose_name=_("考评方案"),
        on_delete=models.PROTECT,
        related_name="results",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(
        _("考评类别"), max_length=20, choices=Department.Category.choices, blank=True
    )
    base_score = models.DecimalField(_("指标得分"), max_digits=9, decimal_places=2)
    deductions = models.DecimalField(_("扣分"), max_digits=9, decimal_places=2)
    final_score = models.DecimalField(_("综合得分"), max_digits=9, decimal_places=2)
    rank = models.PositiveSmallIntegerField(_("类别内排名"), null=True, blank=True)
    category_size = models.PositiveSmallIntegerField(_("类别内部门数"), default=0)
    grade = models.CharField(_("等次"), max_length=20, blank=True)
    passed = models.BooleanField(_("达标"), null=True, blank=True)
    detail = models.JSONField(_("计算明细"), default=dict)

    class Meta:
        verbose_name = _("考评结果")
        verbose_name_plural = pgettext_lazy("plural", "考评结果")
        ordering = ["scheme", "category", "rank", "department__sort_order"]
        constraints = [models.UniqueConstraint(fields=["scheme", "department"], name="result_once")]

    def __str__(self):
        return f"{self.department}: {self.final_score}"


class Feedback(ConcurrentTransitionMixin, models.Model):
    """绩效改进建议 (Zhongshan Art. 25; Fujian 五(五), 六): the office's suggestions to a department,
    acknowledged by the department, which files an improvement plan; next year's targets may
    name it."""

    class State(models.TextChoices):
        SENT = "sent", _("已反馈")
        ACKNOWLEDGED = "acknowledged", _("已签收")
        PLAN_FILED = "plan_filed", _("已报送整改计划")

    scheme = models.ForeignKey(
        EvaluationScheme,
        verbose_name=_("考评方案"),
        on_delete=models.PROTECT,
        related_name="feedback",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+"
    )
    suggestions = models.TextField(_("改进建议"))
    state = FSMField(_("状态"), max_length=20, choices=State.choices, default=State.SENT)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("反馈人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    written_at = models.DateTimeField(_("反馈时间"), auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签收人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    improvement_plan = models.TextField(_("整改计划"), blank=True)
    plan_filed_at = models.DateTimeField(_("整改计划报送时间"), null=True, blank=True)
    # Next year's targets that carry the improvement (evaluation may import targets, not the
    # reverse).
    linked_targets = models.ManyToManyField(
        Target, verbose_name=_("落实改进的目标"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("改进建议")
        verbose_name_plural = pgettext_lazy("plural", "改进建议")
        ordering = ["scheme", "department__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "department"], name="feedback_once")
        ]

    def __str__(self):
        return _("%(dept)s的改进建议") % {"dept": self.department}

    @property
    def audit_scope(self):
        """Feedback shows on its scheme's timeline."""
        return self.scheme

    @transition(
        field=state,
        source=State.SENT,
        target=State.ACKNOWLEDGED,
        permission=perms.may_answer_feedback,
        custom={"label": _("签收改进建议")},
    )
    def acknowledge(self):
        pass

    @transition(
        field=state,
        source=[State.ACKNOWLEDGED, State.PLAN_FILED],
        target=State.PLAN_FILED,
        permission=perms.may_answer_feedback,
        custom={"label": _("报送整改计划")},
    )
    def file_plan(self):
        """Filed again, the plan replaces the earlier one."""
