from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only for everyone, superusers included: the trail is append-only (Art. 14)."""

    list_display = [
        "occurred_at",
        "actor_name",
        "action",
        "object_repr",
        "transition",
        "request_id",
    ]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "actor_name", "comment", "request_id"]
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
