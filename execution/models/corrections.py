"""更正申请 (late correction, Shanghai Art. 14: the system records every stage of execution in
full, 全程记录): once a progress report is verified and its period has passed, the department
that filed it can ask to correct the verified figures; the general office approves or rejects.

A verified report is never edited in place by its department. The request keeps the figures it
replaces; on approval the report's effective (verified) figures become the corrected ones, so the
early warning and the dashboards recompute, while the old figures stay on the request, in the
audit trail and on the target's timeline.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Department
from targets.models import VALUE_DECIMAL_PLACES, VALUE_MAX_DIGITS

from ..files import evidence_upload_to
from ..permissions import corrections as perms
from .progress import ProgressReport


def _value_field(label):
    return models.DecimalField(
        label,
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        null=True,
        blank=True,
    )


def _percent_field(label):
    return models.DecimalField(label, max_digits=5, decimal_places=2, null=True, blank=True)


class ProgressCorrection(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("未批准")

    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("进展报告"),
        on_delete=models.CASCADE,
        related_name="corrections",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("申请部门"), on_delete=models.PROTECT, related_name="+"
    )
    # The verified figures the request replaces, as they stood when it was filed: the history.
    old_value = _value_field(_("原审核值"))
    old_percent = _percent_field(_("原审核进度（%）"))
    new_value = _value_field(_("更正值"))
    new_percent = _percent_field(_("更正进度（%）"))
    reason = models.TextField(_("更正理由"))
    evidence = models.FileField(_("更正依据"), upload_to=evidence_upload_to, max_length=200)
    evidence_name = models.CharField(_("依据文件名称"), max_length=200)
    state = FSMField(
        _("状态"), max_length=20, choices=State.choices, default=State.PENDING, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_comment = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("更正申请")
        verbose_name_plural = pgettext_lazy("plural", "更正申请")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One open request per report: a second would be judged against figures the first
            # may change.
            models.UniqueConstraint(
                fields=["report"],
                condition=models.Q(state="pending"),
                name="correction_one_open_per_report",
            ),
        ]

    # Its audit events name the report's figures they change, with the report's labels.
    AUDIT_FIELDS = {"verified_value": _("审核值"), "verified_percent": _("审核进度（%）")}

    def __str__(self):
        return _("%(code)s %(period)s 进展更正申请") % {
            "code": self.report.target.code,
            "period": self.report.period_start.isoformat(),
        }

    @property
    def audit_scope(self):
        """Its events are on the target's timeline (one history per target, Art. 14)."""
        return self.report.target

    # Transitions only move the state; execution.services.corrections writes the figures.
    @transition(
        field=state,
        source=State.PENDING,
        target=State.APPROVED,
        permission=perms.may_decide,
        custom={"label": _("批准更正")},
    )
    def approve(self):
        pass

    @transition(
        field=state,
        source=State.PENDING,
        target=State.REJECTED,
        permission=perms.may_decide,
        custom={"label": _("不予更正")},
    )
    def reject(self):
        pass
