from django.contrib import admin

from .models import EmailPreference, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """For the administrator to watch the outbox (failed e-mails and why); notifications are
    written only by ``notifications.services``."""

    list_display = [
        "created_at",
        "recipient",
        "recipient_email",
        "kind",
        "title",
        "read_at",
        "email_status",
    ]
    list_filter = ["kind", "email_status"]
    search_fields = [
        "title",
        "recipient__username",
        "recipient__display_name",
        "recipient_email",
        "key",
    ]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EmailPreference)
class EmailPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "email"]
    list_filter = ["kind", "email"]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
