"""检查: inspections (Shanghai Art. 18 — 日常跟踪、专项检查、重点抽查、年终考核).

An inspection is registered (已登记) and ends with its written report (已报告); the report may be
revised afterwards, each version a step of its own in the audit trail."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Department
from targets.models import PlanYear, Target

from .. import permissions as perms


class Inspection(ConcurrentTransitionMixin, models.Model):
    class Kind(models.TextChoices):
        DAILY = "daily", _("日常跟踪")
        SPECIAL = "special", _("专项检查")
        SPOT_CHECK = "spot_check", _("重点抽查")
        YEAR_END = "year_end", _("年终考核")

    class State(models.TextChoices):
        REGISTERED = "registered", _("已登记")
        REPORTED = "reported", _("已报告")

    plan_year = models.ForeignKey(
        PlanYear, verbose_name=_("年度"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("检查类别"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("检查名称"), max_length=200)
    departments = models.ManyToManyField(
        Department, verbose_name=_("检查范围（部门）"), related_name="inspections"
    )
    targets = models.ManyToManyField(
        Target, verbose_name=_("检查范围（目标）"), blank=True, related_name="inspections"
    )
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    inspectors = models.CharField(_("检查人员"), max_length=300)
    state = FSMField(
        _("状态"),
        default=State.REGISTERED,
        choices=State.choices,
        protected=True,
        db_index=True,
    )
    report = models.TextField(_("检查报告"), blank=True)
    reported_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("检查")
        verbose_name_plural = pgettext_lazy("plural", "检查")
        ordering = ["-started_on", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.title}"

    @property
    def audit_scope(self) -> list:
        """The targets whose timelines show the inspection's steps (none → its own record)."""
        return list(self.targets.all()) or [None]

    # Transitions only move the state; supervision.services does everything else.
    @transition(
        field=state,
        source=[State.REGISTERED, State.REPORTED],
        target=State.REPORTED,
        permission=perms.may_report_inspection,
        custom={"label": _("检查报告")},
    )
    def file_report(self):
        pass
