"""办结审核 (Shanghai Art. 14): the lead department reports a target done, with evidence; the
general office accepts (the target is completed) or returns the report."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Department
from targets.models import Target

from ..files import evidence_upload_to
from ..permissions import changes as perms


class CompletionReport(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        ACCEPTED = "accepted", _("审核通过")
        RETURNED = "returned", _("已退回")

    target = models.ForeignKey(
        Target,
        verbose_name=_("目标"),
        on_delete=models.PROTECT,
        related_name="completion_reports",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("报送部门"), on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField(_("完成情况"))
    actual_value = models.DecimalField(
        _("实际完成值"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    evidence = models.FileField(_("佐证材料"), upload_to=evidence_upload_to, max_length=200)
    evidence_name = models.CharField(_("佐证材料名称"), max_length=200)
    state = FSMField(
        _("状态"), max_length=20, choices=State.choices, default=State.SUBMITTED, db_index=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("报送时间"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("办结报告")
        verbose_name_plural = pgettext_lazy("plural", "办结报告")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["target"],
                condition=models.Q(state="submitted"),
                name="completion_one_open_per_target",
            ),
        ]

    def __str__(self):
        return _("%(code)s 办结报告") % {"code": self.target.code}

    @property
    def audit_scope(self):
        """Its events are on the target's timeline too (one history per target, Art. 14)."""
        return self.target

    # Transitions: the methods only move the state; execution.services.completion does the rest
    # (the target's 办结 on acceptance, the notification).
    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.ACCEPTED,
        permission=perms.may_review,
        custom={"label": _("办结审核通过")},
    )
    def accept(self):
        pass

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.RETURNED,
        permission=perms.may_review,
        custom={"label": _("退回办结报告")},
    )
    def return_report(self):
        pass
