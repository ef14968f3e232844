import datetime
from decimal import Decimal

from django.contrib import admin
from django.db import models
from django.utils import timezone

from .models import AuditEvent
from .services import audit_diff, audit_record

# Never written to the trail: secrets, and bookkeeping that changes on every login.
NOT_AUDITED = {"password", "last_login"}


def audit_values(obj) -> dict:
    """An object's fields as plain JSON values, for before/after comparison."""
    values = {}
    for field in obj._meta.concrete_fields:
        if field.name in NOT_AUDITED:
            continue
        value = getattr(obj, field.name)
        if isinstance(field, models.ForeignKey):
            value = str(value) if value is not None else None
        elif isinstance(value, Decimal):
            value = format(value.normalize(), "f")
        elif isinstance(value, datetime.datetime):
            # As the admin form shows and posts it back (local time, whole seconds), so saving
            # a user does not record a date_joined "change" that is only its precision.
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            value = value.replace(microsecond=0).isoformat()
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        values[field.name] = value
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            if field.name not in NOT_AUDITED:
                values[field.name] = sorted(str(o) for o in getattr(obj, field.name).all())
    return values


class AuditedAdmin(admin.ModelAdmin):
    """Reference data changed in the admin (departments, users, roles, portfolios, plan years)
    leaves the same audit rows as the workflow: who, when, before/after (Art. 14 全程记录)."""

    def _before(self, obj):
        if obj.pk is None:
            return {}
        stored = type(obj)._default_manager.filter(pk=obj.pk).first()
        return audit_values(stored) if stored is not None else {}

    def _record(self, request, obj, before, action):
        after = audit_values(obj) if action != AuditEvent.Action.DELETE else {}
        changes = audit_diff(before, after)
        if changes or action != AuditEvent.Action.UPDATE:
            audit_record(actor=request.user, obj=obj, action=action, changes=changes)

    def save_model(self, request, obj, form, change):
        before = self._before(obj) if change else {}
        super().save_model(request, obj, form, change)
        # The admin object serves every request: keep the pending record on the request.
        request._audit_pending = (obj, before, change)

    def save_related(self, request, form, formsets, change):
        # Many-to-many values are saved here, after save_model: record the object once they are.
        super().save_related(request, form, formsets, change)
        obj, before, change = request._audit_pending
        action = AuditEvent.Action.UPDATE if change else AuditEvent.Action.CREATE
        self._record(request, obj, before, action)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            before = audit_values(obj)
            pk = obj.pk
            obj.delete()
            obj.pk = pk
            self._record(request, obj, before, AuditEvent.Action.DELETE)
        for obj in instances:
            before = self._before(obj)
            adding = obj.pk is None or not before
            obj.save()
            self._record(
                request,
                obj,
                before,
                AuditEvent.Action.CREATE if adding else AuditEvent.Action.UPDATE,
            )
        formset.save_m2m()

    def delete_model(self, request, obj):
        before = audit_values(obj)
        pk = obj.pk
        super().delete_model(request, obj)
        obj.pk = pk
        self._record(request, obj, before, AuditEvent.Action.DELETE)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only for everyone, superusers included: the trail is append-only (Art. 14)."""

    list_display = [
        "occurred_at",
        "actor_name",
        "action",
        "object_repr",
        "from_state",
        "to_state",
        "request_id",
    ]
    list_filter = ["content_type"]
    search_fields = ["action", "object_repr", "actor_name", "comment", "request_id"]
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
