"""督办单: supervision orders (Shanghai Art. 18; efficiency opinions 六.1 — 限期报告、督促检查).

The general office or the supervision office issues an order to one or more departments about
targets and/or a matter; each addressed department replies; the issuer closes the order, sends
it back for more, or extends its deadline with a reason. Overdue is computed, never stored: an
order still awaiting replies after its deadline (``supervision.selectors``).

An order may also be about coordination items (需协调事项, Art. 16–17: what the lead department
raised and could not resolve alone) — issue 9 item 1, "about one or more targets, coordination
items or a free-text matter".
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Department
from execution.files import evidence_upload_to
from execution.models import CoordinationItem
from targets.models import PlanYear, Target

from .. import permissions as perms


class SupervisionOrder(ConcurrentTransitionMixin, models.Model):
    class Kind(models.TextChoices):
        # The blue / yellow / red orders of Chinese offices (蓝单、黄单、红单).
        ROUTINE = "routine", _("常规督办")
        SPECIAL = "special", _("专项督办")
        KEY = "key", _("重点督办")

    class State(models.TextChoices):
        ISSUED = "issued", _("已下发")
        REPLIED = "replied", _("已答复")
        CLOSED = "closed", _("已办结")
        REOPENED = "reopened", _("退回重办")

    # States in which the addressed departments still owe a reply (overdue is judged on these).
    AWAITING_REPLY = (State.ISSUED, State.REOPENED)
    OPEN_STATES = (State.ISSUED, State.REOPENED, State.REPLIED)
    COLOURS = {Kind.ROUTINE: "blue", Kind.SPECIAL: "yellow", Kind.KEY: "red"}

    plan_year = models.ForeignKey(
        PlanYear, verbose_name=_("年度"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("督办编号"), max_length=40)
    kind = models.CharField(_("督办类别"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("督办事项"), max_length=200)
    matter = models.TextField(_("事项说明"), blank=True)
    requirement = models.TextField(_("督办要求"))
    issued_on = models.DateField(_("下发日期"))
    deadline = models.DateField(_("办理时限"))
    responsible_leader = models.CharField(_("责任领导"), max_length=50, blank=True)
    targets = models.ManyToManyField(
        Target, verbose_name=_("涉及目标"), blank=True, related_name="supervision_orders"
    )
    coordination_items = models.ManyToManyField(
        CoordinationItem,
        verbose_name=_("涉及协调事项"),
        blank=True,
        related_name="supervision_orders",
    )
    departments = models.ManyToManyField(
        Department,
        verbose_name=_("承办部门"),
        through="OrderAddressee",
        related_name="supervision_orders",
    )
    state = FSMField(
        _("状态"), default=State.ISSUED, choices=State.choices, protected=True, db_index=True
    )
    # Each send-back opens a new round of replies; a department answers once per round.
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("下发人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issuing_department = models.ForeignKey(
        Department,
        verbose_name=_("督办单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("督办单")
        verbose_name_plural = pgettext_lazy("plural", "督办单")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["plan_year", "code"], name="order_unique_code")
        ]
        indexes = [models.Index(fields=["state", "deadline"])]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def colour(self) -> str:
        return self.COLOURS.get(self.kind, "blue")

    def addressed_department_ids(self) -> list[int]:
        # Reads the prefetched addressees when the selector loaded them: no query per row.
        return [a.department_id for a in self.addressees.all()]

    @property
    def audit_scope(self) -> list:
        """The targets whose timelines show the order's steps: those it names and those of its
        coordination items (each item is about one target); none → the order's own record."""
        found = {t.pk: t for t in self.targets.all()}
        for item in self.coordination_items.select_related("target"):
            found.setdefault(item.target_id, item.target)
        return list(found.values()) or [None]

    # Steps that are no transition: a later deadline (延期), and a reply that leaves other
    # addressed departments still to answer (the last reply of a round is the ``reply``
    # transition, 已下发 → 已答复).
    AUDIT_VERBS = {"extend": _("延期"), "reply": _("答复")}
    # What a reply event records besides the order's own fields: who answered, with what file.
    AUDIT_FIELDS = {"department": _("答复部门"), "evidence": _("佐证材料")}

    # Transitions only move the state; supervision.services does everything else.
    @transition(
        field=state,
        source=[State.ISSUED, State.REOPENED],
        target=State.REPLIED,
        permission=perms.may_reply,
        custom={"label": _("答复")},
    )
    def reply(self):
        pass

    @transition(
        field=state,
        source=State.REPLIED,
        target=State.CLOSED,
        permission=perms.may_act_as_issuer,
        custom={"label": _("办结")},
    )
    def close(self):
        pass

    @transition(
        field=state,
        source=[State.REPLIED, State.CLOSED],
        target=State.REOPENED,
        permission=perms.may_act_as_issuer,
        custom={"label": _("退回重办")},
    )
    def send_back(self):
        pass


class OrderAddressee(models.Model):
    """承办部门: a department an order is addressed to, and whether it has answered this round."""

    order = models.ForeignKey(
        SupervisionOrder,
        verbose_name=_("督办单"),
        on_delete=models.CASCADE,
        related_name="addressees",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("承办部门"), on_delete=models.PROTECT, related_name="+"
    )
    answered = models.BooleanField(_("本轮已答复"), default=False)
    last_replied_at = models.DateTimeField(_("最近答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("承办部门")
        verbose_name_plural = pgettext_lazy("plural", "承办部门")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "department"], name="order_department_once")
        ]

    def __str__(self):
        return f"{self.order.code} → {self.department}"


class OrderReply(models.Model):
    """办理答复: a department's reply to an order, with its evidence (佐证材料)."""

    order = models.ForeignKey(
        SupervisionOrder, verbose_name=_("督办单"), on_delete=models.CASCADE, related_name="replies"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("答复部门"), on_delete=models.PROTECT, related_name="+"
    )
    round = models.PositiveSmallIntegerField(_("办理轮次"))
    body = models.TextField(_("办理情况"))
    evidence = models.FileField(
        _("佐证材料"), upload_to=evidence_upload_to, max_length=200, blank=True
    )
    evidence_name = models.CharField(_("佐证材料名称"), max_length=200, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("答复时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("办理答复")
        verbose_name_plural = pgettext_lazy("plural", "办理答复")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.order.code} · {self.department} · {self.round}"
