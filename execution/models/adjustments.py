"""调整申请 (Shanghai Art. 12; Zhongshan Art. 17): once confirmed, a target changes only through
a written request by its lead department, approved by the general office."""

from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from targets.models import Target

from ..files import evidence_upload_to
from ..permissions import changes as perms
from .decisions import OfficeDecidedRequest, decision_transitions

# An adjustment's before/after (its ``changes`` and its audit events) is keyed by the target's
# field names: the target's content is what a request proposes to change.
TARGET_KEYS = (
    "target_value",
    "title",
    "content",
    "measures",
    "milestones",
    "departments",
    "state",
)


def _target_field_label(name: str) -> str:
    from workflow.events import field_label

    return field_label(Target, name)


class AdjustmentRequest(OfficeDecidedRequest):
    class Kind(models.TextChoices):
        CHANGE = "change", _("调整内容")
        CANCEL = "cancel", _("撤销目标")

    class Reason(models.TextChoices):
        # Zhongshan Art. 17: adjustments only for a change of higher policy or force majeure.
        NATIONAL_POLICY = "national_policy", _("国家出台新政策")
        CITY_REQUIREMENT = "city_requirement", _("市委市政府提出新要求")
        FORCE_MAJEURE = "force_majeure", _("不可抗力")
        OTHER = "other", _("其他")

    target = models.ForeignKey(
        Target,
        verbose_name=_("目标"),
        on_delete=models.PROTECT,
        related_name="adjustment_requests",
    )
    kind = models.CharField(_("申请类型"), max_length=20, choices=Kind.choices)
    reason = models.CharField(_("调整原因"), max_length=30, choices=Reason.choices)
    explanation = models.TextField(_("调整说明"))
    # Field → proposed value, as a writer gives it (targets.services.ADJUSTABLE_FIELDS).
    proposed = models.JSONField(_("拟调整内容"), default=dict, blank=True)
    attachment = models.FileField(_("申请附件"), upload_to=evidence_upload_to, max_length=200)
    attachment_name = models.CharField(_("附件名称"), max_length=200)
    # Stamped by the database row's creation (a correction's service stamps its own clock).
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    # The version of the target the request was written against, and the one it produced.
    base_version = models.PositiveIntegerField(_("申请时版本"))
    result_version = models.PositiveIntegerField(_("调整后版本"), null=True, blank=True)
    # {field: [before, after]} of the target's snapshots: proposed when filed, as applied when approved.
    changes = models.JSONField(_("调整前后对照"), default=dict, blank=True)

    EVIDENCE_FIELD = "attachment"

    class Meta(OfficeDecidedRequest.Meta):
        verbose_name = _("调整申请")
        verbose_name_plural = pgettext_lazy("plural", "调整申请")
        constraints = [
            # At most one open request per target: a second would be judged against content
            # the first may change.
            models.UniqueConstraint(
                fields=["target"],
                condition=models.Q(state="pending"),
                name="adjustment_one_open_per_target",
            ),
        ]

    # The target's fields named in the request's audit events read with the target's labels.
    AUDIT_FIELDS = {name: lazy(_target_field_label, str)(name) for name in TARGET_KEYS}

    def __str__(self):
        return _("%(code)s 调整申请（%(when)s）") % {
            "code": self.target.code,
            "when": self.requested_at.strftime("%Y-%m-%d") if self.requested_at else "",
        }

    @classmethod
    def audit_display(cls, name, value):
        """Values of the target's fields read as they do on the target's own timeline."""
        if name in TARGET_KEYS:
            from workflow.events import display_value

            return display_value(Target, name, value)
        return None

    @property
    def audit_scope(self):
        """Its events are on the target's timeline too (one history per target, Art. 14)."""
        return self.target

    # Transitions: the methods only move the state; execution.services.adjustments does the rest
    # (the target's new content or its cancellation, the notification).
    approve, reject = decision_transitions(
        perms.may_decide, approve_label=_("批准调整"), reject_label=_("不予批准")
    )
