"""需协调事项 and 工作协调单 (Shanghai Art. 16–17): what the lead department cannot settle alone
goes to the departments concerned and, if unresolved by its deadline, to the responsible
vice-mayor."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Department
from targets.models import Target

from ..permissions import changes as perms


class CoordinationItem(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("协调中")
        ESCALATED = "escalated", _("已提请市领导协调")
        RESOLVED = "resolved", _("已解决")

    target = models.ForeignKey(
        Target,
        verbose_name=_("目标"),
        on_delete=models.PROTECT,
        related_name="coordination_items",
    )
    subject = models.CharField(_("协调事项"), max_length=200)
    description = models.TextField(_("具体情况"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    raising_department = models.ForeignKey(
        Department, verbose_name=_("提出部门"), on_delete=models.PROTECT, related_name="+"
    )
    departments = models.ManyToManyField(
        Department, verbose_name=_("需协调部门"), related_name="coordination_items"
    )
    due_date = models.DateField(_("协调时限"))
    # Art. 15–16: the target's lead vice-mayor, else the one whose portfolio holds the lead
    # department — fixed when raised, so the escalation task needs no lookups.
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("分管市领导"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    state = FSMField(
        _("状态"), max_length=20, choices=State.choices, default=State.OPEN, db_index=True
    )
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    escalated_at = models.DateTimeField(_("提请时间"), null=True, blank=True)
    # Empty when the deadline passed and the beat task escalated it.
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提请人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认解决人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution = models.TextField(_("协调结果"), blank=True)

    class Meta:
        verbose_name = _("需协调事项")
        verbose_name_plural = pgettext_lazy("plural", "需协调事项")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "due_date"])]

    def __str__(self):
        return _("协调事项：%(subject)s") % {"subject": self.subject}

    @property
    def audit_scope(self):
        """Its events are on the target's timeline too (one history per target, Art. 14)."""
        return self.target

    @classmethod
    def audit_display(cls, name, value):
        """The coordination sheet (``duties``) is recorded one line per department."""
        if name == "duties" and isinstance(value, list):
            return [str(line) for line in value] or ["—"]
        return None

    # Transitions: the methods only move the state; execution.services.coordination does the
    # rest (the e-mail to the vice-mayor, the notice of the result). The beat task escalates
    # overdue items by the same transition's states, set-based.
    @transition(
        field=state,
        source=State.OPEN,
        target=State.ESCALATED,
        permission=perms.may_escalate,
        custom={"label": _("提请市领导协调")},
    )
    def escalate(self):
        pass

    @transition(
        field=state,
        source=[State.OPEN, State.ESCALATED],
        target=State.RESOLVED,
        permission=perms.may_resolve,
        custom={"label": _("确认已解决")},
    )
    def resolve(self):
        pass


class CoordinationDuty(models.Model):
    """One line of the coordination sheet (工作协调单): who does what."""

    item = models.ForeignKey(
        CoordinationItem,
        verbose_name=_("协调事项"),
        on_delete=models.CASCADE,
        related_name="duties",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+"
    )
    duty = models.TextField(_("承担事项"))
    due_date = models.DateField(_("完成时限"), null=True, blank=True)

    class Meta:
        verbose_name = _("工作协调单")
        verbose_name_plural = pgettext_lazy("plural", "工作协调单")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "department"], name="coordination_duty_once")
        ]

    def __str__(self):
        return f"{self.department}: {self.duty[:30]}"


class CoordinationMessage(models.Model):
    """The item's thread between the departments concerned, the general office and the leader."""

    item = models.ForeignKey(
        CoordinationItem,
        verbose_name=_("协调事项"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发表人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("内容"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("协调意见")
        verbose_name_plural = pgettext_lazy("plural", "协调意见")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.author}: {self.body[:30]}"
