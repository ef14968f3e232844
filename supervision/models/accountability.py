"""问责: accountability records (Zhongshan Art. 20)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Department
from targets.models import PlanYear


class AccountabilityRecord(models.Model):
    """问责: a case in which a department was held accountable (Zhongshan Art. 20). Entered by
    the supervision office; the evaluation reads them for its deductions, by category."""

    class Category(models.TextChoices):
        # Zhongshan Art. 20 (一)–(五), in the order of the article and of 附件1's 附加项目.
        DISCIPLINE = "discipline", _("廉政问题")
        SAFETY_ACCIDENT = "safety_accident", _("安全事故")
        SOCIAL_IMPACT = "social_impact", _("社会负面影响")
        BUDGET_PERFORMANCE = "budget_performance", _("预算支出绩效")
        AUDIT = "audit", _("审计结果")

    plan_year = models.ForeignKey(
        PlanYear,
        verbose_name=_("考评年度"),
        on_delete=models.PROTECT,
        related_name="accountability_records",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("被问责部门"),
        on_delete=models.PROTECT,
        related_name="accountability_records",
    )
    category = models.CharField(_("问责类别"), max_length=30, choices=Category.choices)
    occurred_on = models.DateField(_("问责日期"))
    reference = models.CharField(_("文号"), max_length=200)
    description = models.TextField(_("情况说明"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("问责记录")
        verbose_name_plural = pgettext_lazy("plural", "问责记录")
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["plan_year", "department", "category"])]

    def __str__(self):
        return f"{self.department} · {self.get_category_display()} · {self.reference}"
