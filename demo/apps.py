from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The fictional demo city (示范市) and the ``seed_demo`` command. Sits above every other
    app because it builds data through their services."""

    name = "demo"
    verbose_name = _("演示数据")
