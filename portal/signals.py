"""How the portal hears that a public value changed, without any lower app importing it.

Every change of a target, its node targets and progress reports writes an audit event with the
target as its scope (Art. 14 全程记录). When such an event is saved and the target is published,
its public record is rebuilt after the transaction commits (a rolled-back change never reaches
the public). Whether it is published is read from the in-memory set of ``portal.published`` (no
query per audit write), so the audited steps of drafts and of targets nobody published schedule
nothing. Events inserted in bulk send no signal; the periodic ``portal_refresh`` catches those.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from audit.models import AuditEvent
from targets.models import Target

from . import published


def _target_id(event: AuditEvent) -> int | None:
    target_type = ContentType.objects.get_for_model(Target)
    if event.scope_content_type_id == target_type.pk and event.scope_object_id:
        return int(event.scope_object_id)
    if event.content_type_id == target_type.pk:
        return int(event.object_id)
    return None


@receiver(post_save, sender=AuditEvent, dispatch_uid="portal.audit_event_saved")
def audit_event_saved(sender, instance: AuditEvent, created: bool, **kwargs):
    if not created or instance.action.startswith("portal."):
        return
    target_id = _target_id(instance)
    if target_id is None or not published.is_published(target_id):
        return

    def refresh():
        from .services import public_target_refresh

        public_target_refresh(target_id=target_id)

    transaction.on_commit(refresh)
