"""更正申请 (late correction, Shanghai Art. 14: the system records every stage of execution in
full, 全程记录): once a progress report is verified and its period has passed, the department
that filed it can ask to correct the verified figures; the general office approves or rejects.

A verified report is never edited in place by its department. The request keeps the figures it
replaces; on approval the report's effective (verified) figures become the corrected ones, so the
early warning and the dashboards recompute, while the old figures stay on the request, in the
audit trail and on the target's timeline.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from targets.models import VALUE_DECIMAL_PLACES, VALUE_MAX_DIGITS

from ..files import evidence_upload_to
from ..permissions import corrections as perms
from .decisions import OfficeDecidedRequest, decision_transitions
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


class ProgressCorrection(OfficeDecidedRequest):
    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("进展报告"),
        on_delete=models.CASCADE,
        related_name="corrections",
    )
    # The verified figures the request replaces, as they stood when it was filed: the history.
    old_value = _value_field(_("原审核值"))
    old_percent = _percent_field(_("原审核进度（%）"))
    new_value = _value_field(_("更正值"))
    new_percent = _percent_field(_("更正进度（%）"))
    reason = models.TextField(_("更正理由"))
    evidence = models.FileField(_("更正依据"), upload_to=evidence_upload_to, max_length=200)
    evidence_name = models.CharField(_("依据文件名称"), max_length=200)

    class Meta(OfficeDecidedRequest.Meta):
        verbose_name = _("更正申请")
        verbose_name_plural = pgettext_lazy("plural", "更正申请")
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
    approve, reject = decision_transitions(
        perms.may_decide, approve_label=_("批准更正"), reject_label=_("不予更正")
    )
