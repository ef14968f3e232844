"""问题清单与整改: findings and their rectification (efficiency opinions 保障措施 三 — a problem
list naming the responsible leader and unit; 六.6 限期整改).

A finding comes from an inspection, an order, an external input, an audit or a leader; it names
the responsible department, its responsible leader and a deadline. The department files a
rectification plan, then a rectification report with evidence; the supervision office verifies
it (accepted → verified) or rejects it (back to the department).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Department
from execution.files import evidence_upload_to
from targets.models import PlanYear, Target

from .. import permissions as perms
from .inputs import ExternalInput
from .inspections import Inspection
from .orders import SupervisionOrder


class Finding(ConcurrentTransitionMixin, models.Model):
    class Source(models.TextChoices):
        INSPECTION = "inspection", _("督查检查")
        ORDER = "order", _("督办")
        EXTERNAL_INPUT = "external_input", _("外部监督")
        AUDIT = "audit", _("审计")
        LEADER = "leader", _("领导交办")

    class State(models.TextChoices):
        OPEN = "open", _("待整改")
        PLAN_FILED = "plan_filed", _("已报整改方案")
        RECTIFIED = "rectified", _("已报整改情况")
        VERIFIED = "verified", _("已销号")
        REJECTED = "rejected", _("验收未通过")

    # States in which the department still owes the rectification (overdue is judged on these).
    AWAITING_DEPARTMENT = (State.OPEN, State.PLAN_FILED, State.REJECTED)

    plan_year = models.ForeignKey(
        PlanYear, verbose_name=_("年度"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("问题编号"), max_length=40)
    source = models.CharField(_("问题来源"), max_length=20, choices=Source.choices)
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("来源检查"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
    )
    order = models.ForeignKey(
        SupervisionOrder,
        verbose_name=_("来源督办单"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
    )
    external_input = models.ForeignKey(
        ExternalInput,
        verbose_name=_("来源外部监督事项"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
    )
    title = models.CharField(_("问题"), max_length=200)
    description = models.TextField(_("问题描述"))
    responsible_department = models.ForeignKey(
        Department,
        verbose_name=_("责任单位"),
        on_delete=models.PROTECT,
        related_name="findings",
    )
    responsible_leader = models.CharField(_("牵头领导"), max_length=50, blank=True)
    deadline = models.DateField(_("整改时限"))
    targets = models.ManyToManyField(
        Target, verbose_name=_("涉及目标"), blank=True, related_name="findings"
    )
    state = FSMField(
        _("状态"), default=State.OPEN, choices=State.choices, protected=True, db_index=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = pgettext_lazy("plural", "问题")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["plan_year", "code"], name="finding_unique_code")
        ]
        indexes = [models.Index(fields=["state", "deadline"])]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def audit_scope(self) -> list:
        """The targets whose timelines show the finding's steps (none → its own record)."""
        return list(self.targets.all()) or [None]

    # The evidence file filed with a rectification (its name) is recorded with the step.
    AUDIT_FIELDS = {"evidence": _("佐证材料")}

    @transition(
        field=state,
        source=[State.OPEN, State.REJECTED],
        target=State.PLAN_FILED,
        permission=perms.may_rectify,
        custom={"label": _("报送整改方案")},
    )
    def file_plan(self):
        pass

    @transition(
        field=state,
        source=[State.PLAN_FILED, State.REJECTED],
        target=State.RECTIFIED,
        permission=perms.may_rectify,
        custom={"label": _("报送整改情况")},
    )
    def report_rectified(self):
        pass

    @transition(
        field=state,
        source=State.RECTIFIED,
        target=State.VERIFIED,
        permission=perms.may_verify,
        custom={"label": _("验收通过")},
    )
    def verify(self):
        pass

    @transition(
        field=state,
        source=State.RECTIFIED,
        target=State.REJECTED,
        permission=perms.may_verify,
        custom={"label": _("验收不通过")},
    )
    def reject(self):
        pass


class Rectification(models.Model):
    """整改方案 / 整改报告: what the responsible department filed, with its evidence."""

    class Kind(models.TextChoices):
        PLAN = "plan", _("整改方案")
        REPORT = "report", _("整改报告")

    finding = models.ForeignKey(
        Finding, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="rectifications"
    )
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    body = models.TextField(_("内容"))
    evidence = models.FileField(
        _("佐证材料"), upload_to=evidence_upload_to, max_length=200, blank=True
    )
    evidence_name = models.CharField(_("佐证材料名称"), max_length=200, blank=True)
    department = models.ForeignKey(
        Department, verbose_name=_("报送部门"), on_delete=models.PROTECT, related_name="+"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("报送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("整改材料")
        verbose_name_plural = pgettext_lazy("plural", "整改材料")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.finding.code} · {self.get_kind_display()}"
