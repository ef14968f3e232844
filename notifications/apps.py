from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("消息与提醒")

    def ready(self):
        from . import kinds

        kinds.register_builtin_kinds()
        # Each notification is one reader's (its bell, issue 20): a write placed by its
        # recipients rebuilds only their pages' header counts.
        from workflow import generations

        from .models import Notification

        generations.partition(
            Notification,
            lambda n, update_fields: {n.recipient_id},
            fields=("recipient", "recipient_email"),
        )
