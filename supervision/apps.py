from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """督查: supervision orders, inspections, findings and rectification, external inputs and
    accountability (Shanghai Art. 18–22). Imports accounts, targets and execution, never a
    later app; adds its section to the target page through ``targets.extensions``."""

    name = "supervision"
    verbose_name = _("督查督办")

    def ready(self):
        self._register_notifications()
        from execution.extensions import register_coordination_section
        from targets.extensions import (
            register_target_list_action,
            register_target_section,
        )

        from .list_actions import red_list_orders
        from .models import ExternalInput, Finding, SupervisionOrder
        from .sections import PROBES, coordination_section, target_section

        links = {
            PROBES["orders"]: SupervisionOrder.targets.through,
            PROBES["findings"]: Finding.targets.through,
            PROBES["inputs"]: ExternalInput.targets.through,
        }
        register_target_section(
            key="supervision",
            template="supervision/target_section.html",
            build=target_section,
            order=300,
            probes={name: (link, "target") for name, link in links.items()},
        )
        # Orders about a coordination item, on the item's page (issue 9 item 1).
        register_coordination_section(
            key="supervision",
            template="supervision/coordination_section.html",
            build=coordination_section,
        )
        # The red list → bulk orders (issue 9 item 1).
        register_target_list_action(key="supervision_red_list", build=red_list_orders, order=10)

    def _register_notifications(self):
        # Order and rectification deadlines in the reminder sweep, read checks and the kinds of
        # notification supervision sends (issue 7; efficiency opinions 三.4, 五.6).
        from notifications import kinds, readers, reminders

        from . import reminders as supervision_reminders
        from .models import Finding, SupervisionOrder

        for key, label, order in supervision_reminders.KINDS:
            kinds.register_kind(key, label, order=order)
        for model, check in supervision_reminders.READ_CHECKS:
            readers.register_read_check(model, check)
        reminders.register_reminder_source(
            reminders.ReminderSource(
                key="supervision.order",
                model=SupervisionOrder,
                label=_("督办单"),
                items=supervision_reminders.orders_awaiting_reply,
                owner_roles=supervision_reminders.OWNERS,
            )
        )
        reminders.register_reminder_source(
            reminders.ReminderSource(
                key="supervision.finding",
                model=Finding,
                label=_("问题整改"),
                items=supervision_reminders.findings_to_rectify,
                owner_roles=supervision_reminders.OWNERS,
            )
        )
