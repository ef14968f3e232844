from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("消息与提醒")

    def ready(self):
        from . import kinds

        kinds.register_builtin_kinds()
