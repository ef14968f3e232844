"""A request a department files with written evidence and the general office decides: the shape
shared by 调整申请 (Shanghai Art. 12; Zhongshan Art. 17) and 更正申请 (Shanghai Art. 14).

Both are written by a department, carry a file that justifies them, wait as 待审批 and are
approved or rejected once by the office, whose decision (who, when, why) stays on the request.
What is asked and what approval changes is each model's own; the fields below and the two
decisions are the same, so they live here once.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Department

DECISIONS = ("approve", "reject")


class OfficeDecidedRequest(ConcurrentTransitionMixin, models.Model):
    """Abstract: the department, the state, the requester and the office's decision."""

    class State(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("未批准")

    department = models.ForeignKey(
        Department, verbose_name=_("申请部门"), on_delete=models.PROTECT, related_name="+"
    )
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

    # The name of the file field that carries the request's evidence (its display name is in
    # ``<name>_name``): the pages and the API serve it from there.
    EVIDENCE_FIELD = "evidence"

    class Meta:
        abstract = True
        ordering = ["-requested_at", "-id"]

    def evidence_file(self):
        """The evidence file and the name it was uploaded under."""
        return getattr(self, self.EVIDENCE_FIELD), getattr(self, f"{self.EVIDENCE_FIELD}_name")


def decision_transitions(permission, *, approve_label, reject_label):
    """The office's two decisions, 待审批 → 已批准 / 未批准, for one concrete model.

    Each model gets its own pair of functions: django-fsm binds a transition's metadata to the
    field of the class it collects it for, so two models must not share one function (as they
    would if the transitions were declared on the abstract base). The methods only move the
    state; the model's services write the rest through ``workflow.transitions``."""
    state = OfficeDecidedRequest.State

    @transition(
        field="state",
        source=state.PENDING,
        target=state.APPROVED,
        permission=permission,
        custom={"label": approve_label},
    )
    def approve(self):
        pass

    @transition(
        field="state",
        source=state.PENDING,
        target=state.REJECTED,
        permission=permission,
        custom={"label": reject_label},
    )
    def reject(self):
        pass

    return approve, reject
