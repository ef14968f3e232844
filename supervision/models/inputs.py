"""外部监督: items from outside the government system (Shanghai Art. 22; efficiency opinions 七.5
— the 12345 hotline as a source of problems; NPC and CPPCC supervision; the media; audit; 七.3
— the public's comments on a department's self-evaluation report)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Department
from targets.models import PlanYear, Target


class ExternalInput(models.Model):
    class Source(models.TextChoices):
        HOTLINE = "hotline", _("12345市民服务热线")
        NPC = "npc", _("人大代表建议")
        CPPCC = "cppcc", _("政协委员提案")
        MEDIA = "media", _("新闻媒体")
        AUDIT = "audit", _("审计")
        # Comments on a department's self-evaluation report published by the general office
        # (002 七.3: 接受评议); recorded by ``portal`` when the office publishes one.
        PUBLIC_COMMENT = "public_comment", _("公众评议")

    plan_year = models.ForeignKey(
        PlanYear, verbose_name=_("年度"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    reference = models.CharField(_("编号"), max_length=60)
    received_on = models.DateField(_("收到日期"))
    summary = models.TextField(_("内容摘要"))
    targets = models.ManyToManyField(
        Target, verbose_name=_("涉及目标"), blank=True, related_name="external_inputs"
    )
    departments = models.ManyToManyField(
        Department, verbose_name=_("涉及部门"), related_name="external_inputs"
    )
    # Set when the row came from a hotline batch import, to find the batch again.
    import_batch = models.CharField(_("导入批次"), max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("外部监督事项")
        verbose_name_plural = pgettext_lazy("plural", "外部监督事项")
        ordering = ["-received_on", "-id"]
        constraints = [
            # A hotline work order or a proposal is registered once.
            models.UniqueConstraint(fields=["source", "reference"], name="input_unique_reference")
        ]

    def __str__(self):
        return f"{self.get_source_display()} {self.reference}"

    @property
    def audit_scope(self) -> list:
        """The targets whose timelines show the item's record (none → its own record)."""
        return list(self.targets.all()) or [None]
