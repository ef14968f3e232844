"""The annual self-evaluation report published for comment (公示年度自我综合效能评价报告，接受
评议: efficiency opinions 002 七.3; issue 21 item 4), in the portal's own tables.

``PublicReport`` is the general office's decision to put a department's year-end
self-evaluation before the public, with a snapshot of its public fields
(``portal.fields.REPORT_FIELDS``) and a comment period. ``PublicComment`` is one citizen's
comment (评议): held for moderation, then published or withheld with a reason by the office —
never edited — and answered publicly by the department. Imported by ``portal.models``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Department
from evaluation.models import ScoreSheet
from supervision.models import ExternalInput

from . import permissions as perms


class PublicReport(models.Model):
    sheet = models.OneToOneField(
        ScoreSheet, verbose_name=_("自评表"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    # The public record: exactly the keys of ``portal.fields.REPORT_FIELDS``.
    data = models.JSONField(_("公开内容"), default=dict)
    comment_opens = models.DateField(_("评议开始日期"))
    comment_closes = models.DateField(_("评议截止日期"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("批准公开时间"))

    class Meta:
        verbose_name = _("公开自评报告")
        verbose_name_plural = pgettext_lazy("plural", "公开自评报告")
        ordering = ["-year", "department__sort_order", "id"]
        constraints = [
            # The public comments on one report per department and year.
            models.UniqueConstraint(fields=["department", "year"], name="public_report_once"),
            models.CheckConstraint(
                condition=models.Q(comment_closes__gte=models.F("comment_opens")),
                name="public_report_period",
            ),
        ]

    def __str__(self):
        return _("%(dept)s%(year)s年度自评报告") % {"dept": self.department, "year": self.year}

    def open_on(self, day) -> bool:
        return self.comment_opens <= day <= self.comment_closes


class PublicComment(ConcurrentTransitionMixin, models.Model):
    """A citizen's comment (评议). Stores only the text and, if the citizen chose to give one, a
    name to sign it with (个人信息保护法: the least data for the purpose — no e-mail, no address,
    no IP address). Its text is never changed: the office publishes or withholds it as written."""

    AUDIT_VERBS = {"answer": _("部门答复")}

    class State(models.TextChoices):
        PENDING = "pending", _("待审核")
        PUBLISHED = "published", _("已公开")
        WITHHELD = "withheld", _("不予公开")

    report = models.ForeignKey(
        PublicReport, verbose_name=_("自评报告"), on_delete=models.CASCADE, related_name="comments"
    )
    name = models.CharField(_("署名"), max_length=40, blank=True)
    text = models.TextField(_("评议内容"))
    state = FSMField(
        _("状态"), default=State.PENDING, choices=State.choices, protected=True, db_index=True
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reason = models.TextField(_("不予公开的理由"), blank=True)
    # The comment as an external input of the evaluation (the hotline's path), once published.
    external_input = models.OneToOneField(
        ExternalInput,
        verbose_name=_("外部监督事项"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answer = models.TextField(_("部门答复"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公众评议")
        verbose_name_plural = pgettext_lazy("plural", "公众评议")
        ordering = ["submitted_at", "id"]
        indexes = [models.Index(fields=["report", "state"])]

    def __str__(self):
        return _("公众评议%(n)s") % {"n": self.pk}

    @property
    def audit_scope(self):
        # Moderation and answers show on the report's timeline.
        return self.report

    @transition(
        field=state,
        source=State.PENDING,
        target=State.PUBLISHED,
        permission=perms.may_moderate_comment,
        custom={"label": _("公开评议")},
    )
    def publish(self):
        pass

    @transition(
        field=state,
        source=State.PENDING,
        target=State.WITHHELD,
        permission=perms.may_moderate_comment,
        custom={"label": _("不予公开")},
    )
    def withhold(self):
        pass
