"""What the public sees (政务公开, efficiency opinions 002 七.3), kept in the portal's own tables.

A target is public only after the general office decided so (``PublicTarget`` in state
``published``). The public record of a target is a snapshot built from the fixed field list in
``portal.fields`` and refreshed whenever a public value changes (``portal.signals``). Public
pages, the JSON API, downloads and feeds read only these tables: a draft, a negotiation thread,
evidence, supervision or evaluation internals cannot leak because they are never copied here.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Department
from targets.models import PlanYear, Target

from . import permissions as perms


class PublicYear(models.Model):
    """The general office's decision to publish a year's confirmed list (公开年度目标清单)."""

    plan_year = models.OneToOneField(
        PlanYear, verbose_name=_("年度"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("公开人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("公开时间"))

    class Meta:
        verbose_name = _("公开年度")
        verbose_name_plural = pgettext_lazy("plural", "公开年度")
        ordering = ["-year"]

    def __str__(self):
        return _("%(year)s年度目标清单") % {"year": self.year}


class PublicTarget(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        UNPUBLISHED = "unpublished", _("未公开")
        PUBLISHED = "published", _("已公开")
        WITHDRAWN = "withdrawn", _("已撤回")

    target = models.OneToOneField(
        Target, verbose_name=_("目标"), on_delete=models.CASCADE, related_name="+"
    )
    state = FSMField(
        _("公开状态"),
        default=State.UNPUBLISHED,
        choices=State.choices,
        protected=True,
        db_index=True,
    )
    # Copies of public values for filtering and sorting without reading the workflow's tables.
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    code = models.CharField(_("编号"), max_length=20)
    title = models.CharField(_("目标名称"), max_length=200)
    aspect_number = models.PositiveSmallIntegerField(_("方面序号"))
    aspect_name = models.CharField(_("方面"), max_length=100)
    lead_department = models.ForeignKey(
        Department, verbose_name=_("牵头部门"), on_delete=models.PROTECT, related_name="+"
    )
    departments = models.ManyToManyField(
        Department, verbose_name=_("参与部门"), related_name="public_targets", blank=True
    )
    status = models.CharField(_("目标状态"), max_length=20)
    completion_percent = models.DecimalField(
        _("完成进度（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    warning_level = models.CharField(_("预警等级"), max_length=10, blank=True)
    # The public record: exactly the keys listed in ``portal.fields.TARGET_FIELDS``.
    data = models.JSONField(_("公开内容"), default=dict)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("公开人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    refreshed_at = models.DateTimeField(_("更新时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公开目标")
        verbose_name_plural = pgettext_lazy("plural", "公开目标")
        ordering = ["year", "aspect_number", "code"]
        indexes = [models.Index(fields=["state", "year", "aspect_number"])]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def audit_scope(self):
        # Publishing shows on the target's own timeline (Art. 14 全程记录).
        return self.target

    @transition(
        field=state,
        source=[State.UNPUBLISHED, State.WITHDRAWN],
        target=State.PUBLISHED,
        permission=perms.may_publish,
        custom={"label": _("向社会公开")},
    )
    def publish(self):
        pass

    @transition(
        field=state,
        source=State.PUBLISHED,
        target=State.WITHDRAWN,
        permission=perms.may_publish,
        custom={"label": _("撤回公开")},
    )
    def withdraw(self):
        pass


class PublicSummary(ConcurrentTransitionMixin, models.Model):
    """A department's public summary of a period (公开进展综述): its narrative reaches the public
    only through this text, and only once the general office approved it."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("待审核")
        APPROVED = "approved", _("已批准公开")
        REJECTED = "rejected", _("不予公开")

    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    text = models.TextField(_("公开综述"))
    state = FSMField(
        _("状态"), default=State.PROPOSED, choices=State.choices, protected=True, db_index=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("提交时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("部门公开综述")
        verbose_name_plural = pgettext_lazy("plural", "部门公开综述")
        ordering = ["department", "year", "quarter", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="public_summary_quarter"
            ),
            # One approved summary per department and period: the public reads one text.
            models.UniqueConstraint(
                fields=["department", "year", "quarter"],
                condition=models.Q(state="approved"),
                name="public_summary_one_approved",
            ),
        ]

    def __str__(self):
        return f"{self.department} {self.year} Q{self.quarter}"

    @transition(
        field=state,
        source=State.PROPOSED,
        target=State.APPROVED,
        permission=perms.may_approve_summary,
        custom={"label": _("批准公开")},
    )
    def approve(self):
        pass

    @transition(
        field=state,
        source=State.PROPOSED,
        target=State.REJECTED,
        permission=perms.may_approve_summary,
        custom={"label": _("不予公开")},
    )
    def reject(self):
        pass


class PublicEvent(models.Model):
    """What a follower is told about (issue 21 item 5): a public value verified, a node target
    reached, the target completed. Written when a public record is refreshed and differs."""

    class Kind(models.TextChoices):
        VERIFIED = "verified", _("进展经审核")
        MILESTONE = "milestone", _("节点目标完成")
        COMPLETED = "completed", _("目标办结")

    public_target = models.ForeignKey(
        PublicTarget, verbose_name=_("公开目标"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    text = models.CharField(_("内容"), max_length=500)
    occurred_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("公开动态")
        verbose_name_plural = pgettext_lazy("plural", "公开动态")
        ordering = ["id"]

    def __str__(self):
        return self.text


class Subscription(models.Model):
    """A citizen's e-mail subscription (double opt-in). Holds only the address and, through
    ``Follow``, what it follows (个人信息保护法: the least data for the purpose); the token is the
    subscriber's key for confirming, unsubscribing and deleting."""

    email = models.EmailField(_("电子邮箱"), unique=True)
    token = models.CharField(_("令牌"), max_length=64, unique=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("订阅时间"), auto_now_add=True)
    # The digest covers the events after this one (at most one digest a day).
    last_event_id = models.BigIntegerField(_("已通知至"), default=0)

    class Meta:
        verbose_name = _("公众订阅")
        verbose_name_plural = pgettext_lazy("plural", "公众订阅")

    def __str__(self):
        return self.email


class Follow(models.Model):
    subscription = models.ForeignKey(
        Subscription, verbose_name=_("订阅"), on_delete=models.CASCADE, related_name="follows"
    )
    public_target = models.ForeignKey(
        PublicTarget, verbose_name=_("目标"), on_delete=models.CASCADE, null=True, blank=True
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.CASCADE, null=True, blank=True
    )

    class Meta:
        verbose_name = _("关注")
        verbose_name_plural = pgettext_lazy("plural", "关注")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(public_target__isnull=True) ^ models.Q(department__isnull=True),
                name="follow_target_or_department",
            ),
            models.UniqueConstraint(
                fields=["subscription", "public_target"], name="follow_target_once"
            ),
            models.UniqueConstraint(
                fields=["subscription", "department"], name="follow_department_once"
            ),
        ]

    def __str__(self):
        return f"{self.subscription} → {self.public_target or self.department}"


# The self-evaluation reports published for comment (issue 21 item 4) live in their own module.
from .report_models import PublicComment, PublicReport  # noqa: E402, F401
