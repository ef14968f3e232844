from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """政务公开: the public side (efficiency opinions 002 七.3 高度透明). Sits above every other
    app and reads only what the general office published; nothing imports it. It hears about
    changes to a published target through the audit trail (a ``post_save`` receiver on
    ``AuditEvent``), so no lower app needs to know it exists."""

    name = "portal"
    verbose_name = _("政务公开")

    def ready(self):
        from . import signals  # noqa: F401
