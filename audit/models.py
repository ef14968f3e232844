"""The append-only audit trail (Shanghai measures Art. 14: 全程记录 — every step is recorded).

Rows are only ever inserted. The model refuses updates and deletes, the admin offers neither,
and on PostgreSQL a trigger refuses them in the database itself, so not even an administrator
can rewrite history through the site.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import chain


class AuditTrailIsAppendOnly(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic(using=self.db):
            seal(objs, using=self.db)
            return super().bulk_create(objs, *args, **kwargs)

    def update(self, **kwargs):
        raise AuditTrailIsAppendOnly("audit events cannot be changed")

    def delete(self):
        raise AuditTrailIsAppendOnly("audit events cannot be deleted")

    def with_action(self, model, verb: str):
        """Events of ``model`` (a class or an instance) with ``verb``."""
        return self.filter(action=event_action(model, verb))

    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
        )

    def for_timeline(self, obj):
        """The events of ``obj`` and of everything recorded in its scope (a target's progress
        reports, adjustments, supervision orders…): one timeline per target (Art. 14)."""
        content_type = ContentType.objects.get_for_model(type(obj))
        return self.filter(
            models.Q(content_type=content_type, object_id=str(obj.pk))
            | models.Q(scope_content_type=content_type, scope_object_id=str(obj.pk))
        )


def event_action(model, verb: str) -> str:
    """The stored ``action`` of an event: ``<app_label>.<model_name>.<verb>``
    (``execution.adjustmentrequest.reject``), so one verb never means two things."""
    return f"{model._meta.app_label}.{model._meta.model_name}.{verb}"


class AuditEvent(models.Model):
    """One step in the trail, in one format for every app (issue 15):

    - ``action`` is ``<app_label>.<model_name>.<verb>``; the verb is a transition's method name
      or one of ``Action`` (create, update, comment, delete) or a verb the model declares in
      ``AUDIT_VERBS``. Its label is resolved when shown (``workflow.events``), never stored.
    - ``changes`` is ``{field_name: [before, after]}`` with the model's field names as keys;
      labels come from the fields' ``verbose_name`` when shown.
    - ``from_state`` / ``to_state`` are set for a transition and only then.
    """

    class Action(models.TextChoices):
        # The verbs every record has; a transition's verb is its method name.
        CREATE = "create", _("创建")
        UPDATE = "update", _("修改")
        COMMENT = "comment", _("意见")
        DELETE = "delete", _("删除")

    occurred_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept as written at the time, so the record still reads right after a rename.
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=100, db_index=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("对象类型"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(_("对象编号"), max_length=64)
    object_repr = models.CharField(_("对象"), max_length=300)
    from_state = models.CharField(_("原状态"), max_length=30, blank=True)
    to_state = models.CharField(_("新状态"), max_length=30, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    comment = models.TextField(_("说明"), blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    # The object whose timeline this event also belongs to (for example the target a progress
    # report is about), so later stages' records read as one history of the target.
    scope_content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("所属对象类型"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    scope_object_id = models.CharField(_("所属对象编号"), max_length=64, blank=True)
    # The hash chain (audit.chain): set once when the row is inserted, never changed.
    hash_algorithm = models.CharField(_("摘要算法"), max_length=10, blank=True, editable=False)
    content_hash = models.CharField(_("内容摘要"), max_length=64, blank=True, editable=False)
    previous_hash = models.CharField(_("前一记录摘要"), max_length=64, blank=True, editable=False)
    chain_hash = models.CharField(_("链摘要"), max_length=64, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = pgettext_lazy("plural", "审计记录")
        ordering = ["occurred_at", "id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "occurred_at"]),
            models.Index(fields=["scope_content_type", "scope_object_id", "occurred_at"]),
        ]

    def __str__(self):
        return (
            f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"
        )

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditTrailIsAppendOnly("audit events cannot be changed")
        using = kwargs.get("using") or "default"
        with transaction.atomic(using=using):
            seal([self], using=using)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailIsAppendOnly("audit events cannot be deleted")

    @property
    def verb(self) -> str:
        """The last part of ``action``: ``reject`` of ``execution.adjustmentrequest.reject``."""
        return self.action.rsplit(".", 1)[-1]

    @property
    def is_transition(self) -> bool:
        return bool(self.to_state)

    def chain_row(self) -> dict:
        """The fields ``audit.chain`` hashes, as stored."""
        row = {name: getattr(self, name) for name in chain.CONTENT_FIELDS}
        row.update(
            id=self.pk,
            hash_algorithm=self.hash_algorithm,
            content_hash=self.content_hash,
            previous_hash=self.previous_hash,
            chain_hash=self.chain_hash,
        )
        return row


def seal(events, *, using="default") -> None:
    """Link ``events`` (new, in insert order) after the chain's head, under the chain's lock
    (held until the caller's transaction ends; see ``audit.chain``)."""
    if not events:
        return
    connection = transaction.get_connection(using)
    previous = chain.lock_and_read_head(connection)
    for event in events:
        fields = chain.link(event.chain_row(), previous)
        for name, value in fields.items():
            setattr(event, name, value)
        previous = event.chain_hash
