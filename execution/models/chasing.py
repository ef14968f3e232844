"""催报: the record that a late progress report was chased (issue 19 item 3; Shanghai Art. 14,
efficiency opinions 五.6). A report owed is not always a row yet (nothing drafted), so a chase
names the target, the department and the period; at most one per working day, enforced by a
unique constraint."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Department
from notifications.models import ReminderRun
from targets.models import Target


class ReportChase(models.Model):
    target = models.ForeignKey(
        Target, verbose_name=_("目标"), on_delete=models.CASCADE, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("被催报部门"), on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(_("报告期开始"))
    # The working day the chase counts for (a chase on a holiday counts for the next one).
    workday = models.DateField(_("催报工作日"))
    run = models.ForeignKey(
        ReminderRun,
        verbose_name=_("催办批次"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    chased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("催报人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("催报时间"))

    class Meta:
        verbose_name = _("催报记录")
        verbose_name_plural = pgettext_lazy("plural", "催报记录")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "department", "period_start", "workday"],
                name="report_chase_once_per_workday",
            )
        ]

    def __str__(self):
        return f"{self.target.code} {self.period_start:%Y-%m} {self.workday}"

    @property
    def audit_scope(self):
        return self.target
